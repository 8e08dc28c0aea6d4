"""What a process knows about one index segment, kept across index generations.

A Whoosh segment never changes once written, except for its deletions. So its reader,
its unpacked facet column, the documents of each facet value, its documents sorted for
each order and its recently used terms' postings are kept for as long as the segment
exists; a commit only adds the new segment (and changes the deleted documents of old
ones). Document sets are ``bits`` integers over the segment's own document numbers.

Whoosh-Reloaded's ``searcher.refresh()`` reuses a segment's reader with the deletions it
had when opened (an updated job then shows twice, a closed one stays): ``leaf()`` gives
each generation a copy of the reader that carries that generation's deletions.
"""

import copy
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from functools import cached_property
from itertools import accumulate
from typing import NamedTuple

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader

from portal.search import bits
from portal.search.documents import Facets

TERMS_KEPT = 256  # postings of recently used terms, per segment
STEP = 2048  # documents between the checkpoints of a threshold index
MAX_TF = 65535


class SegmentTerm(NamedTuple):
    docs: int  # documents containing the term (deleted ones too)
    levels: dict  # term frequency -> documents with that frequency


def read_term(reader: SegmentReader, fieldname: str, text: str) -> SegmentTerm | None:
    """A term's postings in one segment, read block by block (a posting at a time costs
    three method calls each; a block is 128 postings decoded at once)."""
    if (fieldname, text) not in reader:
        return None
    tbytes = reader._text_to_bytes(fieldname, text)
    matcher = reader._terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    lists: dict[int, list] = {}
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_data()
            deltas, weights, _values = matcher._data
            ids = list(accumulate(deltas))  # the block's ids are delta-coded
            if weights is None:  # every weight 1.0
                lists.setdefault(1, []).extend(ids)
            elif isinstance(weights, float):  # every weight the same
                lists.setdefault(min(int(weights), MAX_TF), []).extend(ids)
            else:
                for docnum, weight in zip(ids, weights, strict=True):
                    lists.setdefault(min(int(weight), MAX_TF), []).append(docnum)
            matcher._next_block()
    else:  # postings inlined in the term info (not written by this schema, but valid)
        while matcher.is_active():
            lists.setdefault(min(int(matcher.weight()), MAX_TF), []).append(matcher.id())
            matcher.next()
    levels = {tf: bits.of(ids) for tf, ids in lists.items()}
    docs = 0
    for mask in levels.values():
        docs |= mask
    return SegmentTerm(docs, levels)


class Thresholds:
    """The documents of a segment whose numeric facet is at least some value: the
    documents sorted by value, plus the set of every STEP-th suffix of that order."""

    def __init__(self, values: list):
        docs = sorted((d for d, v in enumerate(values) if v is not None), key=values.__getitem__)
        self.keys = array("q", [values[d] for d in docs])  # compact: 8 bytes a document
        self.docs = array("l", docs)
        blocks = -(-len(docs) // STEP)
        suffix = [0] * (blocks + 1)
        acc = 0
        for i in range(blocks - 1, -1, -1):
            acc |= bits.of(docs[i * STEP : (i + 1) * STEP])
            suffix[i] = acc
        self.suffix = suffix

    def at_least(self, value) -> int:
        i = bisect_left(self.keys, value)
        checkpoint = -(-i // STEP)
        return self.suffix[checkpoint] | bits.of(self.docs[i : checkpoint * STEP])


# the orders of the results: a key per document, larger first; keys are unique (job id)
SORT_KEYS = {
    "newest": lambda f: (f.published_ts, f.job_id),
    "pay": lambda f: (f.pay_hourly_cents, -f.job_id),
    "closing": lambda f: (-f.closes_ord, -f.job_id),
}


class SegmentData:
    """One segment's reader and the caches derived from it (see the module docstring)."""

    def __init__(self, reader: SegmentReader):
        self.reader = reader
        self.size = reader.doc_count_all()
        self.full = bits.full(self.size)
        self.lock = threading.Lock()
        self.terms: OrderedDict = OrderedDict()
        self._live: tuple = (None, 0)
        self._groups: dict = {}
        self._where: dict = {}
        self._thresholds: dict = {}
        self._orders: dict = {}

    @cached_property
    def facets(self) -> list:
        """Document number -> its Facets (None: no facets column, an empty index)."""
        reader = self.reader
        if not reader.has_column("facets"):
            return [None] * self.size
        return [Facets.unpack(raw) if raw else None for raw in reader.column_reader("facets")]

    def leaf(self, segment, generation) -> SegmentReader:
        """A reader of this segment that sees ``segment``'s deletions: a shallow copy of
        the open reader (the files are shared) with the new segment object."""
        base = self.reader
        perdoc = copy.copy(base._perdoc)
        perdoc._segment = segment
        leaf = copy.copy(base)
        leaf.__dict__.pop("deleted_docs_set", None)  # a cached property of the old deletions
        leaf._segment = segment
        leaf._perdoc = perdoc
        leaf._gen = generation
        return leaf

    def live(self, segment) -> int:
        """The segment's documents that ``segment`` (one generation's copy of it) has
        not deleted."""
        deleted = frozenset(segment.deleted_docs()) if segment.has_deletions() else frozenset()
        known, mask = self._live
        if known != deleted:
            mask = self.full & ~bits.of(deleted) if deleted else self.full
            self._live = (deleted, mask)
        return mask

    def reopen(self, reader: SegmentReader) -> None:
        """Forget the postings read so far and read them from ``reader`` from now on."""
        with self.lock:
            self.reader = reader
            self.terms.clear()

    def term(self, fieldname: str, text: str) -> SegmentTerm | None:
        key = (fieldname, text)
        with self.lock:
            if key in self.terms:
                self.terms.move_to_end(key)
                return self.terms[key]
            reader = self.reader
        found = read_term(reader, fieldname, text)
        with self.lock:
            self.terms[key] = found
            while len(self.terms) > TERMS_KEPT:
                self.terms.popitem(last=False)
        return found

    def groups(self, attr: str) -> dict:
        """Facet value -> the documents having it (``agency_ids``: each of its agencies),
        in the order of each value's first document."""
        found = self._groups.get(attr)
        if found is None:
            lists: dict = {}
            if attr == "agency_ids":
                for docnum, f in enumerate(self.facets):
                    if f is not None:
                        for agency in f.agency_ids:
                            lists.setdefault(agency, []).append(docnum)
            else:
                for docnum, f in enumerate(self.facets):
                    if f is not None:
                        lists.setdefault(getattr(f, attr), []).append(docnum)
            found = self._groups[attr] = {value: bits.of(docs) for value, docs in lists.items()}
        return found

    def where(self, attr: str, key, test) -> int:
        """The documents whose facet value passes ``test`` (cached under ``key``)."""
        found = self._where.get((attr, key))
        if found is None:
            found = 0
            for value, mask in self.groups(attr).items():
                if test(value):
                    found |= mask
            if len(self._where) > 512:  # hours ranges are free numbers
                self._where.clear()
            self._where[(attr, key)] = found
        return found

    def at_least(self, attr: str, value) -> int:
        index = self._thresholds.get(attr)
        if index is None:
            index = self._thresholds[attr] = Thresholds(
                [getattr(f, attr) if f is not None else None for f in self.facets]
            )
        return index.at_least(value)

    def order(self, sort: str) -> array:
        """The segment's documents in a result order, best first."""
        found = self._orders.get(sort)
        if found is None:
            key = SORT_KEYS[sort]
            facets = self.facets
            docs = [d for d, f in enumerate(facets) if f is not None]
            docs.sort(key=lambda d: key(facets[d]), reverse=True)
            found = self._orders[sort] = array("l", docs)
        return found
