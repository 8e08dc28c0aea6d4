"""Filters and facet counts over the facet caches of each index segment (see
``searcher.View`` and ``segments.SegmentData``): document sets are ``bits`` integers, so
a filter is a few big-integer operations and a count is ``int.bit_count``."""

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

from portal.search import bits
from portal.search.params import HOURS_BUCKETS, PAY_STEPS, POSTED_WITHIN, SearchParams
from portal.search.searcher import View

FACETS = ("region", "community", "occupation", "type", "agency", "pay", "hours", "pooled", "posted")
ATTRS = {
    "region": "region_id",
    "community": "community_id",
    "occupation": "occupation_id",
    "type": "employment_type",
    "agency": "agency_ids",
}
# counting a facet value by intersecting its set costs about as much as looking up the
# facets of this many documents one by one: below that, the documents are listed instead
LIST_PER_VALUE = 16


def filters(view: View, p: SearchParams) -> dict[str, int]:
    """The documents of each active filter group (values within a group are OR-ed)."""

    def any_of(name, values):
        docs = 0
        for value in values:
            docs |= view.value_docs(ATTRS[name], value)
        return docs

    found: dict[str, int] = {}
    for name in ("region", "community", "occupation", "type", "agency"):
        if getattr(p, name):
            found[name] = any_of(name, getattr(p, name))
    if p.pay:
        found["pay"] = view.at_least("pay_hourly_cents", p.pay * 100)
    if p.hours:
        docs = 0
        for key in p.hours:
            docs |= _hours_bucket(view, key)
        found["hours"] = docs
    if p.hours_min is not None or p.hours_max is not None:
        low = p.hours_min if p.hours_min is not None else 0
        high = p.hours_max if p.hours_max is not None else 10_000
        in_range = view.where("hours", ("range", low, high), lambda h: low <= h <= high)
        found["hours"] = found["hours"] & in_range if "hours" in found else in_range
    if p.pooled:
        found["pooled"] = view.value_docs("pooled", True)
    if p.posted:
        since = int((datetime.now(UTC) - timedelta(days=p.posted)).timestamp())
        found["posted"] = view.at_least("published_ts", since, cache=False)
    return found


def _hours_bucket(view: View, key: str) -> int:
    low, high = HOURS_BUCKETS[key]
    return view.where("hours", ("bucket", key), lambda h: low <= h < high)


def intersect(base: int, sets) -> int:
    result = base
    for s in sets:
        result &= s
        if not result:
            break
    return result


def counts(view: View, matched: int, found: dict[str, int], docs: int) -> dict[str, Counter]:
    """Every facet's counts: each over the documents that match the other filters."""
    splits: dict = {}
    result = {}
    for name in FACETS:
        others = [s for key, s in found.items() if key != name]
        base = docs if len(others) == len(found) else intersect(matched, others)
        result[name] = count(view, base, name, splits)
    return result


def count(view: View, docs: int, name: str, splits: dict | None = None) -> Counter:
    """Facet counts over ``docs``. ``splits`` caches the per-segment split of each set."""
    if name == "hours":
        return Counter(
            {key: (docs & _hours_bucket(view, key)).bit_count() for key in HOURS_BUCKETS}
        )
    if name == "pay":
        return Counter(
            {
                step: (docs & view.at_least("pay_hourly_cents", step * 100)).bit_count()
                for step in PAY_STEPS
            }
        )
    if name == "pooled":
        return Counter({True: (docs & view.value_docs("pooled", True)).bit_count()})
    if name == "posted":
        now = datetime.now(UTC).timestamp()
        # now - ts <= n days  <=>  ts >= ceil(now - n days), for whole-second stamps
        return Counter(
            {
                n: (
                    docs & view.at_least("published_ts", math.ceil(now - n * 86400), cache=False)
                ).bit_count()
                for n in POSTED_WITHIN
            }
        )
    splits = {} if splits is None else splits
    split = splits.get(docs)
    if split is None:
        split = splits[docs] = [
            (part, local, local.bit_count(), []) for part, local in view.split(docs)
        ]
    return _values(ATTRS[name], split)


def _values(attr: str, split: list) -> Counter:
    """Counts of each value of a facet, in the order of each value's first document (as
    counting document by document gives)."""
    totals: dict = {}
    firsts: dict = {}
    for part, local, n, listed in split:
        groups = part.data.groups(attr)
        offset = part.offset
        if n <= LIST_PER_VALUE * len(groups):
            if not listed:
                listed.extend(bits.members(local))
            facets = part.data.facets
            if attr == "agency_ids":
                for d in listed:
                    for value in facets[d].agency_ids:
                        if value not in totals:
                            totals[value] = 0
                            firsts[value] = offset + d
                        totals[value] += 1
            else:
                for d in listed:
                    value = getattr(facets[d], attr)
                    if value not in totals:
                        totals[value] = 0
                        firsts[value] = offset + d
                    totals[value] += 1
        else:
            for value, mask in groups.items():
                hit = local & mask
                if hit:
                    first = offset + bits.first(hit)
                    if value not in totals:
                        totals[value] = 0
                        firsts[value] = first
                    totals[value] += hit.bit_count()
    order = sorted(totals, key=lambda value: (firsts[value], value))
    return Counter({value: totals[value] for value in order})
