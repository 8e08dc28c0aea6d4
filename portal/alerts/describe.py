"""An alert in plain words: "Early childhood educator jobs in Vancouver Island/Coast,
part-time, $25/h or more"."""

from urllib.parse import parse_qsl, urlencode

from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal import search
from portal.extensions import db
from portal.models import Agency, Community, Occupation, Region, SavedSearch
from portal.models.jobs import EMPLOYMENT_TYPES

HOURS_WORDS = {
    "under-20": "under 20 h a week",
    "20-30": "20–30 h a week",
    "30-plus": "30+ h a week",
}


def params_of(query: str) -> search.SearchParams:
    """The search an alert's stored query string stands for (as ``/jobs`` reads it)."""
    return search.SearchParams.from_args(MultiDict(parse_qsl(query)))


def search_url(alert, *, external: bool = False) -> str:
    """The ``/jobs`` address of a search alert's stored query (built by ``url_for``)."""
    args = MultiDict(parse_qsl(alert.query or "")).to_dict(flat=False)
    return url_for("jobs.index", _external=external, **args)


def canonical(p: search.SearchParams) -> str:
    """The query string an alert keeps: the search's filters and keywords, without the
    page, the sort or "posted within" (an alert is about new jobs, newest first)."""
    args = p.to_args(page=1, posted=None, sort="relevance" if p.q else "newest")
    return urlencode(args, doseq=True)


def _names(model, column, ids) -> list[str]:
    if not ids:
        return []
    rows = db.session.execute(select(model.id, column).where(model.id.in_(ids))).all()
    return [name for _, name in sorted(rows, key=lambda r: r[1])]


def describe_params(p: search.SearchParams) -> str:
    occupations = _names(Occupation, Occupation.title, p.occupation)
    what = " or ".join(occupations) if occupations else "All"
    if p.q:
        what = f"“{p.q}” — {what.lower() if occupations else 'all'}"
    words = [f"{what[0].upper()}{what[1:]} jobs"]
    places = _names(Region, Region.name, p.region) + _names(Community, Community.name, p.community)
    if places:
        words[0] += " in " + " or ".join(places)
    agencies = _names(Agency, Agency.name, p.agency)
    if agencies:
        words[0] += " at " + " or ".join(agencies)
    if p.type:
        words.append(" or ".join(EMPLOYMENT_TYPES[t].lower() for t in p.type))
    if p.pay:
        words.append(f"${p.pay}/h or more")
    if p.hours:
        words.append(" or ".join(HOURS_WORDS[h] for h in p.hours))
    if p.hours_min is not None or p.hours_max is not None:
        low, high = p.hours_min, p.hours_max
        if low is not None and high is not None:
            words.append(f"{low}–{high} h a week")
        elif low is not None:
            words.append(f"at least {low} h a week")
        else:
            words.append(f"at most {high} h a week")
    if p.pooled:
        words.append("pooled positions only")
    return ", ".join(words)


def describe(alert: SavedSearch) -> str:
    if alert.kind == "matches":
        stars = alert.min_stars or 1
        return f"Jobs that match my profile, {stars} star{'s' if stars != 1 else ''} or more"
    return describe_params(params_of(alert.query))
