"""`flask search check` also spots documents indexed from an older version of their job."""

from sqlalchemy import update

from portal.models import Job


def test_check_reports_a_stale_document(app, db, runner, make_job):
    job = make_job(title="Family Support Worker")
    assert runner.invoke(args=["search", "check"]).exit_code == 0

    # a change that bypassed the services: new version, no outbox row
    db.session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(title="Family Support Lead", version_id=Job.version_id + 1)
    )
    db.session.commit()

    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"indexed from an older version (1): {job.id}" in result.output

    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0
