"""The HR champion's labour-market dashboard and extracts; agencies' benchmark page."""

from flask import Blueprint

bp = Blueprint("lmi", __name__)
