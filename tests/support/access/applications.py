"""The access test's world for the rows in ``applications.txt`` (``portal/applications``).

Ids: {question} a required screening question on {job}; {application} an application to
{job} by another seeker (not ``seeker``).
"""

import io

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"question": 1, "application": 1}


def build(db, core) -> dict:
    question, application = _application(db, new_user, core.job)
    return {"question": question.id, "application": application.id}


def _application(db, make_user, job):
    """A required screening question on ``job``, and an application to it by a seeker with
    a résumé (not ``users["seeker"]``: an agency sees its applicants' profiles, and the
    ``/agency/people/{seeker}`` rows need a private seeker who did not apply)."""
    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from portal.applications import services as applications
    from portal.seekers import resumes
    from portal.seekers import services as seekers

    question = applications.add_question(
        job,
        {
            "text": "Do you hold a valid Class 5 licence?",
            "kind": "yes_no",
            "required": True,
            "knockout_answer": None,
        },
        job.agency.owner,
    )
    applicant = make_user(role="seeker", name="Ann Applicant")
    seekers.get_or_create_profile(applicant).resume = resumes.store(
        applicant, FileStorage(io.BytesIO(b"%PDF-1.4 Ann"), filename="ann.pdf")
    )
    with current_app.test_request_context():  # the emails it sends carry links
        application = applications.apply(job, applicant, "Cover note", {question.id: "yes"})
    db.session.commit()
    return question, application
