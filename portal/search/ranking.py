"""Which documents match a text query and in what order: term document sets read per
segment, a BM25-style score for relevance, and the other sorts.

Only the window of results a page shows is ordered. A relevance score depends only on
each query term's frequency in the document, so the matches fall into a few score levels
(one per combination of frequencies); the levels are visited best first, and only the
levels the window reaches are ordered among themselves (newest first, then job id). A
query matching most jobs therefore never scores them one by one; the other sorts walk
each segment's documents in that order (kept per segment) until the window is full.
"""

import heapq
import math
from itertools import islice

from whoosh.query import And, Or, Term

from portal.search import bits
from portal.search.facets import intersect
from portal.search.keywords import TextQuery
from portal.search.params import SearchParams
from portal.search.searcher import View
from portal.search.segments import SORT_KEYS


def _simple_terms(query) -> list | None:
    """The Term leaves of an And/Or/Term tree, or None if it has other kinds of nodes."""
    if isinstance(query, Term):
        return [query]
    if isinstance(query, (And, Or)):
        terms = []
        for child in query.subqueries:
            found = _simple_terms(child)
            if found is None:
                return None
            terms.extend(found)
        return terms
    return None


def matched(view: View, query) -> int:
    """Docs matching a query: And/Or/Term through term doc sets, others by Whoosh."""
    if isinstance(query, Term):
        return view.term(query.fieldname, query.text).docs
    if isinstance(query, And):
        return intersect(
            matched(view, query.subqueries[0]), [matched(view, q) for q in query.subqueries[1:]]
        )
    if isinstance(query, Or):
        found = 0
        for q in query.subqueries:
            found |= matched(view, q)
        return found
    return view.matched(repr(query), lambda: view.searcher.docs_for_query(query))


# below this many matches (or when the window needs most of them) ordering every match is
# cheaper than walking an order
LIST_ALL = 1000


def top(view: View, docs: int, k: int, sort: str) -> list[int]:
    """The first ``k`` of ``docs`` in a result order (``segments.SORT_KEYS``)."""
    if k <= 0 or not docs:
        return []
    key = SORT_KEYS[sort]
    facets = view.facets
    n = docs.bit_count()
    if n <= LIST_ALL or n * n <= k * view.count:
        return heapq.nlargest(k, bits.members(docs), key=lambda d: key(facets[d]))
    streams = [
        _in_order(part.data.order(sort), local, part.offset) for part, local in view.split(docs)
    ]
    if len(streams) == 1:
        return list(islice(streams[0], k))
    return list(islice(heapq.merge(*streams, key=lambda d: key(facets[d]), reverse=True), k))


def _in_order(order, local: int, offset: int):
    """A segment's documents in ``local``, in the segment's ``order``, index-wide."""
    data = local.to_bytes((local.bit_length() + 7) >> 3, "little")
    size = len(data)
    for d in order:
        i = d >> 3
        if i < size and data[i] >> (d & 7) & 1:
            yield offset + d


BM25_K1 = 1.2
# score levels visited before falling back to scoring the docs that can reach the top
MAX_LEVELS = 2000
# queries of more terms than this go straight there: their combinations of frequencies
# are too many to visit (the eight key terms of "similar jobs": 40 ms at 100,000 jobs,
# against 5 ms)
LEVEL_TERMS = 4


def _gain(weight: float, tf: int) -> float:
    return weight * tf * (BM25_K1 + 1) / (tf + BM25_K1)


def weights(view: View, terms: list) -> list[tuple[float, dict]]:
    """Per term: its idf times its boost, and its docs by term frequency."""
    total = max(1, view.count)
    weighted = []
    for t in terms:
        found = view.term(t.fieldname, t.text)
        idf = math.log(1 + (total - found.count + 0.5) / (found.count + 0.5))
        weighted.append((idf * (t.boost or 1.0), found.levels))
    return weighted


def ranked(view: View, terms: list, docs: int, limit: int) -> list[int]:
    """Top docs by a BM25-style sum over the query terms (term frequency saturation and
    idf; document text repeats the title and occupation, which weights them). Equal
    scores: newest first, then job id, so the order survives merges and reindexing
    (document numbers do not)."""
    if limit <= 0 or not docs:
        return []
    weighted = weights(view, terms)
    if docs.bit_count() > LIST_ALL:
        found = _by_levels(view, weighted, docs, limit) if len(terms) <= LEVEL_TERMS else None
        if found is None:
            found = _by_groups(view, weighted, docs, limit)
        if found is not None:
            return found
    return _scored(view, weighted, docs, limit)


def _scored(view: View, weighted: list, docs: int, limit: int) -> list[int]:
    """Every match scored (the sum over the terms in query order, as _by_levels adds)."""
    listed = bits.members(docs)
    score = dict.fromkeys(listed, 0.0)
    for weight, levels in weighted:
        for tf, mask in levels.items():
            hit = docs & mask if tf else 0
            if hit:
                gain = _gain(weight, tf)
                for d in bits.members(hit):
                    score[d] += gain
    facets = view.facets
    return heapq.nlargest(
        limit,
        listed,
        key=lambda d: (round(score[d], 9), facets[d].published_ts, facets[d].job_id),
    )


# terms above which every match is scored instead of grouping docs by their frequencies
MAX_PRUNED_TERMS = 16
SLACK = 1e-6  # keeps docs whose best possible score equals the bound despite rounding


def _by_groups(view: View, weighted: list, docs: int, limit: int) -> list[int] | None:
    """The top ``limit`` by splitting the docs into groups of equal score (a MaxScore-style
    bound on bit sets); None for queries of too many terms.

    Term by term, the most valuable first, the docs are split by the term's frequency in
    them (the best gain first, then lesser ones, then "has it not"), so the docs of each
    group have the same frequencies and so the same score. The ``limit`` best scores of
    the groups found so far give a floor; a branch whose best possible score (what it has
    plus the best gains of the terms still to split on) is below the floor cannot reach
    the top and is dropped. Empty branches end at once, so only combinations that some
    docs have are visited. Used when a query's terms match too many docs in too many
    score levels to visit them best first (the "similar jobs" of a job page: eight key
    terms matching half the index)."""
    if len(weighted) > MAX_PRUNED_TERMS:
        return None
    terms = []  # (the term's place in the query, its (gain, docs) best first)
    for place, (weight, levels) in enumerate(weighted):
        entries = [(_gain(weight, tf), docs & mask) for tf, mask in levels.items() if tf]
        entries = sorted((entry for entry in entries if entry[1]), reverse=True, key=_first)
        if entries:
            terms.append((place, entries))
    terms.sort(key=lambda term: term[1][0][0], reverse=True)
    reach = [0.0] * (len(terms) + 1)  # the most the terms from i on can add
    for i in range(len(terms) - 1, -1, -1):
        reach[i] = reach[i + 1] + terms[i][1][0][0]

    groups: list = []  # (score, docs) of each group reached
    best: list = []  # a min-heap of (score, docs counted): the fewest best groups
    counted = 0  # that hold at least ``limit`` docs
    floor = -math.inf  # the lowest score among them: the top ``limit`` reach it
    gains = [0.0] * len(weighted)  # per query term, its gain in the current branch

    def visit(i: int, mask: int, bound: float) -> None:
        nonlocal counted, floor
        if bound + reach[i] < floor - SLACK:
            return
        if i == len(terms):
            score = sum(gains)  # in query order, as _scored adds
            size = mask.bit_count()
            groups.append((score, mask))
            heapq.heappush(best, (score, size))
            counted += size
            while counted - best[0][1] >= limit:
                counted -= heapq.heappop(best)[1]
            if counted >= limit:
                floor = best[0][0]
            return
        place, entries = terms[i]
        rest = mask
        for gain, present in entries:
            hit = mask & present
            if hit:
                gains[place] = gain
                visit(i + 1, hit, bound + gain)
                rest &= ~present
                if not rest:
                    break
        gains[place] = 0.0
        if rest:
            visit(i + 1, rest, bound)

    visit(0, docs, 0.0)
    groups.sort(key=_first, reverse=True)
    result: list[int] = []
    level, group = None, 0
    for score, mask in groups:
        rounded = round(score, 9)
        if rounded != level:
            result.extend(top(view, group, limit - len(result), "newest"))
            if len(result) >= limit:
                return result
            level, group = rounded, 0
        group |= mask
    result.extend(top(view, group, limit - len(result), "newest"))
    return result


def _first(entry: tuple) -> float:
    return entry[0]


def _by_levels(view: View, weighted: list, docs: int, limit: int) -> list[int] | None:
    """The top ``limit`` by visiting score levels best first; None when there are too
    many levels (then scoring each match is cheaper)."""
    lists = []  # per term: (gain, docs with that gain), best first
    for weight, levels in weighted:
        entries = []
        rest = docs
        for tf, mask in levels.items():
            hit = docs & mask if tf else 0
            if hit:
                entries.append((_gain(weight, tf), hit))
                rest &= ~mask
        if rest:  # docs without the term (an Or): nothing added
            entries.append((0.0, rest))
        entries.sort(key=lambda entry: entry[0], reverse=True)
        lists.append(entries)

    def score(index):
        s = 0.0
        for entries, j in zip(lists, index, strict=True):
            s += entries[j][0]
        return s

    first = (0,) * len(lists)
    heap = [(-score(first), first)]
    seen = {first}
    result: list[int] = []
    level, group = None, 0
    visited = 0
    while heap:
        negative, index = heapq.heappop(heap)
        visited += 1
        if visited > MAX_LEVELS:
            return None
        rounded = round(-negative, 9)
        if rounded != level:
            result.extend(top(view, group, limit - len(result), "newest"))
            if len(result) >= limit:
                return result
            level, group = rounded, 0
        mask = docs
        for entries, j in zip(lists, index, strict=True):
            mask &= entries[j][1]
            if not mask:
                break
        group |= mask
        for i, entries in enumerate(lists):
            if index[i] + 1 < len(entries):
                following = (*index[:i], index[i] + 1, *index[i + 1 :])
                if following not in seen:
                    seen.add(following)
                    heapq.heappush(heap, (-score(following), following))
    result.extend(top(view, group, limit - len(result), "newest"))
    return result


def order(view: View, query: TextQuery | None, docs: int, p: SearchParams, limit: int) -> list[int]:
    if p.sort == "relevance" and query is not None:
        terms = _simple_terms(query.query)
        if terms is not None:
            return ranked(view, terms, docs, limit)
        results = view.searcher.search(query.query, filter=set(bits.members(docs)), limit=limit)
        return [hit.docnum for hit in results]
    if p.sort in ("pay", "closing"):
        return top(view, docs, limit, p.sort)
    # ties broken by job id, so pages stay stable across merges and reindexing
    return top(view, docs, limit, "newest")
