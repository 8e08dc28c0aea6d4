"""The weekly schedule of a single-agency job: blocks typed on the job form are kept on the
job's lead share (for matching), checked (times, overlaps, hours per week agreeing with them)
and shown on the job page; a job without blocks still saves; pooled jobs keep per-share
schedules."""

import csv
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import schedules
from portal.demo import jobs as demo
from portal.errors import PortalError
from portal.jobs import services
from portal.models import Job, JobShare, SearchOutbox
from portal.timeutil import today_pacific
from tests.support import count, field_error, job_fields, text
from tests.support.reference import community, occupation

REFERENCE = Path(demo.__file__).resolve().parents[1] / "reference" / "data"
VERSION_RE = re.compile(r'name="version_id" type="hidden" value="(\d*)"')
MON_WED = {
    f"{part}_{day}": time
    for day in range(3)
    for part, time in (("start", "08:00"), ("end", "14:15"))
}
MON_WED_BLOCKS = [[0, "08:00", "14:15"], [1, "08:00", "14:15"], [2, "08:00", "14:15"]]


def job_form(db, **overrides) -> dict:
    data = {
        "title": "Community Support Worker",
        "occupation_id": occupation(db, "42201").id,
        "community_id": community(db, "Nelson").id,
        "employment_type": "part_time",
        "hours_per_week": "",
        "schedule": "Mornings",
        "pay_min": "25.50",
        "pay_max": "29.75",
        "pay_unit": "hourly",
        "union_position": "no",
        "description": "Support adults in their homes.",
        "closes_on": (today_pacific() + timedelta(days=30)).isoformat(),
        "version_id": "",
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def lead_share(db, job: Job) -> JobShare:
    db.session.expire_all()
    return db.session.scalar(
        select(JobShare).where(JobShare.job_id == job.id, JobShare.agency_id == job.agency_id)
    )


def only_job(db) -> Job:
    return db.session.scalar(select(Job))


@pytest.fixture
def staff(client, make_agency, login):
    agency = make_agency(name="Kootenay Living Society")
    login(client, agency.owner)
    return agency


def test_blocks_saved_with_hours_counted_and_shown(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, **MON_WED))
    assert response.status_code == 302, text(response)[:2000]
    job = only_job(db)
    share = lead_share(db, job)
    assert share.schedule_blocks == MON_WED_BLOCKS
    assert job.hours_per_week == share.hours_per_week == 18.75  # left empty: from the blocks
    assert db.session.scalar(select(SearchOutbox).where(SearchOutbox.job_id == job.id))

    page = text(client.get(f"/agency/jobs/{job.id}/edit"))  # loaded back into the form
    assert 'name="start_2" type="time" value="08:00"' in page
    assert 'name="end_2" type="time" value="14:15"' in page
    assert 'name="start_3" type="time" value=""' in page

    shown = text(client.get(f"/jobs/{job.id}"))  # the preview of the draft
    assert "Weekly schedule" in shown
    assert "Mon 08:00–14:15, Tue 08:00–14:15, Wed 08:00–14:15" in shown


def test_edit_changes_the_blocks(client, db, staff):
    client.post_form("/agency/jobs/new", job_form(db, **MON_WED))
    job = only_job(db)
    version = VERSION_RE.search(text(client.get(f"/agency/jobs/{job.id}/edit"))).group(1)
    thu_sat = {f"{p}_{d}": t for d in (3, 4, 5) for p, t in (("start", "08:00"), ("end", "14:15"))}
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, version_id=version, hours_per_week="18.75", **thu_sat),
    )
    assert response.status_code == 302, text(response)[:2000]
    assert lead_share(db, job).schedule_blocks == [[d, "08:00", "14:15"] for d in (3, 4, 5)]
    assert "Thu 08:00–14:15, Fri 08:00–14:15, Sat 08:00–14:15" in text(
        client.get(f"/jobs/{job.id}")
    )


def test_typed_hours_close_to_the_blocks_are_kept(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, hours_per_week="19", **MON_WED))
    assert response.status_code == 302
    job = only_job(db)
    assert job.hours_per_week == 19.0 and lead_share(db, job).schedule_blocks == MON_WED_BLOCKS


def test_hours_disagreeing_with_the_blocks_are_refused(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, hours_per_week="30", **MON_WED))
    page = text(response)
    assert response.status_code == 200
    message = field_error(page, "hours_per_week") or ""
    assert "adds up to 18.75 hours" in message and "say 30" in message, message
    assert 'name="hours_per_week" type="text" value="30"' in page or 'value="30"' in page
    assert 'name="end_1" type="time" value="14:15"' in page  # what was typed is kept
    assert 'value="Community Support Worker"' in page
    assert (count(db, Job), count(db, JobShare)) == (0, 0)


def test_end_before_start_is_refused_next_to_the_day(client, db, staff):
    response = client.post_form(
        "/agency/jobs/new", job_form(db, start_4="16:00", end_4="09:00", hours_per_week="20")
    )
    page = text(response)
    assert response.status_code == 200
    assert "the end (09:00) must be after the start (16:00)" in (field_error(page, "end_4") or "")
    assert 'name="start_4" type="time" value="16:00"' in page
    assert count(db, Job) == 0


def test_a_day_needs_both_times(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, start_0="09:00"))
    page = text(response)
    assert response.status_code == 200
    assert "Give both the start and the end on Monday." in (field_error(page, "end_0") or "")
    assert count(db, Job) == 0


def test_not_a_time_is_refused(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, start_0="9am", end_0="13:00"))
    assert "Use the 24-hour clock" in (field_error(text(response), "start_0") or "")
    assert count(db, Job) == 0


def test_overlapping_blocks_are_refused_by_the_service(app, db, make_agency):
    # the form has one block per day, so only another caller can send an overlap
    agency = make_agency()
    blocks = [[0, "08:00", "12:00"], [0, "11:00", "15:00"]]
    with pytest.raises(PortalError, match="Two blocks overlap on Monday"):
        services.create_draft(
            agency, job_fields(db, hours_per_week=7.0, schedule_blocks=blocks), agency.owner
        )
    db.session.rollback()  # as run_action does after a refusal
    with pytest.raises(PortalError, match="adds up to 4 hours"):
        services.create_draft(
            agency,
            job_fields(db, hours_per_week=37.5, schedule_blocks=[[0, "08:00", "12:00"]]),
            agency.owner,
        )


def test_job_without_blocks_still_saves(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, hours_per_week="37.5"))
    assert response.status_code == 302
    job = only_job(db)
    assert job.hours_per_week == 37.5 and lead_share(db, job).schedule_blocks == []
    assert "Weekly schedule" not in text(client.get(f"/jobs/{job.id}"))


def test_hours_or_blocks_are_required(client, db, staff):
    page = text(client.post_form("/agency/jobs/new", job_form(db)))
    assert "Enter the hours per week" in (field_error(page, "hours_per_week") or "")
    assert count(db, Job) == 0


def test_service_callers_without_blocks_keep_working(app, db, make_agency):
    agency = make_agency()
    job = services.create_draft(agency, job_fields(db), agency.owner)
    assert lead_share(db, job).schedule_blocks == []


def test_duplicate_keeps_the_blocks(client, db, staff):
    client.post_form("/agency/jobs/new", job_form(db, **MON_WED))
    job = only_job(db)
    copy = services.duplicate(job, staff.owner)
    assert lead_share(db, copy).schedule_blocks == MON_WED_BLOCKS


def test_pooled_job_has_no_job_level_editor(client, db, staff):
    response = client.post_form("/agency/jobs/new", job_form(db, pooled="y", hours_per_week="20"))
    assert response.status_code == 302
    job = only_job(db)
    assert job.pooled
    page = text(client.get(f"/agency/jobs/{job.id}/edit"))
    assert 'name="start_0"' not in page and "Weekly schedule (optional)" not in page
    assert lead_share(db, job).schedule_blocks == []
    # the lead's share keeps the schedule set on the pool's page when the job is edited
    share = lead_share(db, job)
    share.schedule_blocks = [[0, "09:00", "13:00"]]
    db.session.commit()
    version = VERSION_RE.search(page).group(1)
    response = client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, pooled="y", hours_per_week="20", version_id=version),
    )
    assert response.status_code == 302, text(response)[:2000]
    assert lead_share(db, job).schedule_blocks == [[0, "09:00", "13:00"]]


# --- demo data ---------------------------------------------------------------------------


def demo_jobs(seed: int, n: int) -> tuple[list[dict], dict[int, str]]:
    """Generated demo jobs for agencies spread over the regions (as tests/test_demo_data)."""
    communities: dict[str, list[str]] = {}
    with open(REFERENCE / "communities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            communities.setdefault(row["region_code"], []).append(row["name"])
    regions = sorted(communities)
    agencies = [
        {
            "id": i + 1,
            "name": f"Agency {i}",
            "subsector": sub,
            "region": regions[i % len(regions)],
            "community": communities[regions[i % len(regions)]][0],
        }
        for i, sub in enumerate(sorted(demo.SUBSECTORS) * 2)
    ]
    rng = random.Random(seed)  # nosec B311 # seeded: the same jobs every run
    return demo.generate_jobs(rng, n, agencies, communities), {
        a["id"]: a["region"] for a in agencies
    }


def test_every_demo_job_has_a_week_that_adds_up_to_its_hours():
    jobs, _ = demo_jobs(2027, 600)
    for job in jobs:
        assert schedules.check_blocks(job["schedule_blocks"]) is None, job["schedule"]
        assert schedules.hours(job["schedule_blocks"]) == job["hours_per_week"], job["schedule"]
        if job["employment_type"] == "full_time":
            assert 35 <= job["hours_per_week"] <= 40, job["schedule"]
    evenings_or_weekends = [
        job
        for job in jobs
        if any(day >= 5 or end > "19:00" for day, _start, end in job["schedule_blocks"])
    ]
    assert len(evenings_or_weekends) > 30
    assert jobs == demo_jobs(2027, 600)[0]  # deterministic


def test_demo_part_time_jobs_combine_into_full_weeks():
    jobs, regions = demo_jobs(2027, 400)
    groups: dict[tuple, list[dict]] = {}
    for job in jobs:
        if job["employment_type"] == "part_time":
            groups.setdefault((regions[job["agency_id"]], job["noc"][:3]), []).append(job)
    weeks = [
        (first["schedule"], second["schedule"])
        for group in groups.values()
        for i, first in enumerate(group)
        for second in group[i + 1 :]
        if not schedules.clashes(first["schedule_blocks"], second["schedule_blocks"])
        and 35 <= first["hours_per_week"] + second["hours_per_week"] <= 40
    ]
    assert len(weeks) >= 5, weeks
