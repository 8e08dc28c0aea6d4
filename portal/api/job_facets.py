"""The facet counts of a job search, as the API gives them: for each filter, how many jobs
each value would find with the search's other filters kept (the counts of the search
page's filter lists)."""

import marshmallow as ma
from sqlalchemy import select

from portal.extensions import db
from portal.jobs.listing import HOURS_LABELS
from portal.models import Agency, Community, Occupation, Region
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.search import HOURS_BUCKETS, PAY_STEPS, POSTED_WITHIN, SearchResult


class NamedCountSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    count = ma.fields.Integer()


class OccupationCountSchema(ma.Schema):
    id = ma.fields.Integer()
    noc = ma.fields.String()
    title = ma.fields.String()
    count = ma.fields.Integer()


class ValueCountSchema(ma.Schema):
    value = ma.fields.String()
    label = ma.fields.String()
    count = ma.fields.Integer()


class PayCountSchema(ma.Schema):
    min_hourly = ma.fields.Integer(metadata={"description": "The pay filter's value, $/h"})
    count = ma.fields.Integer()


class PostedCountSchema(ma.Schema):
    days = ma.fields.Integer(metadata={"description": "The posted filter's value"})
    count = ma.fields.Integer()


def _counts(schema, what: str):
    return ma.fields.List(ma.fields.Nested(schema), metadata={"description": what})


class FacetsSchema(ma.Schema):
    region = _counts(NamedCountSchema, "Jobs per region (filter: region)")
    community = _counts(NamedCountSchema, "Jobs per community (filter: community)")
    occupation = _counts(OccupationCountSchema, "Jobs per occupation (filter: occupation)")
    agency = _counts(NamedCountSchema, "Jobs per agency with a share (filter: agency)")
    employment_type = _counts(ValueCountSchema, "Jobs per employment type (filter: type)")
    hours = _counts(ValueCountSchema, "Jobs per hours-per-week range (filter: hours)")
    pay = _counts(PayCountSchema, "Jobs paying at least each step (filter: pay)")
    posted = _counts(PostedCountSchema, "Jobs published within each period (filter: posted)")
    pooled = ma.fields.Integer(metadata={"description": "Pooled positions (filter: pooled)"})


def _named(model, counter) -> list[dict]:
    ids = [key for key, n in counter.items() if n]
    if not ids:
        return []
    names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
    found = [{"id": i, "name": names[i], "count": counter[i]} for i in ids if i in names]
    return sorted(found, key=lambda row: (-row["count"], row["name"]))


def facets(result: SearchResult) -> dict:
    counts = result.facets
    occupations = [key for key, n in counts["occupation"].items() if n]
    rows = (
        db.session.execute(
            select(Occupation.id, Occupation.noc_code, Occupation.title).where(
                Occupation.id.in_(occupations)
            )
        ).all()
        if occupations
        else []
    )
    return {
        "region": _named(Region, counts["region"]),
        "community": _named(Community, counts["community"]),
        "occupation": sorted(
            (
                {"id": i, "noc": noc, "title": title, "count": counts["occupation"][i]}
                for i, noc, title in rows
            ),
            key=lambda row: (-row["count"], row["noc"]),
        ),
        "agency": _named(Agency, counts["agency"]),
        "employment_type": [
            {"value": key, "label": label, "count": counts["type"].get(key, 0)}
            for key, label in EMPLOYMENT_TYPES.items()
        ],
        "hours": [
            {"value": key, "label": HOURS_LABELS[key], "count": counts["hours"].get(key, 0)}
            for key in HOURS_BUCKETS
        ],
        "pay": [{"min_hourly": step, "count": counts["pay"][step]} for step in PAY_STEPS],
        "posted": [{"days": n, "count": counts["posted"][n]} for n in POSTED_WITHIN],
        "pooled": counts["pooled"][True],
    }
