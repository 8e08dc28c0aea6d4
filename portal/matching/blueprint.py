"""The matching blueprint; its routes are in ``seeker_views``, ``agency_views`` and
``pooling_views`` (imported by ``create_app``)."""

from flask import Blueprint

bp = Blueprint("matching", __name__)
