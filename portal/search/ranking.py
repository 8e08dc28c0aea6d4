"""Which documents match a text query and in what order: cached term doc sets, a
BM25-style score for relevance, and the other sorts."""

import heapq
import math

from whoosh.query import And, Or, Term

from portal.search.facets import intersect
from portal.search.index import View
from portal.search.keywords import TextQuery
from portal.search.params import SearchParams


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


def matched(view: View, query) -> set:
    """Docs matching a query: And/Or/Term through cached term doc sets, others by Whoosh."""
    if isinstance(query, Term):
        return view.term(query.fieldname, query.text).docs
    if isinstance(query, And):
        return intersect(
            matched(view, query.subqueries[0]), [matched(view, q) for q in query.subqueries[1:]]
        )
    if isinstance(query, Or):
        found = set()
        for q in query.subqueries:
            found |= matched(view, q)
        return found
    return view.matched(repr(query), lambda: view.searcher.docs_for_query(query))


BM25_K1 = 1.2


def ranked(view: View, terms: list, docs: set, limit: int) -> list[int]:
    """Top docs by a BM25-style sum over the query terms (term frequency saturation and
    idf; document text repeats the title and occupation, which weights them)."""
    total = max(1, len(view.live))
    facets = view.facets
    weighted = []
    for t in terms:
        found = view.term(t.fieldname, t.text)
        idf = math.log(1 + (total - len(found.docs) + 0.5) / (len(found.docs) + 0.5))
        weighted.append((found.tfs, idf * (t.boost or 1.0)))

    def score(d):
        s = 0.0
        for tfs, idf in weighted:
            tf = tfs[d]
            if tf:
                s += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1)
        # equal scores: newest first, then job id, so the order survives merges and
        # reindexing (document numbers do not)
        return (round(s, 9), facets[d].published_ts, facets[d].job_id)

    return heapq.nlargest(limit, docs, key=score)


def order(view: View, query: TextQuery | None, docs: set, p: SearchParams, limit: int) -> list[int]:
    facets = view.facets
    if p.sort == "relevance" and query is not None:
        terms = _simple_terms(query.query)
        if terms is not None:
            return ranked(view, terms, docs, limit)
        results = view.searcher.search(query.query, filter=docs, limit=limit)
        return [hit.docnum for hit in results]
    if p.sort == "pay":
        return heapq.nlargest(
            limit, docs, key=lambda d: (facets[d].pay_hourly_cents, -facets[d].job_id)
        )
    if p.sort == "closing":
        return heapq.nsmallest(limit, docs, key=lambda d: (facets[d].closes_ord, facets[d].job_id))
    # ties broken by job id, so pages stay stable across merges and reindexing
    return heapq.nlargest(limit, docs, key=lambda d: (facets[d].published_ts, facets[d].job_id))
