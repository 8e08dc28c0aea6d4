"""The on-disk index and the per-process searcher.

``instance/search/CURRENT`` names the live index directory; ``reindex`` builds a new
directory and swaps the pointer atomically. Each process keeps one searcher
(``searcher.py``), follows the index's generations and caches per index segment the
unpacked facet columns, so filters and facet counts run in memory.
"""

from whoosh import index as whoosh_index

from portal.search.directories import (  # noqa: F401  (the index's directories, as before)
    POINTER,
    _read_pointer,
    _write_pointer,
    new_index_dir,
    pending,
    root_dir,
    swap_in,
    usable,
)
from portal.search.searcher import SearcherPool, TermDocs, View, pool  # noqa: F401  (as before)


def current_dir(create: bool = True) -> str | None:
    """The live index directory. A lost or unusable index (the pointer or its directory
    missing, a table of contents or segment file gone) or a pending rebuild is dealt with
    first (``portal.search.recovery``); ``create=False`` only reads the pointer."""
    root = root_dir()
    path = _read_pointer(root)
    if not create or (usable(path) and not pending(root)):
        return path
    from portal.search import recovery  # it reads the database, so it imports this module

    return recovery.recover(root)


def open_index(path: str | None = None):
    return whoosh_index.open_dir(path or current_dir())
