"""The access test's world for the rows in ``seekers.txt`` (``portal/seekers``).

Ids: {visible_seeker} a job seeker whose profile is visible to agencies, with a résumé;
{resume} that seeker's résumé.
"""

import io

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"visible_seeker": 2, "resume": 1}


def build(db, core) -> dict:
    seeker, resume = _visible_seeker(db, new_user)
    return {"visible_seeker": seeker.id, "resume": resume.id}


def _visible_seeker(db, make_user):
    """A seeker who made their profile visible to agencies and uploaded a résumé."""
    from werkzeug.datastructures import FileStorage

    from portal.seekers import services as seekers

    seeker = make_user(role="seeker", name="Vera Visible")
    profile = seekers.get_or_create_profile(seeker)
    seekers.make_visible(profile, seeker)
    resume = seekers.attach_resume(
        seeker, FileStorage(io.BytesIO(b"%PDF-1.4 Vera"), filename="vera.pdf")
    )
    db.session.commit()
    return seeker, resume
