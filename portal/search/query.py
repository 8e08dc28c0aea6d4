"""Job search: keywords (stemming, synonyms, field boosts, phrases), filters, facet counts,
sorting, highlights and "did you mean".

The parts live beside this module: ``params`` (the URL), ``keywords`` (the text query,
suggestions, highlights), ``facets`` (filters and counts) and ``ranking`` (matching and order).
"""

from collections import Counter
from dataclasses import dataclass, replace

from markupsafe import Markup
from whoosh.query import Or, Term

from portal.search import facets, ranking
from portal.search.keywords import highlighted, suggest, text_query
from portal.search.params import PAGE_SIZE, SearchParams
from portal.search.searcher import View, pool


@dataclass
class Hit:
    job_id: int
    title: Markup
    snippet: Markup | None


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, Counter]
    suggestion: str | None = None
    corrected_from: str | None = None  # we searched the suggestion because q found nothing

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def search(
    p: SearchParams, snippet_source=None, *, start: int | None = None, size: int = PAGE_SIZE
) -> SearchResult:
    """Run a search. ``snippet_source(job_ids)`` returns {id: (title, plain description)}
    for the page's hits, used for highlights. The hits are ``p.page``'s, or ``size`` hits
    from ``start`` (the API's cursor: any offset, any page size)."""
    view = pool().current()
    query = text_query(p.q) if p.q else None
    window = ((p.page - 1) * PAGE_SIZE if start is None else start, size)
    result = _run(view, query, p, snippet_source, window)
    if p.q and (result.total == 0 or query is None):
        suggestion = suggest(view, p.q)
        if suggestion:
            corrected = _run(view, text_query(suggestion), p, snippet_source, window)
            corrected.suggestion = suggestion
            if result.total == 0 and corrected.total:
                corrected.corrected_from = p.q
                return corrected
            result.suggestion = suggestion
    elif p.q and result.total < 5:
        result.suggestion = suggest(view, p.q)
    return result


def _run(view: View, query, p: SearchParams, snippet_source, window) -> SearchResult:
    if query is not None:
        matched = ranking.matched(view, query.query)
    elif p.q:
        matched = 0
    else:
        matched = view.live_mask
    filters = facets.filters(view, p)
    docs = facets.intersect(matched, filters.values())
    facet_counts = facets.counts(view, matched, filters, docs)
    start, size = window
    ordered = ranking.order(view, query, docs, p, start + size)[start:]
    job_ids = [view.facets[d].job_id for d in ordered]
    terms = query.highlight_terms if query is not None else frozenset()
    sources = snippet_source(job_ids) if snippet_source else {}
    hits = []
    for job_id in job_ids:
        title, body = sources.get(job_id, ("", ""))
        hits.append(
            Hit(
                job_id=job_id,
                title=highlighted(title, terms, None) or Markup.escape(title),
                snippet=highlighted(body, terms, 220),
            )
        )
    return SearchResult(params=p, total=docs.bit_count(), hits=hits, facets=facet_counts)


def new_jobs(
    p: SearchParams, published_after: int, limit: int | None = None
) -> list[tuple[int, int]]:
    """The published jobs matching a search (keywords and filters, as ``search`` reads
    them) that were published after ``published_after`` (a Unix time), newest first, as
    (job id, publication Unix time): what an alert sends (and, the newest ``limit``, a
    search's Atom feed). No facet counts, no suggestions: it starts from the few new
    documents."""
    view = pool().current()
    docs = view.published_after(published_after)
    if not docs:
        return []
    query = text_query(p.q) if p.q else None
    if p.q and query is None:
        return []
    groups = list(facets.filters(view, replace(p, posted=None)).values())
    if query is not None:
        groups.append(ranking.matched(view, query.query))
    docs = facets.intersect(docs, groups)
    wanted = docs.bit_count() if limit is None else limit
    newest = ranking.top(view, docs, wanted, "newest")
    return [(view.facets[d].job_id, view.facets[d].published_ts) for d in newest]


def more_like(job_id: int, text: str, limit: int = 5) -> list[int]:
    """Published jobs similar to a job: Whoosh picks the text's key terms (as
    more_like_this does), ranked with the cached term doc sets."""
    view = pool().current()
    keys = view.searcher.key_terms_from_text("text", text, numterms=8)
    terms = [Term("text", word) for word, _weight in keys]
    docs = ranking.matched(view, Or(terms)) if terms else 0
    ranked = ranking.ranked(view, terms, docs, limit + 1)
    return [view.facets[d].job_id for d in ranked if view.facets[d].job_id != job_id][:limit]
