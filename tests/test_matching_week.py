"""A full-time week from part-time work (issue 14): a seeker who wants 37.5 h sees
combinations of two or three part-time jobs whose weekly schedules never overlap and whose
hours add up to a full-time week, the combined timetable, travel between communities
flagged, and "apply to all" (one application per job, each seen by its own agency only,
all or none). Through HTTP, checked in the database and on the page; the combinations'
rules also as a Hypothesis property of ``combos.find``."""

import io
import re
from datetime import date
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.matching import combos
from portal.matching.facts import ProfileFacts, ShareFacts
from portal.models import Application, ApplicationDecision, Occupation
from portal.schedules import clashes
from tests.support import count, flashed, path_of, text
from tests.support.reference import community

PDF = b"%PDF-1.4\n% resume\n"
# 18.75 h each: Monday to Wednesday and Thursday to Saturday, 08:00-14:15
EARLY_WEEK = [[day, "08:00", "14:15"] for day in (0, 1, 2)]
LATE_WEEK = [[day, "08:00", "14:15"] for day in (3, 4, 5)]
# 18.75 h, Monday to Wednesday 10:00-16:15: overlaps EARLY_WEEK
MIDDAY_EARLY_WEEK = [[day, "10:00", "16:15"] for day in (0, 1, 2)]


# --- helpers -----------------------------------------------------------------------------


def part_time_job(db, make_job, agency, title, blocks, hours=18.75, place="Nanaimo"):
    """A published part-time job whose (single) share works ``blocks`` each week."""
    from portal.matching.engine import recompute_job

    job = make_job(
        agency=agency,
        title=title,
        employment_type="part_time",
        hours_per_week=hours,
        community_id=community(db, place).id,
    )
    job.shares[0].schedule_blocks = [list(b) for b in blocks]
    job.shares[0].hours_per_week = hours
    db.session.commit()
    recompute_job(job.id)
    db.session.commit()
    return job


def seeker_wanting(db, make_user, hours="full_time", places=("Nanaimo",), resume=True):
    """A seeker whose profile wants ``hours`` as a community support worker in ``places``."""
    from portal.seekers.services import attach_resume, get_or_create_profile

    user = make_user(role="seeker", name="Wren Walker")
    profile = get_or_create_profile(user)
    profile.hours_wanted = hours
    profile.occupations = [
        db.session.scalar(select(Occupation).where(Occupation.noc_code == "42201"))
    ]
    profile.communities = [community(db, name) for name in places]
    if resume:
        attach_resume(
            user,
            FileStorage(
                io.BytesIO(PDF), filename="wren-resume.pdf", content_type="application/pdf"
            ),
        )
    db.session.commit()
    return user


def weeks(page: str) -> list[set[int]]:
    """The job ids of each combination on the page, in order."""
    found = []
    for article in page.split('<article class="card mb-4"')[1:]:
        article = article.split("</article>")[0]
        found.append({int(i) for i in re.findall(r'<a href="/jobs/(\d+)">', article)})
    return found


def share_ids(page: str) -> list[str]:
    return re.findall(r'name="share_ids" value="([\d,]+)"', page)


def articles(page: str) -> list[str]:
    """The HTML of each combination on the page, in order."""
    return [a.split("</article>")[0] for a in page.split('<article class="card mb-4"')[1:]]


def words_of(html: str, seen: bool = True) -> str:
    """The text of ``html``, spaces collapsed; only what is seen (``seen``), without the
    visually-hidden text screen readers get, or only that text (``seen=False``)."""
    hidden = r'<span class="visually-hidden">([^<]*)</span>'
    if not seen:
        return " ".join(unescape(h).strip() for h in re.findall(hidden, html))
    shown = re.sub(r"<[^>]+>", " ", re.sub(hidden, "", html))
    return " ".join(unescape(shown).split())


def is_open(article: str) -> bool:
    """Whether the combination's <details> starts open (its timetable and form shown)."""
    return " open" in re.search(r"<details([^>]*)>", article).group(1)


def summary(article: str) -> str:
    """What the combination's <summary> says, folded or not."""
    return words_of(re.search(r"<summary>(.*?)</summary>", article, re.S).group(1))


def legend(article: str) -> dict[str, str]:
    """{letter: what the legend says of that job} of one combination."""
    rows = re.findall(
        r'<li class="mb-1"><span class="badge text-bg-dark" aria-hidden="true">([A-C])</span>'
        r"(.*?)</li>",
        article,
        re.S,
    )
    return {key: words_of(row) for key, row in rows}


def shifts(article: str, day: str, seen: bool = True) -> list[str]:
    """The shifts of ``day`` in the combination's timetable, as seen (or as read aloud)."""
    row = re.search(rf'<th scope="row">{day}</th>(.*?)</tr>', article, re.S).group(1)
    blocks = re.findall(r'<li class="shift">(.*?)</li>', row, re.S)
    if seen:
        return [words_of(block) for block in blocks]
    return [
        words_of(block.split("</strong>")[0]) + " " + words_of(block, False) for block in blocks
    ]


@pytest.fixture
def agencies(make_agency, make_user):
    return (
        make_agency(owner=make_user(role="agency", name="Olive Owner"), name="Harbour Living"),
        make_agency(owner=make_user(role="agency", name="Otto Owner"), name="Island Youth"),
        make_agency(owner=make_user(role="agency", name="Ola Owner"), name="Coast Family"),
    )


@pytest.fixture
def three_jobs(db, make_job, agencies):
    """Early week (Harbour), late week (Island), and midday early week (Coast), which
    overlaps the early week."""
    return (
        part_time_job(db, make_job, agencies[0], "Morning Support Worker", EARLY_WEEK),
        part_time_job(db, make_job, agencies[1], "Late Week Support Worker", LATE_WEEK),
        part_time_job(db, make_job, agencies[2], "Midday Support Worker", MIDDAY_EARLY_WEEK),
    )


# --- the page -----------------------------------------------------------------------------


def test_week_shows_two_part_time_jobs_that_fit_and_never_an_overlapping_pair(
    db, make_user, signed_in, three_jobs
):
    early, late, midday = three_jobs
    client = signed_in(seeker_wanting(db, make_user))
    response = client.get("/recommended/week")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = weeks(page)
    assert {early.id, late.id} in found
    assert {late.id, midday.id} in found  # late week fits with midday too
    assert all(not {early.id, midday.id} <= week for week in found)  # they overlap
    assert len(found) == 2
    words = unescape(page)
    assert "Week 1: 37.5 hours from 2 jobs" in words
    # the timetable: a table, one row per weekday, each block with its job's letter, and a
    # legend that names each job, its agency and community once
    assert '<th scope="row">Monday</th>' in page and '<th scope="row">Sunday</th>' in page
    first = articles(page)[weeks(page).index({early.id, late.id})]
    jobs = legend(first)
    early_key = next(k for k, row in jobs.items() if row.startswith("Morning Support Worker"))
    late_key = next(k for k, row in jobs.items() if row.startswith("Late Week Support Worker"))
    assert sorted(jobs) == ["A", "B"]
    assert jobs[early_key].startswith("Morning Support Worker · Harbour Living · Nanaimo")
    assert jobs[late_key].startswith("Late Week Support Worker · Island Youth · Nanaimo")
    assert shifts(first, "Monday") == [f"08:00–14:15 {early_key}"]
    assert shifts(first, "Thursday") == [f"08:00–14:15 {late_key}"]
    assert shifts(first, "Sunday") == []
    # a screen reader hears each shift's job and agency, not a bare letter
    assert shifts(first, "Monday", seen=False) == [
        "08:00–14:15 Morning Support Worker, Harbour Living"
    ]
    assert shifts(first, "Saturday", seen=False) == [
        "08:00–14:15 Late Week Support Worker, Island Youth"
    ]
    table = first.split("<table")[1].split("</table>")[0]
    assert "Support Worker" not in words_of(table)  # no title repeated on every shift
    assert "of 5 stars" in words
    assert 'href="/recommended"' in page
    assert "Travel between communities" not in words  # all in Nanaimo


def test_the_first_week_is_open_the_others_folded_with_a_summary(
    db, make_user, signed_in, three_jobs
):
    early, late, midday = three_jobs
    client = signed_in(seeker_wanting(db, make_user))
    page = client.get("/recommended/week").get_data(as_text=True)
    found = articles(page)
    assert len(found) == 2
    assert [is_open(article) for article in found] == [True, False]
    # each summary, read folded: the jobs (and agencies), the hours and the stars
    names = {
        early.id: "Morning Support Worker (Harbour Living)",
        late.id: "Late Week Support Worker (Island Youth)",
        midday.id: "Midday Support Worker (Coast Family)",
    }
    for n, (article, ids) in enumerate(zip(found, weeks(page), strict=True), start=1):
        said = summary(article)
        assert said.startswith(f"Week {n}: 37.5 hours from 2 jobs ")
        for job_id in ids:
            assert names[job_id] in said
        assert re.search(r"[★☆]{5} on average$", said), said
        assert "of 5 stars" in words_of(article.split("</summary>")[0], seen=False)
        assert "Travel" not in said
        # the folded week keeps its own timetable and "apply to all" form
        assert "<table" in article.split("</summary>")[1]
        assert 'name="share_ids"' in article.split("</summary>")[1]


def test_travel_between_communities_is_flagged(db, make_job, make_user, signed_in, agencies):
    mornings = part_time_job(
        db,
        make_job,
        agencies[0],
        "Nanaimo Mornings",
        [[d, "08:00", "12:00"] for d in range(5)],
        hours=20,
        place="Nanaimo",
    )
    afternoons = part_time_job(
        db,
        make_job,
        agencies[1],
        "Duncan Afternoons",
        [[d, "12:30", "16:00"] for d in range(5)],
        hours=17.5,
        place="Duncan",
    )
    client = signed_in(seeker_wanting(db, make_user, places=("Nanaimo", "Duncan")))
    page = client.get("/recommended/week").get_data(as_text=True)
    assert weeks(page) == [{mornings.id, afternoons.id}]
    words = unescape(page)
    assert "Travel between communities" in words
    assert summary(articles(page)[0]).endswith("on average · ⚠ Travel between communities")
    assert "Nanaimo → Duncan on Tuesday, 30 min between shifts" in words
    assert "Nanaimo → Duncan on Friday, 30 min between shifts" in words


def test_jobs_in_two_communities_on_different_days_are_flagged_too(
    db, make_job, make_user, signed_in, agencies
):
    early = part_time_job(db, make_job, agencies[0], "Nanaimo Early Week", EARLY_WEEK)
    late = part_time_job(db, make_job, agencies[1], "Duncan Late Week", LATE_WEEK, place="Duncan")
    client = signed_in(seeker_wanting(db, make_user, places=("Nanaimo", "Duncan")))
    page = client.get("/recommended/week").get_data(as_text=True)
    assert weeks(page) == [{early.id, late.id}]
    words = unescape(page)
    assert "Work in Duncan and Nanaimo, on different days" in words
    assert "between shifts" not in words


def test_hours_must_add_up_to_the_full_time_week(db, make_job, make_user, signed_in, agencies):
    part_time_job(db, make_job, agencies[0], "Short Mornings", EARLY_WEEK)
    part_time_job(db, make_job, agencies[1], "Short Evenings", [[3, "17:00", "20:00"]], hours=3)
    client = signed_in(seeker_wanting(db, make_user))
    page = client.get("/recommended/week").get_data(as_text=True)
    assert weeks(page) == []  # 21.75 h is not a full-time week
    assert "No combination of part-time jobs adds up to a full-time week" in unescape(page)


def test_a_seeker_not_wanting_full_time_hours_is_told_why(db, make_user, signed_in, three_jobs):
    client = signed_in(seeker_wanting(db, make_user, hours="part_time"))
    page = client.get("/recommended/week").get_data(as_text=True)
    assert weeks(page) == []
    assert "does not say so" in unescape(page)
    assert 'href="/profile"' in page


@pytest.mark.parametrize(("role", "status"), [("agency", 403), ("admin", 403), ("champion", 403)])
def test_only_seekers(db, make_user, signed_in, client, role, status):
    user = make_user(role=role)
    staff = signed_in(user)
    assert staff.get("/recommended/week").status_code == status
    assert staff.post_form("/recommended/week/apply", {"share_ids": "1,2"}).status_code == status
    response = client.get("/recommended/week")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- apply to all -------------------------------------------------------------------------


def test_apply_to_all_sends_one_application_per_job_each_seen_by_its_agency(
    db, make_user, signed_in, three_jobs, agencies
):
    early, late, midday = three_jobs
    seeker = seeker_wanting(db, make_user)
    client = signed_in(seeker)
    page = client.get("/recommended/week").get_data(as_text=True)
    pair = share_ids(page)[weeks(page).index({early.id, late.id})]
    response = client.post_form(
        "/recommended/week/apply", {"share_ids": pair, "cover_note": "I can work both."}
    )
    assert response.status_code == 302 and path_of(response.location) == "/applications"
    assert "2 applications sent" in flashed(client, response)
    sent = db.session.scalars(select(Application).where(Application.seeker_id == seeker.id)).all()
    assert sorted(a.job_id for a in sent) == sorted([early.id, late.id])
    assert all(a.cover_note == "I can work both." for a in sent)
    for application in sent:  # one decision, by the job's own agency
        decisions = db.session.scalars(
            select(ApplicationDecision).where(ApplicationDecision.application_id == application.id)
        ).all()
        assert [d.agency_id for d in decisions] == [application.job.agency_id]
    # each agency sees the seeker in its own job's pipeline, and cannot open the other's
    harbour, island = signed_in(agencies[0].owner), signed_in(agencies[1].owner)
    assert "Wren Walker" in text(harbour.get(f"/agency/jobs/{early.id}/applicants"))
    assert "Wren Walker" in text(island.get(f"/agency/jobs/{late.id}/applicants"))
    assert harbour.get(f"/agency/jobs/{late.id}/applicants").status_code == 404
    assert island.get(f"/agency/jobs/{early.id}/applicants").status_code == 404
    coast = signed_in(agencies[2].owner)
    page = coast.get(f"/agency/jobs/{midday.id}/applicants").get_data(as_text=True)
    assert "Wren Walker" not in unescape(page)
    by_job = {a.job_id: a.id for a in sent}
    assert harbour.get(f"/agency/applications/{by_job[early.id]}").status_code == 200
    assert island.get(f"/agency/applications/{by_job[early.id]}").status_code == 404
    assert island.get(f"/agency/applications/{by_job[late.id]}").status_code == 200
    assert harbour.get(f"/agency/applications/{by_job[late.id]}").status_code == 404


def test_apply_to_all_refuses_when_a_job_asks_screening_questions(
    db, make_user, signed_in, three_jobs
):
    from portal.applications import services

    early, late, _ = three_jobs
    services.add_question(
        late,
        {
            "text": "Do you hold a class 5 licence?",
            "kind": "yes_no",
            "required": True,
            "knockout_answer": None,
        },
        late.agency.owner,
    )
    db.session.commit()
    client = signed_in(seeker_wanting(db, make_user))
    page = client.get("/recommended/week").get_data(as_text=True)
    pair = share_ids(page)[weeks(page).index({early.id, late.id})]
    response = client.post_form(
        "/recommended/week/apply", {"share_ids": pair, "cover_note": "Typed note"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "“Late Week Support Worker” asks screening questions" in unescape(page)
    assert f'href="/jobs/{late.id}/apply"' in page
    assert ">Typed note</textarea>" in page  # what was typed is kept
    assert count(db, Application) == 0  # none sent, not even the early week's


def test_a_refused_week_comes_back_open_with_what_was_typed(db, make_user, signed_in, three_jobs):
    client = signed_in(seeker_wanting(db, make_user))
    page = client.get("/recommended/week").get_data(as_text=True)
    second = share_ids(page)[1]
    typed = "I can work both. " * 300  # over 5,000 characters
    response = client.post_form(
        "/recommended/week/apply", {"share_ids": second, "cover_note": typed}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Keep it under 5,000 characters." in unescape(page)
    assert share_ids(page)[1] == second
    assert [is_open(article) for article in articles(page)] == [False, True]  # week 2 open
    found = articles(page)
    assert f">{typed}</textarea>" in unescape(found[1])
    assert "I can work both." not in found[0]
    # the error summary's link leads to that week's note, marked invalid with its message
    assert 'href="#cover_note"' in page
    assert 'id="cover_note"' in found[1] and 'aria-invalid="true"' in found[1]
    assert 'id="cover_note-error"' in found[1] and 'id="cover_note"' not in found[0]
    assert count(db, Application) == 0


def test_apply_to_all_refuses_without_a_resume(db, make_user, signed_in, three_jobs):
    early, late, _ = three_jobs
    client = signed_in(seeker_wanting(db, make_user, resume=False))
    page = client.get("/recommended/week").get_data(as_text=True)
    pair = share_ids(page)[weeks(page).index({early.id, late.id})]
    response = client.post_form("/recommended/week/apply", {"share_ids": pair})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Upload your résumé before applying" in unescape(page)
    assert 'href="/profile/resume"' in page
    assert "on its own form" not in unescape(page)  # no job is to blame
    assert count(db, Application) == 0


def test_apply_to_all_is_one_transaction(db, make_user, signed_in, three_jobs, monkeypatch):
    """When the second application fails after the first was made, neither stays."""
    from portal.applications import services

    early, late, _ = three_jobs
    client = signed_in(seeker_wanting(db, make_user))
    page = client.get("/recommended/week").get_data(as_text=True)
    pair = share_ids(page)[weeks(page).index({early.id, late.id})]
    services.add_question(
        late,
        {"text": "Why here?", "kind": "text", "required": True, "knockout_answer": None},
        late.agency.owner,
    )
    db.session.commit()
    real_review = combos.review
    monkeypatch.setattr(combos, "review", lambda ids, seeker: (real_review(ids, seeker)[0], None))
    response = client.post_form("/recommended/week/apply", {"share_ids": pair})
    assert response.status_code == 400
    assert "Answer the question “Why here?”" in text(response)
    assert count(db, Application) == 0


def test_apply_to_all_refuses_overlapping_or_foreign_choices(db, make_user, signed_in, three_jobs):
    early, late, midday = three_jobs
    client = signed_in(seeker_wanting(db, make_user))
    ids = {job.id: job.shares[0].id for job in three_jobs}
    for data, message in [
        ({"share_ids": f"{ids[early.id]},{ids[midday.id]}"}, "These jobs overlap on Monday"),
        ({"share_ids": f"{ids[early.id]}"}, "Choose one of the combinations"),
        ({"share_ids": f"{ids[early.id]},999999"}, "no longer open"),
        ({"share_ids": "1,x"}, "Choose one of the combinations"),
        ({"share_ids": "\u0661,\u0662"}, "Choose one of the combinations"),  # Arabic-Indic
        ({"share_ids": "1,2,3,4"}, "Choose one of the combinations"),
        ({"share_ids": "1,99999999999999999999"}, "Choose one of the combinations"),
        ({"share_ids": ",".join(["1"] * 10000)}, "Choose one of the combinations"),
        ({"share_ids": f"{ids[early.id]},{ids[early.id]}"}, "two or three jobs"),
    ]:
        response = client.post_form("/recommended/week/apply", data)
        assert response.status_code == 400, data
        assert message in text(response), data
    assert count(db, Application) == 0


def test_jobs_already_applied_for_are_skipped(db, make_user, signed_in, three_jobs):
    early, late, _ = three_jobs
    client = signed_in(seeker_wanting(db, make_user))
    assert client.post_form(f"/jobs/{early.id}/apply", {"cover_note": ""}).status_code == 302
    page = client.get("/recommended/week").get_data(as_text=True)
    pair = share_ids(page)[weeks(page).index({early.id, late.id})]
    response = client.post_form("/recommended/week/apply", {"share_ids": pair})
    assert response.status_code == 302
    assert "1 applications sent: “Late Week Support Worker”" in flashed(client, response)
    assert count(db, Application) == 2
    response = client.post_form("/recommended/week/apply", {"share_ids": pair})
    assert response.status_code == 400
    assert "already applied for every job" in text(response)


# --- the rules, for any schedules -----------------------------------------------------------

TARGET = 37.5
PROFILE = ProfileFacts(
    profile_id=1,
    user_id=1,
    visible=False,
    occupations=frozenset({"42201"}),
    communities=frozenset({1, 2}),
    regions=frozenset({1}),
    hours_wanted="full_time",
)
TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]


@st.composite
def blocks(draw):
    found = []
    for _ in range(draw(st.integers(1, 6))):
        day = draw(st.integers(0, 6))
        start = draw(st.integers(0, len(TIMES) - 2))
        end = draw(st.integers(start + 1, min(start + 20, len(TIMES) - 1)))
        found.append([day, TIMES[start], TIMES[end]])
    return found


@st.composite
def share_list(draw):
    shares = []
    for n in range(draw(st.integers(0, 14))):
        shares.append(
            ShareFacts(
                share_id=n + 1,
                job_id=draw(st.integers(1, 10)),
                agency_id=1,
                title=f"Job {n}",
                noc=draw(st.sampled_from(["42201", "42202", "41300"])),
                region_id=1,
                community_id=draw(st.integers(1, 2)),
                employment_type="part_time",
                hours=draw(st.sampled_from([3, 10, 12.5, 15, 17.5, 18.75, 20, 25, 33.75, 40])),
                pay_min_cents=2600,
                pay_max_cents=3000,
                blocks=draw(blocks()),
                closes_on=date(2030, 1, 1),
                pooled=False,
            )
        )
    return shares


@settings(max_examples=300, deadline=None)
@given(share_list())
def test_combinations_never_overlap_and_add_up(shares):
    found = combos.find(PROFILE, shares, TARGET, limit=50)
    means = [mean for mean, _, _ in found]
    assert means == sorted(means, reverse=True)
    for _, _, chosen in found:
        parts = [c.share for c in chosen]
        assert 2 <= len(parts) <= 3
        assert len({s.job_id for s in parts}) == len(parts)
        assert 0.9 * TARGET <= sum(s.hours for s in parts) <= 1.1 * TARGET
        assert all(s.hours < 0.9 * TARGET for s in parts)
        for i, a in enumerate(parts):
            for b in parts[i + 1 :]:
                assert not clashes(a.blocks, b.blocks), (a.blocks, b.blocks)
