"""The ``returns`` blueprint: the agency's routes (``views.py``) and the champion's
(``review.py``) are both on it; ``create_app`` registers it."""

from flask import Blueprint

bp = Blueprint("returns", __name__)
