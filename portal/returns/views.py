"""Agencies fill in and submit their workforce returns; the champion runs the periods and
reviews returns."""

from flask import Blueprint

bp = Blueprint("returns", __name__)
