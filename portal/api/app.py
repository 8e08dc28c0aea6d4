"""The API's frame: one flask-smorest ``Api`` that writes the OpenAPI 3.1 document from
the code, and ``blueprint()`` for each part of the API (all under ``/api/v1``, rate-limited,
no CSRF: the API takes no cookies, only tokens). Errors are ``application/problem+json``,
written by ``portal.errors`` for every path under ``/api/``."""

import http

from flask import Flask, current_app
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from portal import ratelimits
from portal.api.schemas import ProblemSchema
from portal.extensions import csrf

PREFIX = "/api/v1"
TITLE = "Sector Jobs Portal API"
VERSION = "1.0"


class PortalApi(Api):
    """flask-smorest's Api without its app-wide JSON error handler (``portal.errors``
    answers problem+json under ``/api/`` and pages elsewhere) and without its docs
    blueprint (``portal.api.docs`` serves the document and a page built from it). Its
    documented error answers are problem+json."""

    ERROR_SCHEMA = ProblemSchema
    PROBLEM_CONTENT_TYPE = "application/problem+json"

    def _register_error_handlers(self) -> None:
        pass

    def _register_doc_blueprint(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


SPEC = {
    "title": TITLE,
    "version": VERSION,
    "openapi_version": "3.1.0",
    "info": {
        "description": (
            "The jobs of British Columbia's community social services sector. Reading "
            "needs no token; agencies' systems write with a personal access token "
            "(Authorization: Bearer ...) made in the agency's settings."
        )
    },
}


def blueprint(name: str, description: str) -> Blueprint:
    """A part of the API: its routes are rate-limited per token or address, CSRF-exempt."""
    bp = Blueprint(name, __name__, url_prefix=PREFIX, description=description)
    ratelimits.api(bp)
    csrf.exempt(bp)
    return bp


def register(app: Flask, blueprints: list[Blueprint]) -> None:
    """One ``PortalApi`` per app (the tests make many apps), kept in its extensions."""
    api = PortalApi(spec_kwargs=SPEC)
    api.init_app(app)
    app.extensions["portal-api"] = api
    api.spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "A personal access token"}
    )
    for bp in blueprints:
        api.register_blueprint(bp)


def document() -> dict:
    """The OpenAPI document of the current app."""
    return current_app.extensions["portal-api"].spec.to_dict()
