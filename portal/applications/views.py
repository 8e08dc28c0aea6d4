"""Applying and the seeker's applications; the agency's questions and pipeline."""

from flask import Blueprint

bp = Blueprint("applications", __name__)
