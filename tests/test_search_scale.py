"""Search at scale: the searcher that follows the index across commits (reusing each
segment's reader and caches) and the ranking that orders only the window a page shows.

The new risks, each checked against an oracle built from Whoosh's own reading (matchers
that drop deleted documents, the facet column, a full sort of every match):
- a reused segment must see the deletions of later commits: an updated job shows once, a
  closed one disappears, in this process and in another one, through merges too;
- the level-by-level relevance ranking and the walks of per-segment orders must give the
  order, the pages and the totals of scoring and sorting every match, ties included;
- facet counts by set intersection must equal counting each document;
- the block-at-a-time postings reader and the fast highlighter must equal Whoosh's.
"""

import json
import math
import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from whoosh import highlight
from whoosh.query import Term

from portal.demo.services import create_generated_jobs
from portal.extensions import db as _db
from portal.jobs import services
from portal.models import Job
from portal.models.types import utcnow
from portal.search import SearchParams, index, keywords, more_like, ranking, search, segments, sync
from portal.search.analysis import analyzer
from portal.search.documents import Facets, searchable_query
from portal.search.params import HOURS_BUCKETS, PAY_STEPS
from tests.support.factories import job_fields, new_agency
from tests.support.seeded import seed_in_app

# --- a corpus in several segments --------------------------------------------------------


def build_corpus() -> str:
    """150 generated jobs in three commits (three segments), plus eight identical ones
    published in the same second (equal scores and dates: only the job id orders them)."""
    agencies = [new_agency(name=f"Scale Agency {n}") for n in range(4)]
    rng = random.Random(19)
    for _ in range(3):
        create_generated_jobs(rng, 50, agencies, commit_every=50)
        sync.apply_pending(merge=False)
    same = utcnow().replace(microsecond=0) - timedelta(hours=1)
    for n in range(8):
        agency = agencies[n % 4]
        job = services.create_draft(
            agency,
            job_fields(_db, title="Outreach Worker", description="Street outreach downtown."),
            agency.owner,
        )
        services.publish(job, agency.owner)
        job.published_at = same
    _db.session.commit()
    sync.apply_pending(merge=False)
    return json.dumps([a.id for a in agencies])


@pytest.fixture
def seeded(request, seeded_databases):
    backend = request.node.callspec.params["app"]
    return seeded_databases("search-scale", seed_in_app(build_corpus), backend)


@pytest.fixture
def corpus(app, seeded) -> list[int]:
    """The agencies' ids (the corpus is a copy of a database seeded once per session)."""
    return json.loads(seeded.output)


def searchable_ids(db) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(searchable_query().with_only_columns(Job.id)))


# --- the oracle: Whoosh's own reading, every match scored and sorted ------------------------


def whoosh_live(view) -> dict[int, Facets]:
    """docnum -> facets of the documents Whoosh's reader does not see as deleted."""
    reader = view.searcher.reader()
    column = list(reader.column_reader("facets"))
    return {
        d: Facets.unpack(column[d])
        for d in range(reader.doc_count_all())
        if not reader.is_deleted(d)
    }


def whoosh_tfs(view, term) -> dict[int, int]:
    reader = view.searcher.reader()
    found = {}
    for leaf, offset in reader.leaf_readers():
        if (term.fieldname, term.text) in leaf:
            matcher = leaf.postings(term.fieldname, term.text)  # deleted docs filtered out
            while matcher.is_active():
                found[offset + matcher.id()] = min(int(matcher.weight()), 65535)
                matcher.next()
    return found


def oracle(q: str, sort: str = "relevance", **filters) -> list[int]:
    """Every matching job id in order, by scoring and sorting every match."""
    view = index.pool().current()
    live = whoosh_live(view)
    docs = set(live)
    query = keywords.text_query(q) if q else None
    if query is not None:
        docs &= set(view.searcher.docs_for_query(query.query))
    for attr, values in filters.items():
        docs = {d for d in docs if getattr(live[d], attr) in values}
    if sort == "relevance" and query is not None:
        terms = ranking._simple_terms(query.query)
        if terms is None:  # a phrase: Whoosh's own ranking of every match
            hits = view.searcher.search(query.query, filter=docs, limit=None)
            return [live[hit.docnum].job_id for hit in hits]
        ordered = by_relevance(view, live, docs, terms)
    elif sort == "pay":
        ordered = sorted(docs, key=lambda d: (live[d].pay_hourly_cents, -live[d].job_id))[::-1]
    elif sort == "closing":
        ordered = sorted(docs, key=lambda d: (live[d].closes_ord, live[d].job_id))
    else:
        ordered = sorted(docs, key=lambda d: (live[d].published_ts, live[d].job_id))[::-1]
    return [live[d].job_id for d in ordered]


def by_relevance(view, live: dict, docs: set, terms: list) -> list[int]:
    """``docs`` scored one by one from Whoosh's postings, best first (ties: newest, id)."""
    total = max(1, len(live))
    weighted = []
    for t in terms:
        tfs = whoosh_tfs(view, t)
        n = len(tfs)
        idf = math.log(1 + (total - n + 0.5) / (n + 0.5))
        weighted.append((tfs, idf * (t.boost or 1.0)))

    def key(d):
        s = 0.0
        for tfs, idf in weighted:
            tf = tfs.get(d, 0)
            if tf:
                s += idf * tf * (ranking.BM25_K1 + 1) / (tf + ranking.BM25_K1)
        return (round(s, 9), live[d].published_ts, live[d].job_id)

    return sorted(docs, key=key, reverse=True)


def every_page(q: str, sort: str, **filters) -> tuple[list[int], int]:
    ids, page, total = [], 1, None
    while True:
        result = search(SearchParams(q=q, sort=sort, page=page, **filters))
        total = result.total if total is None else total
        assert result.total == total
        ids.extend(hit.job_id for hit in result.hits)
        if page >= result.pages:
            return ids, total
        page += 1


@pytest.fixture(params=["as shipped", "levels and walks", "pruned"])
def thresholds(request, monkeypatch):
    """As shipped (a small corpus lists its matches), forced through the score levels and
    the per-segment order walks that large result sets take, or through the bound that
    scores only the docs that can reach the window (too many score levels)."""
    if request.param != "as shipped":
        monkeypatch.setattr(ranking, "LIST_ALL", 0)
    if request.param == "pruned":
        monkeypatch.setattr(ranking, "MAX_LEVELS", 0)
    return request.param


QUERIES = [
    ("worker", "relevance"),
    ("support worker", "relevance"),
    ("youth OR family OR outreach", "relevance"),  # docs missing some terms
    ("CSW", "relevance"),  # a synonym group token
    ("outreach worker", "relevance"),  # the eight equal ones
    ('"support worker"', "relevance"),  # a phrase: Whoosh ranks it
    ("worker", "newest"),
    ("worker", "pay"),
    ("worker", "closing"),
    ("", "newest"),
    ("", "pay"),
    ("", "closing"),
]


@pytest.mark.parametrize(("q", "sort"), QUERIES)
def test_every_page_equals_sorting_every_match(db, corpus, thresholds, q, sort):
    expected = oracle(q, sort)
    assert len(expected) >= 8, "the query must match several pages' worth"
    ids, total = every_page(q, sort)
    assert total == len(expected)
    assert ids == expected


def test_similar_jobs_equal_scoring_every_match(db, corpus, thresholds):
    """The job page's "similar jobs": the job's key terms OR'd, the best five other jobs."""
    view = index.pool().current()
    live = whoosh_live(view)
    jobs = db.session.scalars(select(Job).where(Job.status == "published").order_by(Job.id))
    checked = 0
    for job in list(jobs)[::7]:
        text = " ".join([job.title] * 3 + [job.occupation.title, job.description])
        keys = view.searcher.key_terms_from_text("text", text, numterms=8)
        terms = [Term("text", word) for word, _weight in keys]
        docs = set()
        for t in terms:
            docs |= set(whoosh_tfs(view, t))
        ranked = [live[d].job_id for d in by_relevance(view, live, docs, terms)]
        expected = [job_id for job_id in ranked if job_id != job.id][:5]
        assert more_like(job.id, text) == expected, job.title
        checked += 1
    assert checked >= 20


def test_groups_of_equal_score_give_the_top_of_scoring_every_match(db, corpus):
    """The similar-jobs ranking (docs split by their term frequencies, branches below the
    top's floor dropped) equals scoring every match, for windows of every size."""
    view = index.pool().current()
    terms = [Term("text", word) for word in ("worker", "youth", "outreach", "support", "care")]
    docs = ranking.matched(view, ranking.Or(terms))
    weighted = ranking.weights(view, terms)
    for limit in (1, 3, 6, 20, docs.bit_count()):
        grouped = ranking._by_groups(view, weighted, docs, limit)
        assert grouped == ranking._scored(view, weighted, docs, limit), limit


def test_equal_scores_and_dates_are_ordered_by_job_id(db, corpus, thresholds):
    same = [job.id for job in db.session.scalars(select(Job).where(Job.title == "Outreach Worker"))]
    assert len(same) == 8
    ids, _total = every_page("outreach worker", "relevance")
    positions = [ids.index(job_id) for job_id in sorted(same, reverse=True)]
    assert positions == sorted(positions)  # newest id first among the tied eight
    assert positions == list(range(positions[0], positions[0] + 8))  # and side by side


def test_filtered_pages_totals_and_facets_equal_counting_each_job(db, corpus, thresholds):
    view = index.pool().current()
    live = whoosh_live(view)
    region = Counter(f.region_id for f in live.values()).most_common(1)[0][0]
    job_type = Counter(f.employment_type for f in live.values()).most_common(1)[0][0]
    expected = oracle("worker", region_id={region}, employment_type={job_type})
    ids, total = every_page("worker", "relevance", region=[region], type=[job_type])
    assert ids == expected and total == len(expected) > 0

    result = search(SearchParams(q="worker", region=[region], type=[job_type], pay=30))
    matched = set(view.searcher.docs_for_query(keywords.text_query("worker").query)) & set(live)

    def counted(attr, keep):
        found = Counter()
        for d in matched:
            f = live[d]
            if keep(f):
                for value in f.agency_ids if attr == "agency_ids" else [getattr(f, attr)]:
                    found[value] += 1
        return found

    def in_region(f):
        return f.region_id == region

    def of_type(f):
        return f.employment_type == job_type

    def paid(f):
        return f.pay_hourly_cents >= 3000

    assert result.facets["region"] == counted("region_id", lambda f: of_type(f) and paid(f))
    assert result.facets["type"] == counted("employment_type", lambda f: in_region(f) and paid(f))
    for name, attr in [
        ("community", "community_id"),
        ("occupation", "occupation_id"),
        ("agency", "agency_ids"),
    ]:
        assert result.facets[name] == counted(
            attr, lambda f: in_region(f) and of_type(f) and paid(f)
        )
    others = [live[d] for d in matched if in_region(live[d]) and of_type(live[d])]
    assert result.facets["pay"] == Counter(
        {step: sum(f.pay_hourly_cents >= step * 100 for f in others) for step in PAY_STEPS}
    )
    chosen = [f for f in others if paid(f)]
    assert result.total == len(chosen)
    assert result.facets["hours"] == Counter(
        {k: sum(lo <= f.hours < hi for f in chosen) for k, (lo, hi) in HOURS_BUCKETS.items()}
    )
    assert result.facets["pooled"] == Counter({True: sum(f.pooled for f in chosen)})


def test_the_api_cursor_walks_the_full_sort(db, client, corpus, monkeypatch):
    monkeypatch.setattr(ranking, "LIST_ALL", 0)
    expected = oracle("worker")
    ids, url = [], "/api/v1/jobs?q=worker&limit=7"
    while url:
        body = client.get(url).get_json()
        assert body["total"] == len(expected)
        ids.extend(job["id"] for job in body["jobs"])
        url = f"/api/v1/jobs?q=worker&limit=7&cursor={body['next_cursor']}"
        url = url if body["next_cursor"] else None
    assert ids == expected


def test_a_cold_start_gives_the_same_answers(db, corpus):
    before = [every_page(q, sort) for q, sort in QUERIES]
    index.pool().cold_start()
    assert [every_page(q, sort) for q, sort in QUERIES] == before


# --- following the index across commits -----------------------------------------------------


def live_job_ids(view) -> Counter:
    return Counter(view.facets[d].job_id for d in view.live)


def test_reused_segments_see_every_later_deletion(db, client, corpus, monkeypatch):
    """Many commits of updates and closes, with merges now and then: this process's
    searcher and another process's follow every one (each job once, closed ones gone),
    and Whoosh's own reader sees the same deletions."""
    monkeypatch.setattr(sync, "MAX_SEGMENTS", 3)  # merge often
    other = index.SearcherPool()
    rng = random.Random(7)
    jobs = list(db.session.scalars(select(Job).where(Job.status == "published")))
    owner_of = {job.id: job.agency.owner for job in jobs}
    closed, gone = [], []
    for step in range(24):
        job = rng.choice([j for j in jobs if j.status == "published"])
        if step % 3 == 2:
            if job.title.startswith("Kestrel"):
                gone.append(job.title.split()[0])
            services.close(job, owner_of[job.id])
            closed.append(job.id)
        else:
            job.title = f"Kestrel{step} Coordinator"
            sync.enqueue([job.id])
        db.session.commit()
        sync.sync_after_commit()
        if step % 6 == 5:
            sync.merge_segments()
        expected = searchable_ids(db)
        for pool in (index.pool(), other):
            view = pool.current()
            assert live_job_ids(view) == Counter(expected)
            assert view.searcher.doc_count() == len(expected)
            for job_id in closed:
                assert not list(view.searcher.docs_for_query(Term("job_id", str(job_id))))
        if job.status == "published":
            result = search(SearchParams(q=f"Kestrel{step}"))
            assert [hit.job_id for hit in result.hits] == [job.id]
            page = client.get(f"/jobs?q=Kestrel{step}").get_data(as_text=True)
            assert len(re.findall(rf'href="/jobs/{job.id}"', page)) == 1
        for word in gone:
            assert search(SearchParams(q=word)).total == 0
    assert len(closed) == 8


def test_an_unchanged_index_keeps_its_view_and_a_commit_reuses_segments(db, make_job):
    first = make_job(title="Harbour Outreach Worker")
    pool = index.pool()
    view = pool.current()
    assert pool.current() is view
    before = {id(part.data) for part in view.parts}
    make_job(title="Harbour Shelter Worker")
    after = pool.current()
    assert after is not view
    assert before <= {id(part.data) for part in after.parts}  # the old segment kept
    assert len(after.parts) == len(view.parts) + 1
    services.close(first, first.agency.owner)
    db.session.commit()
    sync.sync_after_commit()
    closed = pool.current()
    assert {id(part.data) for part in closed.parts} == {id(part.data) for part in after.parts}
    assert search(SearchParams(q="harbour")).total == 1


# --- the internals Whoosh does not promise ---------------------------------------------------


def test_block_postings_reader_equals_whoosh_matchers(db, corpus):
    view = index.pool().current()
    checked = 0
    for part in view.parts:
        reader = part.data.reader
        for fieldname, text in reader.all_terms():
            if fieldname not in ("text", "synonyms"):
                continue
            text = text.decode() if isinstance(text, bytes) else text
            found = segments.read_term(reader, fieldname, text)
            matcher = reader._terms.matcher(
                fieldname, text.encode(), reader.schema[fieldname].format
            )
            levels: dict = {}
            while matcher.is_active():
                levels.setdefault(min(int(matcher.weight()), 65535), set()).add(matcher.id())
                matcher.next()
            assert {tf: set(segments.bits.members(m)) for tf, m in found.levels.items()} == levels
            checked += 1
    assert checked > 500


def test_fast_highlights_equal_whooshs(db, corpus):
    rng = random.Random(3)
    texts = [job.description for job in db.session.scalars(select(Job).limit(40))]
    texts += ["The ECE's job: a/b testing... Done. 3.5 hours, e.g. U.S.A.", "", "a an the"]
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    for text in texts:
        for _ in range(5):
            terms = frozenset(
                token.text for token in analyzer()(" ".join(rng.sample(words, 3)))
            ) | {rng.choice(["the", "a", "and"])}
            for chars in (None, 220, 40):
                fragmenter = (
                    highlight.WholeFragmenter()
                    if chars is None
                    else highlight.ContextFragmenter(maxchars=chars, surround=60)
                )
                expected = highlight.highlight(
                    text,
                    terms,
                    analyzer(),
                    fragmenter,
                    highlight.HtmlFormatter(tagname="mark", between=" … "),
                    top=1,
                )
                assert str(keywords.highlighted(text, terms, chars) or "") == expected
