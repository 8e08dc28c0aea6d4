"""Words of a text as the index sees them, and how telling each word is in the index
(its inverse document frequency): what matching needs to compare a profile with a
posting. Matching decides the formula; this module only answers from the index."""

from portal.search.analysis import analyzer
from portal.search.index import pool

_analyzer = analyzer()
IDF_KEY = "idf"


def text_terms(text: str) -> frozenset[str]:
    """The distinct index terms of ``text`` (stemmed, stop words dropped)."""
    return frozenset(token.text for token in _analyzer(text or ""))


def term_idf(terms) -> dict[str, float]:
    """Each term's inverse document frequency in the current index (cached per index
    generation); a term no posting uses gets the highest value."""
    view = pool().current()
    searcher = view.searcher
    if searcher.doc_count_all() == 0:  # an empty index: every word is equally telling
        return dict.fromkeys(terms, 1.0)
    cache = view.cache.setdefault(IDF_KEY, {})
    found = {}
    for term in terms:
        value = cache.get(term)
        if value is None:
            value = cache[term] = searcher.idf("text", term)
        found[term] = value
    return found
