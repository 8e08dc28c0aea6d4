"""Job search: keywords (stemming, synonyms, field boosts, phrases), filters, facet counts,
sorting, highlights and "did you mean".

Text matching is Whoosh's; filters and facet counts run over the facet column cached
per index segment (see ``index.View``), which is far cheaper than Whoosh query filters.
"""

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup
from whoosh import highlight, spelling
from whoosh.qparser import AndGroup, QueryParser
from whoosh.query import And, NullQuery, Or, Term

from portal import numbers
from portal.search import synonyms
from portal.search.analysis import analyzer
from portal.search.documents import vocabulary
from portal.search.index import View, pool
from portal.search.schema import make_schema

PAGE_SIZE = 20
SORTS = ("relevance", "newest", "pay", "closing")
POSTED_WITHIN = (1, 7, 14, 30)
PAY_STEPS = (20, 25, 30, 35, 40, 50)  # dollars per hour
HOURS_BUCKETS = {"under-20": (0, 20), "20-30": (20, 30), "30-plus": (30, 200)}
QUERY_NOISE = re.compile(
    r"(?<![\w-])(jobs?|positions?|vacanc(?:y|ies)|openings?|near|in)(?![\w-])", re.IGNORECASE
)
_SCHEMA = make_schema()
_ANALYZER = analyzer()


@dataclass
class SearchParams:
    """Everything a search can ask for; also the canonical URL of a search."""

    q: str = ""
    region: list[int] = field(default_factory=list)
    community: list[int] = field(default_factory=list)
    occupation: list[int] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    agency: list[int] = field(default_factory=list)
    pay: int | None = None  # minimum dollars per hour
    hours: list[str] = field(default_factory=list)  # keys of HOURS_BUCKETS
    hours_min: int | None = None  # an explicit hours-per-week range
    hours_max: int | None = None
    pooled: bool = False
    posted: int | None = None  # within N days
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "SearchParams":
        def ints(name):  # ids: anything else is ignored (portal.numbers)
            return numbers.ids(args.getlist(name))

        def one_int(name, allowed=None):
            number = numbers.arg(args, name, 0, numbers.INT_MAX)
            return number if allowed is None or number in allowed else None

        from portal.models.jobs import EMPLOYMENT_TYPES

        sort = args.get("sort", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:200],
            region=ints("region"),
            community=ints("community"),
            occupation=ints("occupation"),
            type=sorted({t for t in args.getlist("type") if t in EMPLOYMENT_TYPES}),
            agency=ints("agency"),
            pay=one_int("pay"),
            hours=sorted({h for h in args.getlist("hours") if h in HOURS_BUCKETS}),
            hours_min=one_int("hmin"),
            hours_max=one_int("hmax"),
            pooled=args.get("pooled") in ("1", "on", "true", "yes"),
            posted=one_int("posted", POSTED_WITHIN),
            sort=sort
            if sort in SORTS and (sort != "relevance" or args.get("q", "").strip())
            else ("relevance" if args.get("q", "").strip() else "newest"),
            page=max(1, min(one_int("page") or 1, 500)),
        )

    def to_args(self, **changes) -> dict:
        """Canonical query-string arguments (sorted, defaults left out)."""
        values = {**self.__dict__, **changes}
        args: dict = {}
        if values["q"]:
            args["q"] = values["q"]
        for name in ("region", "community", "occupation", "type", "agency", "hours"):
            if values[name]:
                args[name] = sorted(values[name])
        if values["pay"]:
            args["pay"] = values["pay"]
        if values["hours_min"] is not None:
            args["hmin"] = values["hours_min"]
        if values["hours_max"] is not None:
            args["hmax"] = values["hours_max"]
        if values["pooled"]:
            args["pooled"] = 1
        if values["posted"]:
            args["posted"] = values["posted"]
        default_sort = "relevance" if values["q"] else "newest"
        if values["sort"] != default_sort and (values["q"] or values["sort"] != "relevance"):
            args["sort"] = values["sort"]
        if values["page"] > 1:
            args["page"] = values["page"]
        return args

    def toggled(self, name: str, value) -> dict:
        """URL arguments with one filter value added or removed (back to page 1)."""
        current = list(getattr(self, name))
        current = [v for v in current if v != value] if value in current else current + [value]
        return self.to_args(**{name: current, "page": 1})

    @property
    def has_filters(self) -> bool:
        return bool(
            self.region
            or self.community
            or self.occupation
            or self.type
            or self.agency
            or self.pay
            or self.hours
            or self.pooled
            or self.posted
            or self.hours_min is not None
            or self.hours_max is not None
        )


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


# --- text ------------------------------------------------------------------------------


@dataclass
class TextQuery:
    query: object  # a Whoosh query
    highlight_terms: frozenset
    key: str  # cache key for the matched documents


def clean_text(text: str) -> str:
    cleaned = " ".join(QUERY_NOISE.sub(" ", text).split())
    return cleaned or text


def text_query(text: str) -> TextQuery | None:
    """Words must all match (in any part of the job's text); sector synonyms match
    through their group token; "quoted phrases" match as phrases."""
    remaining, tokens, phrases = synonyms.rewrite(clean_text(text))
    parts = []
    if remaining.strip():
        parsed = QueryParser("text", _SCHEMA, group=AndGroup).parse(remaining)
        if parsed is not NullQuery:
            parts.append(parsed)
    parts.extend(Term("synonyms", token) for token in tokens)
    if not parts:
        return None
    query = parts[0] if len(parts) == 1 else And(parts)
    terms = {
        t.decode() if isinstance(t, bytes) else t
        for field_name, t in query.iter_all_terms(phrases=True)
        if field_name == "text"
    }
    for phrase in phrases:
        terms.update(token.text for token in _ANALYZER(phrase))
    return TextQuery(query, frozenset(terms), repr(query))


WORD = re.compile(r"[a-z][a-z'-]+")


def _known(reader, word: str) -> bool:
    """The index has the word (as its stem), or it is a stop word."""
    return all(("text", token.text) in reader for token in _ANALYZER(word))


def suggest(view: View, text: str) -> str | None:
    """The query with each word the index has never seen replaced by the closest known
    word (or a known synonym, e.g. "childcare" -> "child care"); None if all are known."""
    reader = view.searcher.reader()
    synonym_words = {w for phrase in synonyms.load().token_of for w in phrase.split()}
    corrector = None
    lowered = clean_text(text).lower()
    changed = False
    out = lowered
    for word in dict.fromkeys(WORD.findall(lowered)):
        if len(word) < 3 or word in synonym_words or _known(reader, word):
            continue
        replacement = None
        for group in synonyms.groups():
            if word.replace(" ", "") in (p.replace(" ", "") for p in group):
                replacement = next(
                    (
                        alt
                        for alt in group
                        if alt.replace(" ", "") != word
                        and all(_known(reader, w) for w in alt.split())
                    ),
                    None,
                )
                if replacement:
                    break
        if replacement is None:
            if corrector is None:
                corrector = spelling.ListCorrector(sorted(vocabulary()))
            found = [w for w in corrector.suggest(word, limit=3, maxdist=2) if _known(reader, w)]
            replacement = found[0] if found else None
        if replacement:
            out = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", replacement, out, count=1)
            changed = True
    return out if changed else None


# --- filters and facets ----------------------------------------------------------------


def _filters(view: View, p: SearchParams) -> dict[str, set]:
    """Docnum sets per active filter group (values within a group are OR-ed)."""

    def any_of(name, attr, values):
        docs = set()
        for value in values:
            docs |= view.docs_where(f"{name}={value}", lambda f, v=value: getattr(f, attr) == v)
        return docs

    found: dict[str, set] = {}
    if p.region:
        found["region"] = any_of("region", "region_id", p.region)
    if p.community:
        found["community"] = any_of("community", "community_id", p.community)
    if p.occupation:
        found["occupation"] = any_of("occupation", "occupation_id", p.occupation)
    if p.type:
        found["type"] = any_of("type", "employment_type", p.type)
    if p.agency:
        docs = set()
        for a in p.agency:
            docs |= view.docs_where(f"agency={a}", lambda f, a=a: a in f.agency_ids)
        found["agency"] = docs
    if p.pay:
        cents = p.pay * 100
        found["pay"] = set(view.docs_where(f"pay>={cents}", lambda f: f.pay_hourly_cents >= cents))
    if p.hours:
        docs = set()
        for key in p.hours:
            low, high = HOURS_BUCKETS[key]
            docs |= view.docs_where(f"hours={key}", lambda f, lo=low, hi=high: lo <= f.hours < hi)
        found["hours"] = docs
    if p.hours_min is not None or p.hours_max is not None:
        low = p.hours_min if p.hours_min is not None else 0
        high = p.hours_max if p.hours_max is not None else 10_000
        hours = view.column("hours")
        in_range = {d for d in view.live if low <= hours[d] <= high}
        found["hours"] = found["hours"] & in_range if "hours" in found else in_range
    if p.pooled:
        found["pooled"] = set(view.docs_where("pooled", lambda f: f.pooled))
    if p.posted:
        since = int((datetime.now(UTC) - timedelta(days=p.posted)).timestamp())
        found["posted"] = {d for d in view.live if view.facets[d].published_ts >= since}
    return found


def _intersect(base: set, sets) -> set:
    result = base
    for s in sorted(sets, key=len):
        result = result & s
        if not result:
            break
    return result


def _count(view: View, docs, name: str) -> Counter:
    """Facet counts over ``docs`` (C-speed Counter over cached columns where possible)."""
    if name == "agency":
        agencies = view.column("agency_ids")
        return Counter(a for d in docs for a in agencies[d])
    if name == "hours":
        hours = Counter(map(view.column("hours").__getitem__, docs))
        return Counter(
            {
                key: sum(n for h, n in hours.items() if low <= h < high)
                for key, (low, high) in HOURS_BUCKETS.items()
            }
        )
    if name == "pay":
        pays = Counter(map(view.column("pay_hourly_cents").__getitem__, docs))
        return Counter(
            {step: sum(n for c, n in pays.items() if c >= step * 100) for step in PAY_STEPS}
        )
    if name == "pooled":
        return Counter({True: sum(map(view.column("pooled").__getitem__, docs))})
    if name == "posted":
        now = datetime.now(UTC).timestamp()
        stamps = Counter(map(view.column("published_ts").__getitem__, docs))
        return Counter(
            {n: sum(c for ts, c in stamps.items() if now - ts <= n * 86400) for n in POSTED_WITHIN}
        )
    attr = {
        "region": "region_id",
        "community": "community_id",
        "occupation": "occupation_id",
        "type": "employment_type",
    }[name]
    return Counter(map(view.column(attr).__getitem__, docs))


FACETS = ("region", "community", "occupation", "type", "agency", "pay", "hours", "pooled", "posted")


# --- ranking and highlights ------------------------------------------------------------


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


def _matched(view: View, query) -> set:
    """Docs matching a query: And/Or/Term through cached term doc sets, others by Whoosh."""
    if isinstance(query, Term):
        return view.term(query.fieldname, query.text).docs
    if isinstance(query, And):
        return _intersect(
            _matched(view, query.subqueries[0]), [_matched(view, q) for q in query.subqueries[1:]]
        )
    if isinstance(query, Or):
        found = set()
        for q in query.subqueries:
            found |= _matched(view, q)
        return found
    return view.matched(repr(query), lambda: view.searcher.docs_for_query(query))


BM25_K1 = 1.2


def _ranked(view: View, terms: list, docs: set, limit: int) -> list[int]:
    """Top docs by a BM25-style sum over the query terms (term frequency saturation and
    idf; document text repeats the title and occupation, which weights them)."""
    total = max(1, len(view.live))
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
        return (s, -d)

    return heapq.nlargest(limit, docs, key=score)


def _order(
    view: View, query: TextQuery | None, docs: set, p: SearchParams, limit: int
) -> list[int]:
    facets = view.facets
    if p.sort == "relevance" and query is not None:
        terms = _simple_terms(query.query)
        if terms is not None:
            return _ranked(view, terms, docs, limit)
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


def highlighted(text: str, terms: frozenset, chars: int | None) -> Markup | None:
    """``text`` with query terms in <mark> (escaped): the whole text when ``chars`` is None,
    else its best fragment of about that length."""
    if not terms:
        return None
    fragmenter = (
        highlight.WholeFragmenter()
        if chars is None
        else highlight.ContextFragmenter(maxchars=chars, surround=60)
    )
    fragment = highlight.highlight(
        text,
        terms,
        _ANALYZER,
        fragmenter,
        highlight.HtmlFormatter(tagname="mark", between=" … "),
        top=1,
    )
    # HtmlFormatter escapes the text (whoosh htmlescape); only its own <mark> tags are markup
    return Markup(fragment) if fragment else None  # nosec B704


# --- the search ------------------------------------------------------------------------


def search(p: SearchParams, snippet_source=None) -> SearchResult:
    """Run a search. ``snippet_source(job_ids)`` returns {id: (title, plain description)}
    for the page's hits, used for highlights."""
    view = pool().current()
    query = text_query(p.q) if p.q else None
    result = _run(view, query, p, snippet_source)
    if p.q and (result.total == 0 or query is None):
        suggestion = suggest(view, p.q)
        if suggestion:
            corrected = _run(view, text_query(suggestion), p, snippet_source)
            corrected.suggestion = suggestion
            if result.total == 0 and corrected.total:
                corrected.corrected_from = p.q
                return corrected
            result.suggestion = suggestion
    elif p.q and result.total < 5:
        result.suggestion = suggest(view, p.q)
    return result


def _run(view: View, query, p: SearchParams, snippet_source) -> SearchResult:
    if query is not None:
        matched = _matched(view, query.query)
    elif p.q:
        matched = set()
    else:
        matched = set(view.live)
    filters = _filters(view, p)
    docs = _intersect(matched, filters.values())
    facet_counts = {}
    for name in FACETS:
        others = [s for key, s in filters.items() if key != name]
        facet_counts[name] = _count(
            view, docs if len(others) == len(filters) else _intersect(matched, others), name
        )
    start = (p.page - 1) * PAGE_SIZE
    ordered = _order(view, query, docs, p, start + PAGE_SIZE)[start:]
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
    return SearchResult(params=p, total=len(docs), hits=hits, facets=facet_counts)


def more_like(job_id: int, text: str, limit: int = 5) -> list[int]:
    """Published jobs similar to a job: Whoosh picks the text's key terms (as
    more_like_this does), ranked with the cached term doc sets."""
    view = pool().current()
    keys = view.searcher.key_terms_from_text("text", text, numterms=8)
    terms = [Term("text", word) for word, _weight in keys]
    docs = _matched(view, Or(terms)) if terms else set()
    ranked = _ranked(view, terms, docs, limit + 1)
    return [view.facets[d].job_id for d in ranked if view.facets[d].job_id != job_id][:limit]
