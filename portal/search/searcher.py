"""The per-process searcher: one ``View`` per index generation, built from per-segment
caches that outlive the generation (``segments.SegmentData``).

A commit adds a segment and changes the deletions of others; the next ``current()``
reads the table of contents, opens only the new segments and gives every segment that
generation's deletions. Nothing else is reread, so a change is searchable in
milliseconds at any index size. Document sets are ``bits`` integers over the index-wide
document numbers (a segment's numbers shifted by its offset).
"""

import os
import threading
import time
from collections import OrderedDict
from functools import cached_property
from typing import NamedTuple

from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from portal.search import bits
from portal.search.segments import SegmentData

TERM_CACHE = 64  # terms per generation (index-wide sets); segments keep their own postings
QUERY_CACHE = 256  # other cached sets per generation


class Part(NamedTuple):
    data: SegmentData
    offset: int  # index-wide number of the segment's first document
    live: int  # the segment's live documents, in its own numbers


class TermDocs(NamedTuple):
    docs: int  # live documents containing the term
    levels: dict  # term frequency -> documents with it (deleted ones included)
    count: int


class View:
    """What one index generation knows: its live documents, each document's facet values,
    and (cached) the documents of terms and filters."""

    def __init__(self, searcher: Searcher, parts: list[Part], generation):
        self.searcher = searcher
        self.parts = parts
        self.generation = generation
        facets: list = []
        live = 0
        for part in parts:
            facets.extend(part.data.facets)
            live |= part.live << part.offset
        self.facets = facets  # docnum -> Facets | None
        self.live_mask = live
        self.count = live.bit_count()
        self.cache: dict = {}
        self.terms: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    @cached_property
    def live(self) -> frozenset:
        """The live document numbers (for checks and tools; searches use ``live_mask``)."""
        return frozenset(bits.members(self.live_mask))

    def term(self, fieldname: str, text: str) -> TermDocs:
        """The live documents containing a term, by term frequency (cached, LRU)."""
        key = (fieldname, text)
        with self.lock:
            found = self.terms.get(key)
            if found is not None:
                self.terms.move_to_end(key)
                return found
        docs = 0
        levels: dict = {}
        for part in self.parts:
            seg = part.data.term(fieldname, text)
            if seg is None:
                continue
            docs |= (seg.docs & part.live) << part.offset
            for tf, mask in seg.levels.items():
                levels[tf] = levels.get(tf, 0) | (mask << part.offset)
        found = TermDocs(docs, levels, docs.bit_count())
        with self.lock:
            self.terms[key] = found
            while len(self.terms) > TERM_CACHE:
                self.terms.popitem(last=False)
        return found

    def cached(self, key, build):
        """A value of this generation, built once (a small bounded cache)."""
        found = self.cache.get(key)
        if found is None:
            found = build()
            if len(self.cache) > QUERY_CACHE:
                self.cache.clear()
            self.cache[key] = found
        return found

    def matched(self, key: str, run) -> int:
        """Live documents matching a query that Whoosh runs (``run`` yields docnums)."""
        return self.cached(("q", key), lambda: bits.of(run()) & self.live_mask)

    def join(self, local) -> int:
        """An index-wide set from one set per segment: ``local(part)``, kept to live docs."""
        found = 0
        for part in self.parts:
            mask = local(part)
            if mask:
                found |= (mask & part.live) << part.offset
        return found

    def value_docs(self, attr: str, value) -> int:
        """Live documents whose facet ``attr`` is ``value`` (agencies: among them)."""
        return self.cached(
            ("value", attr, value), lambda: self.join(lambda p: p.data.groups(attr).get(value, 0))
        )

    def where(self, attr: str, key, test) -> int:
        """Live documents whose facet ``attr`` passes ``test`` (cached under ``key``)."""
        return self.cached(
            ("where", attr, key), lambda: self.join(lambda p: p.data.where(attr, key, test))
        )

    def at_least(self, attr: str, value, cache: bool = True) -> int:
        """Live documents whose numeric facet ``attr`` is at least ``value``."""

        def build():
            return self.join(lambda p: p.data.at_least(attr, value))

        return self.cached(("ge", attr, value), build) if cache else build()

    def published_after(self, ts: int) -> int:
        """Live documents published after ``ts`` (a Unix time)."""
        return self.at_least("published_ts", ts + 1, cache=False)

    def split(self, docs: int) -> list[tuple[Part, int]]:
        """An index-wide set as (segment, its documents in the set) for the segments
        holding any."""
        found = []
        for part in self.parts:
            local = (docs >> part.offset) & part.data.full
            if local:
                found.append((part, local))
        return found


class SearcherPool:
    """One searcher per process (and per index directory), following the index's
    generations with per-segment caches."""

    def __init__(self):
        self.lock = threading.Lock()
        self.path = None
        self.index = None
        self.view: View | None = None
        self.segments: dict[str, SegmentData] = {}

    def current(self) -> View:
        from portal.search import index  # it re-exports this module's names

        with self.lock:
            path = index.current_dir()
            if path != self.path:
                self._close()
                self.path, self.index = path, index.open_index(path)
                self.view = self._build()
            elif self.index.latest_generation() != self.view.generation:
                self.view = self._build()
            return self.view

    def cold_start(self) -> View:
        """Forget every term read so far and reopen every segment's files, keeping the
        facet caches: the first query after an index change that nobody typed before
        (the benchmark's cold queries). The old files are closed first (Whoosh copies a
        segment's terms and postings into memory when it opens them): no other thread
        may be searching."""
        self.current()
        with self.lock:
            self.view = None
            toc = self.index._read_toc()
            for data in self.segments.values():
                segment = data.reader.segment()
                data.reader.close()
                data.reopen(SegmentReader(self.index.storage, toc.schema, segment, toc.generation))
            self.view = self._build()
            return self.view

    def writer_searcher(self, writer) -> Searcher:
        """A searcher over the segments ``writer`` started from, on this process's open
        segment readers: for ``writer.delete_by_term(..., searcher=)``, where Whoosh's
        ``update_document`` would open every segment's files again for each document.
        Document numbers match the writer's (the same segments in the same order)."""
        with self.lock:
            folder = getattr(writer.storage, "folder", None)
            same = (
                self.index is not None
                and folder is not None
                and os.path.realpath(folder) == os.path.realpath(self.path)
            )
            leaves = []
            for segment in writer.segments:
                data = self.segments.get(segment.segment_id()) if same else None
                if data is None:
                    data = SegmentData(
                        SegmentReader(writer.storage, writer.schema, segment, writer.generation)
                    )
                    if same:
                        self.segments[segment.segment_id()] = data
                leaves.append(data.leaf(segment, writer.generation))
        if not leaves:
            return Searcher(EmptyReader(writer.schema), closereader=False)
        reader = leaves[0] if len(leaves) == 1 else MultiReader(leaves, writer.generation)
        return Searcher(reader, closereader=False)

    def _close(self) -> None:
        for data in self.segments.values():
            data.reader.close()
        self.view, self.segments = None, {}

    def _build(self) -> View:
        retries = 10
        while True:
            try:
                return self._build_once()
            except OSError:
                # a merge removed a segment's files between reading the table of
                # contents and opening them: read it again (as Whoosh's reader() does)
                retries -= 1
                if retries <= 0:
                    raise
                time.sleep(0.05)

    def _build_once(self) -> View:
        toc = self.index._read_toc()
        parts, leaves, keep = [], [], {}
        offset = 0
        for segment in toc.segments:
            key = segment.segment_id()
            data = self.segments.get(key)
            if data is None:
                data = SegmentData(
                    SegmentReader(
                        self.index.storage, toc.schema, segment, generation=toc.generation
                    )
                )
            keep[key] = data
            leaves.append(data.leaf(segment, toc.generation))
            parts.append(Part(data, offset, data.live(segment)))
            offset += data.size
        self.segments = keep  # dropped segments' files close when no view uses them
        if not leaves:
            reader = EmptyReader(toc.schema)
        elif len(leaves) == 1:
            reader = leaves[0]
        else:
            reader = MultiReader(leaves, generation=toc.generation)
        searcher = Searcher(reader, fromindex=self.index, closereader=False)
        return View(searcher, parts, toc.generation)


_pools: dict[str, SearcherPool] = {}


def pool() -> SearcherPool:
    """The searcher pool of this process for the app's index root."""
    from portal.search import index

    root = index.root_dir()
    found = _pools.get(root)
    if found is None:
        found = _pools.setdefault(root, SearcherPool())
    return found
