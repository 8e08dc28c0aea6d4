"""The seeker's profile, résumé and saved jobs; agencies' view of a visible profile."""

from flask import Blueprint

bp = Blueprint("seekers", __name__)
