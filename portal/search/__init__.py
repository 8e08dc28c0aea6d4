"""Job search. The rest of the portal uses only these names, never Whoosh itself."""

from portal.search.query import PAGE_SIZE, SearchParams, SearchResult, more_like, search
from portal.search.sync import enqueue, sync_after_commit

__all__ = [
    "PAGE_SIZE",
    "SearchParams",
    "SearchResult",
    "enqueue",
    "more_like",
    "search",
    "sync_after_commit",
]
