"""Filters and facet counts, over the facet columns cached per index segment (see
``index.View``): far cheaper than Whoosh query filters."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from portal.search.index import View
from portal.search.params import HOURS_BUCKETS, PAY_STEPS, POSTED_WITHIN, SearchParams

FACETS = ("region", "community", "occupation", "type", "agency", "pay", "hours", "pooled", "posted")


def filters(view: View, p: SearchParams) -> dict[str, set]:
    """Docnum sets per active filter group (values within a group are OR-ed)."""

    def any_of(name, attr, values):
        docs = set()
        for value in values:
            docs |= view.docs_where(f"{name}={value}", lambda f, v=value: getattr(f, attr) == v)
        return docs

    found: dict[str, set] = {}
    if p.region:
        found["region"] = any_of("region", "region_id", p.region)
    if p.community:
        found["community"] = any_of("community", "community_id", p.community)
    if p.occupation:
        found["occupation"] = any_of("occupation", "occupation_id", p.occupation)
    if p.type:
        found["type"] = any_of("type", "employment_type", p.type)
    if p.agency:
        docs = set()
        for a in p.agency:
            docs |= view.docs_where(f"agency={a}", lambda f, a=a: a in f.agency_ids)
        found["agency"] = docs
    if p.pay:
        cents = p.pay * 100
        found["pay"] = set(view.docs_where(f"pay>={cents}", lambda f: f.pay_hourly_cents >= cents))
    if p.hours:
        docs = set()
        for key in p.hours:
            low, high = HOURS_BUCKETS[key]
            docs |= view.docs_where(f"hours={key}", lambda f, lo=low, hi=high: lo <= f.hours < hi)
        found["hours"] = docs
    if p.hours_min is not None or p.hours_max is not None:
        low = p.hours_min if p.hours_min is not None else 0
        high = p.hours_max if p.hours_max is not None else 10_000
        hours = view.column("hours")
        in_range = {d for d in view.live if low <= hours[d] <= high}
        found["hours"] = found["hours"] & in_range if "hours" in found else in_range
    if p.pooled:
        found["pooled"] = set(view.docs_where("pooled", lambda f: f.pooled))
    if p.posted:
        since = int((datetime.now(UTC) - timedelta(days=p.posted)).timestamp())
        found["posted"] = {d for d in view.live if view.facets[d].published_ts >= since}
    return found


def intersect(base: set, sets) -> set:
    result = base
    for s in sorted(sets, key=len):
        result = result & s
        if not result:
            break
    return result


def count(view: View, docs, name: str) -> Counter:
    """Facet counts over ``docs`` (C-speed Counter over cached columns where possible)."""
    if name == "agency":
        agencies = view.column("agency_ids")
        return Counter(a for d in docs for a in agencies[d])
    if name == "hours":
        hours = Counter(map(view.column("hours").__getitem__, docs))
        return Counter(
            {
                key: sum(n for h, n in hours.items() if low <= h < high)
                for key, (low, high) in HOURS_BUCKETS.items()
            }
        )
    if name == "pay":
        pays = Counter(map(view.column("pay_hourly_cents").__getitem__, docs))
        return Counter(
            {step: sum(n for c, n in pays.items() if c >= step * 100) for step in PAY_STEPS}
        )
    if name == "pooled":
        return Counter({True: sum(map(view.column("pooled").__getitem__, docs))})
    if name == "posted":
        now = datetime.now(UTC).timestamp()
        stamps = Counter(map(view.column("published_ts").__getitem__, docs))
        return Counter(
            {n: sum(c for ts, c in stamps.items() if now - ts <= n * 86400) for n in POSTED_WITHIN}
        )
    attr = {
        "region": "region_id",
        "community": "community_id",
        "occupation": "occupation_id",
        "type": "employment_type",
    }[name]
    return Counter(map(view.column(attr).__getitem__, docs))
