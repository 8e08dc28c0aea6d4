"""The access table and the bulk import of jobs (``portal/jobs/import_views.py``): the
rows are in ``job_imports.txt``; ``build`` keeps a checked file of the target agency's
owner in the world's uploads, as the upload page does.

Ids: {job_import} the id of that kept file."""

DUMMY_IDS: dict = {"job_import": "a" * 32}


def build(db, core) -> dict:
    from portal.jobs import imports, pending_imports

    owner = core.users["owner"]
    data = imports.template().encode()
    return {"job_import": pending_imports.keep(data, "jobs.csv", False, core.agency.id, owner.id)}
