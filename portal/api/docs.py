"""The OpenAPI document (``/api/v1/openapi.json``) and a page that reads it (``/api/docs``):
built on the server from the same document, so it never differs from it; no script, no
CDN."""

from flask import Blueprint, current_app, jsonify, render_template, url_for

from portal.api import doc_page
from portal.api.app import PREFIX, TITLE, VERSION, document

bp = Blueprint("api_docs", __name__)

TOKENS_PAGE = "/agency/api-tokens"  # where staff make tokens (the agency's settings)
PROBLEM_EXAMPLE = """{
  "type": "about:blank",
  "title": "Unprocessable Entity",
  "status": 422,
  "detail": "The request was well-formed but was unable to be followed due to semantic errors.",
  "errors": [
    {
      "field": "limit",
      "detail": "Must be greater than or equal to 1 and less than or equal to 100."
    }
  ],
  "instance": "/api/v1/jobs"
}"""


@bp.route(f"{PREFIX}/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.route("/api/docs")
def page():
    found = document()
    tokens_page = any(rule.rule == TOKENS_PAGE for rule in current_app.url_map.iter_rules())
    return render_template(
        "api/docs.html",
        title=TITLE,
        version=VERSION,
        info=found.get("info", {}).get("description", ""),
        tags=doc_page.tags(found),
        schemas=doc_page.schemas(found),
        document_url=url_for("api_docs.openapi_json", _external=True),
        search_url=url_for("job_postings.search_jobs", _external=True, q="youth worker", limit=5),
        base=url_for("pages.home", _external=True).rstrip("/"),
        tokens_page=TOKENS_PAGE if tokens_page else None,
        rate_limit=current_app.config["RATELIMIT_API"],
        problem_example=PROBLEM_EXAMPLE,
    )
