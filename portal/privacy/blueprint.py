"""The privacy blueprint; its routes are in ``export_views`` and ``deletion_views``
(imported by ``create_app``)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
