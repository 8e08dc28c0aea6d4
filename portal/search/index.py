"""The on-disk index and the per-process searcher.

``instance/search/CURRENT`` names the live index directory; ``reindex`` builds a new
directory and swaps the pointer atomically. Each process keeps one searcher, refreshes it
when the index changes, and caches per index segment the unpacked facet columns, so
filters and facet counts run in memory.
"""

import bisect
import os
import shutil
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from portal.search.documents import Facets
from portal.search.schema import make_schema

POINTER = "CURRENT"


def root_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"] or os.path.join(
        current_app.instance_path, "search"
    )


def _read_pointer(root: str) -> str | None:
    try:
        with open(os.path.join(root, POINTER), encoding="utf-8") as handle:
            name = handle.read().strip()
    except FileNotFoundError:
        return None
    return os.path.join(root, name) if name else None


def _write_pointer(root: str, path: str) -> None:
    tmp = os.path.join(root, f".{POINTER}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(os.path.basename(path))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, os.path.join(root, POINTER))  # atomic on POSIX


def new_index_dir(root: str) -> str:
    path = os.path.join(root, f"index-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}")
    os.makedirs(path)
    whoosh_index.create_in(path, make_schema())
    return path


def current_dir(create: bool = True) -> str | None:
    root = root_dir()
    path = _read_pointer(root)
    if (path is None or not os.path.isdir(path)) and create:
        os.makedirs(root, exist_ok=True)
        path = new_index_dir(root)
        _write_pointer(root, path)
    return path


def swap_in(path: str) -> None:
    """Make ``path`` the live index and remove the older directories."""
    root = root_dir()
    _write_pointer(root, path)
    for name in os.listdir(root):
        full = os.path.join(root, name)
        if name.startswith("index-") and full != path and os.path.isdir(full):
            shutil.rmtree(full, ignore_errors=True)  # open files stay readable until closed


def open_index(path: str | None = None):
    return whoosh_index.open_dir(path or current_dir())


TERM_CACHE = 64


@dataclass(frozen=True)
class TermDocs:
    docs: set
    tfs: array  # docnum -> term frequency (0 when absent)


@dataclass
class View:
    """What one searcher generation knows: live docs and each doc's facet values."""

    searcher: Searcher
    facets: list  # docnum -> Facets | None
    live: frozenset
    cache: dict = field(default_factory=dict)
    terms: OrderedDict = field(default_factory=OrderedDict)

    def term(self, fieldname: str, text: str) -> "TermDocs":
        """The live docs containing a term and their term frequencies (cached, LRU)."""
        key = (fieldname, text)
        found = self.terms.get(key)
        if found is not None:
            self.terms.move_to_end(key)
            return found
        tfs = array("H", bytes(2 * len(self.facets)))
        docs = set()
        reader = self.searcher.reader()
        if (fieldname, text) in reader:
            for leaf, offset in reader.leaf_readers():
                if (fieldname, text) not in leaf:
                    continue
                matcher = leaf.postings(fieldname, text)
                while matcher.is_active():
                    docnum = offset + matcher.id()
                    tfs[docnum] = min(int(matcher.weight()), 65535)
                    docs.add(docnum)
                    matcher.next()
        found = TermDocs(docs & self.live, tfs)
        self.terms[key] = found
        if len(self.terms) > TERM_CACHE:
            self.terms.popitem(last=False)
        return found

    def column(self, attr: str) -> list:
        """One facet attribute of every doc, as a list indexed by docnum (cached)."""
        found = self.cache.get(("col", attr))
        if found is None:
            found = [getattr(f, attr) if f is not None else None for f in self.facets]
            self.cache[("col", attr)] = found
        return found

    def matched(self, key: str, run) -> set:
        """Live docnums matching a text query; the most recent queries are cached."""
        found = self.cache.get(("q", key))
        if found is None:
            found = set(run()) & self.live
            if len(self.cache) > 2000:
                self.cache.clear()
            self.cache[("q", key)] = found
        return found

    def published_after(self, ts: int) -> set:
        """Live docnums published after ``ts`` (a Unix time), by bisecting the live docs
        sorted by publication (sorted once per generation)."""
        found = self.cache.get("by-published")
        if found is None:
            facets = self.facets
            docs = sorted(self.live, key=lambda d: facets[d].published_ts)
            found = ([facets[d].published_ts for d in docs], docs)
            self.cache["by-published"] = found
        stamps, docs = found
        return set(docs[bisect.bisect_right(stamps, ts) :])

    def docs_where(self, key: str, test) -> frozenset:
        """Live docnums whose facets pass ``test``; cached per generation by ``key``."""
        found = self.cache.get(key)
        if found is None:
            facets = self.facets
            found = frozenset(d for d in self.live if test(facets[d]))
            self.cache[key] = found
        return found


class SearcherPool:
    """One searcher per process (and per index directory), refreshed when the index changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.path = None
        self.index = None
        self.view: View | None = None
        self.segment_cache: dict = {}

    def current(self) -> View:
        with self.lock:
            path = current_dir()
            if path != self.path:
                self._close()
                self.path, self.index = path, open_index(path)
                self.view = self._build(self.index.searcher())
            elif not self.view.searcher.up_to_date():
                # a new searcher, not refresh(): Whoosh-Reloaded's refresh() reuses segment
                # readers with their old deletions (an updated job shows twice, a closed one
                # stays) and fails on an empty index. Facets are still cached per segment.
                self.view = self._build(self.index.searcher())
            return self.view

    def _close(self) -> None:
        if self.view is not None:
            self.view.searcher.close()
        self.view, self.segment_cache = None, {}

    def _build(self, searcher: Searcher) -> View:
        reader = searcher.reader()
        facets: list = []
        live: list[int] = []
        keep = {}
        for leaf, offset in reader.leaf_readers():
            segment = getattr(leaf, "_segment", None)
            key = segment.segment_id() if segment is not None else id(leaf)
            unpacked = self.segment_cache.get(key)
            if unpacked is None:
                if leaf.has_column("facets"):
                    unpacked = [
                        Facets.unpack(raw) if raw else None for raw in leaf.column_reader("facets")
                    ]
                else:  # an empty index
                    unpacked = [None] * leaf.doc_count_all()
            keep[key] = unpacked
            facets.extend(unpacked)
            live.extend(offset + d for d in leaf.all_doc_ids())
        self.segment_cache = keep
        return View(searcher=searcher, facets=facets, live=frozenset(live))


_pools: dict[str, SearcherPool] = {}


def pool() -> SearcherPool:
    """The searcher pool of this process for the app's index root."""
    root = root_dir()
    found = _pools.get(root)
    if found is None:
        found = _pools.setdefault(root, SearcherPool())
    return found
