"""The OpenAPI document (``/api/v1/openapi.json``) and a page that reads it (``/api/docs``)."""

from flask import Blueprint, jsonify

from portal.api.app import PREFIX, document

bp = Blueprint("api_docs", __name__)


@bp.route(f"{PREFIX}/openapi.json")
def openapi_json():
    return jsonify(document())
