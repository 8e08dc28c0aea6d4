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
import pickle  # nosec B403
import re
import struct
import threading
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict, deque
from functools import cached_property
from itertools import accumulate, repeat
from typing import NamedTuple

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader

from portal.search import bits
from portal.search.documents import Facets

TERMS_KEPT = 1024  # postings of recently used terms, per segment (about 30 MB at 100,000 jobs)
STEP = 512  # documents between the checkpoints of a threshold index
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
    ids: list[int] = []  # every posting's document
    tfs: list[int] = []  # and its term frequency
    for deltas, weights in _blocks(reader, fieldname, tbytes):
        before = len(ids)
        ids.extend(accumulate(deltas))  # a block's ids are delta-coded
        if weights is None:  # every weight 1.0
            tfs.extend(repeat(1, len(ids) - before))
        elif isinstance(weights, float):  # every weight the same
            tfs.extend(repeat(int(weights), len(ids) - before))
        else:
            tfs.extend(map(int, weights))
    if not ids:
        return SegmentTerm(0, {})
    top = ids[-1] + 1  # postings are in document order
    distinct = set(tfs)
    if len(ids) * 16 >= top and 0 < min(distinct) and max(distinct) < 256:
        # many postings: each document's frequency as a byte (set by a loop in C), then
        # one pass per frequency turns the bytes into a set
        freq = bytearray(top)
        deque(map(freq.__setitem__, ids, tfs), maxlen=0)
        levels = {tf: bits.where_byte(freq, tf) for tf in distinct}
    else:
        lists: dict[int, list] = {}
        for docnum, tf in zip(ids, tfs, strict=True):
            lists.setdefault(min(tf, MAX_TF), []).append(docnum)
        levels = {tf: bits.of(found) for tf, found in lists.items()}
    docs = 0
    for mask in levels.values():
        docs |= mask
    return SegmentTerm(docs, levels)


# The start of a postings block's pickle (protocol 2): the ids (a tuple of ints), then the
# weights (None, a float or a tuple of floats). The values that follow (positions, as
# bytes, which protocol 2 pickles through a call to _codecs.encode each) are the slow part
# to unpickle and are not needed: only the prefix is unpickled.
_INT = rb"(?:K.|M..|J....)"
_FLOAT = rb"(?:G.{8})"
_MEMO = rb"(?:q.|r....)?"


def _tuple_of(item: bytes) -> bytes:
    return (
        rb"(?:\)|"
        + item
        + rb"{1,3}[\x85\x86\x87]"
        + _MEMO
        + rb"|\("
        + item
        + rb"*t"
        + _MEMO
        + rb")"
    )


_PREFIX = re.compile(
    rb"\x80\x02" + _tuple_of(_INT) + rb"(?:" + _tuple_of(_FLOAT) + rb"|N|" + _FLOAT + rb")",
    re.DOTALL,
)


# a block's info (count, last id, top weight, compression, min and max length), pickled
_INFO = re.compile(rb"\x80\x02\((?:K.|M..|J....|G.{8}|N)*t(?:q.|r....)?\.", re.DOTALL)
_BLOCK_LENGTH = struct.Struct("!i")
PREFIX_BYTES = 2048


def _blocks(reader: SegmentReader, fieldname: str, tbytes: bytes):
    """(delta-coded ids, weights) of each postings block of a term, read from the term's
    postings bytes at once; through Whoosh's matcher when they are not laid out as
    expected."""
    terms = reader._terms
    info = terms.term_info(fieldname, tbytes)
    if not info.is_inlined():
        offset, length = info.extent()
        length = length[0] if isinstance(length, tuple) else length  # (Whoosh stores a tuple)
        raw = terms._postfile.get(offset, length)
        found = _parse_blocks(raw)
        if found is not None:
            yield from found
            return
    matcher = terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_data()
            yield matcher._data[:2]
            matcher._next_block()
    else:  # postings inlined in the term info (not written by this schema, but valid)
        while matcher.is_active():
            yield (matcher.id(),), matcher.weight()
            matcher.next()


def _parse_blocks(raw: bytes) -> list | None:
    """The blocks of a term's postings: a magic number, then per block its length (negative
    for the last), its info pickle and its data pickle (zlib-compressed when the info
    says so). None if anything is not as expected."""
    if raw[:4] != b"W3Bl":
        return None
    found = []
    position, size = 4, len(raw)
    while position < size:
        (length,) = _BLOCK_LENGTH.unpack_from(raw, position)
        end = position + 4 + abs(length)
        info = _INFO.match(raw, position + 4, end)
        if info is None:
            return None
        compression = pickle.loads(info.group(0))[3]  # nosec B301
        found.append(_prefix(raw[info.end() : end], compression))
        if found[-1] is None:
            return None
        position = end
        if length < 0:
            return found
    return None


def _prefix(data: bytes, compression) -> tuple | None:
    """A block's (delta-coded ids, weights) from its data pickle."""
    found = None
    if compression:
        # only the start is needed: ids and weights take at most 128 * 14 bytes or so. A
        # cut-off prefix does not match (a long tuple needs its closing opcode; a block of
        # at most 3 postings, whose tuples have none, is far shorter than PREFIX_BYTES)
        inflate = zlib.decompressobj()
        start = inflate.decompress(data, PREFIX_BYTES)
        found = _PREFIX.match(start)
        if found is None:
            start += inflate.decompress(inflate.unconsumed_tail)
            found = _PREFIX.match(start)
        data = start
    else:
        found = _PREFIX.match(data)
    if found is None:
        return None
    # the index's own postings, read as Whoosh reads them (pickles), up to the weights
    return pickle.loads(data[: found.end()] + b"\x86.")  # nosec B301


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
