"""``/jobs.atom`` (any search's newest jobs), ``/jobs.xml`` (every job, for aggregators)
and its schema ``/jobs.xsd``, ``/sitemap.xml`` and ``/robots.txt``."""

from flask import Blueprint, Response, abort, render_template, request, url_for

from portal import search
from portal.alerts.describe import describe_params
from portal.feeds import aggregator, atom, sitemap
from portal.jobs import listing

bp = Blueprint("feeds", __name__)


@bp.route("/jobs.atom")
def jobs_atom():
    params = search.SearchParams.from_args(request.args)
    found = search.new_jobs(params, published_after=0, limit=atom.FEED_SIZE)
    by_id = listing.jobs_by_id(job_id for job_id, _ in found)
    jobs = [by_id[job_id] for job_id, _ in found if job_id in by_id]
    args = params.to_args(page=1, sort="newest")
    title = f"{describe_params(params)} — Sector Jobs Portal"
    body = atom.feed(
        title,
        search_url=url_for("jobs.index", _external=True, **args),
        self_url=url_for("feeds.jobs_atom", _external=True, **params.to_args(page=1)),
        jobs=jobs,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.route("/jobs.xml")
def jobs_xml():
    """Every listed job, for aggregators. Its ETag is the document's own (the same jobs
    give the same document): a client that sends it back gets a 304 while nothing changed.
    No Last-Modified: a job closing or an agency renamed changes the feed without a newer
    date in it."""
    return _conditional(_xml(aggregator.feed()))


@bp.route("/jobs.xsd")
def jobs_xsd():
    return _conditional(_xml(aggregator.SCHEMA.read_text("utf-8")))


@bp.route("/sitemap.xml")
def sitemap_index():
    """One sitemap when every URL fits in one, else an index of the parts."""
    parts = sitemap.part_count()
    if parts == 1:
        return _xml(render_template("feeds/sitemap.xml", urls=sitemap.urls(0)))
    links = [url_for("feeds.sitemap_part", part=n, _external=True) for n in range(1, parts + 1)]
    return _xml(render_template("feeds/sitemap_index.xml", links=links))


@bp.route("/sitemap-<int:part>.xml")
def sitemap_part(part: int):
    parts = sitemap.part_count()
    if not 1 <= part <= parts or parts == 1:
        abort(404)
    return _xml(render_template("feeds/sitemap.xml", urls=sitemap.urls(part - 1)))


@bp.route("/robots.txt")
def robots():
    body = render_template(
        "feeds/robots.txt", sitemap=url_for("feeds.sitemap_index", _external=True)
    )
    return Response(body + "\n", mimetype="text/plain")


def _xml(body: str) -> Response:
    return Response(body, mimetype="application/xml")


def _conditional(response: Response) -> Response:
    response.add_etag()
    return response.make_conditional(request)
