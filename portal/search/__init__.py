"""Job search. The rest of the portal uses only these names, never Whoosh itself."""

from portal.search.documents import plain_text
from portal.search.params import (
    HOURS_BUCKETS,
    PAGE_SIZE,
    PAY_STEPS,
    POSTED_WITHIN,
    SORTS,
    SearchParams,
)
from portal.search.query import SearchResult, more_like, new_jobs, search
from portal.search.recovery import rebuilding
from portal.search.signals import jobs_committed
from portal.search.similarity import term_idf, text_terms
from portal.search.status import index_documents, outbox_lag
from portal.search.sync import enqueue, node_name, pending_changes, sync_after_commit
from portal.search.synonyms import require_synonyms
from portal.search.tasks import sync_index

__all__ = [
    "HOURS_BUCKETS",
    "PAGE_SIZE",
    "PAY_STEPS",
    "POSTED_WITHIN",
    "SORTS",
    "SearchParams",
    "SearchResult",
    "enqueue",
    "index_documents",
    "jobs_committed",
    "more_like",
    "new_jobs",
    "node_name",
    "outbox_lag",
    "pending_changes",
    "plain_text",
    "rebuilding",
    "require_synonyms",
    "search",
    "sync_after_commit",
    "sync_index",
    "term_idf",
    "text_terms",
]
