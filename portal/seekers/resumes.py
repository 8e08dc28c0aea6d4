"""Résumé files: checking, storing, sending, and recording who opened them.

Files live in ``UPLOAD_DIR/resumes/`` (default ``instance/uploads/resumes/``), never under
``static/``, each under a random name. A file is never changed: a new upload is a new
``Resume`` row and a new file, so an application keeps exactly the file it was sent with.
"""

import hashlib
import io
import os
import secrets
import tempfile
import zipfile

from flask import abort, current_app, send_file
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, Resume, ResumeView, User
from portal.models.types import utcnow

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_NAMES = {"pdf": "a PDF", "docx": "a Word (.docx) document"}


def folder() -> str:
    base = current_app.config["UPLOAD_DIR"] or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(base, "resumes")


def path_of(resume: Resume) -> str:
    return os.path.join(folder(), resume.stored_name)


def max_megabytes() -> int:
    return current_app.config["RESUME_MAX_BYTES"] // (1024 * 1024)


def kind_of(data: bytes) -> str | None:
    """ "pdf" or "docx" judged by the content (never by the name), else None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    return None


def _display_name(filename: str, kind: str) -> str:
    """The uploaded name without any folder part, ending in the real type's extension."""
    name = os.path.basename(filename.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "resume"
    stem, ext = os.path.splitext(name)
    if ext.lower() != f".{kind}":
        stem = name
    return f"{stem[:200]}.{kind}"


def check(filename: str, data: bytes) -> str:
    """The kind of an uploaded résumé, or a PortalError saying what is wrong with it."""
    limit = current_app.config["RESUME_MAX_BYTES"]
    if not data:
        raise PortalError("The file is empty (0 bytes). Choose your résumé file again.")
    if len(data) > limit:
        raise PortalError(
            f"The file is larger than {max_megabytes()} MB. Save a smaller version "
            "(for example without pictures) and upload that."
        )
    kind = kind_of(data)
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    if kind is None:
        if ext in MIMETYPES:
            raise PortalError(
                f"This file is named .{ext} but is not {KIND_NAMES[ext]}. "
                "Save your résumé again as PDF or Word (.docx) and upload it."
            )
        raise PortalError("Upload your résumé as a PDF or a Word (.docx) file.")
    if ext in MIMETYPES and ext != kind:
        raise PortalError(
            f"This file is named .{ext} but is {KIND_NAMES[kind]}. Rename it "
            f"to end in .{kind} and upload it again."
        )
    return kind


def store(user: User, file_storage: FileStorage | None) -> Resume:
    """Check and keep an uploaded résumé; a new ``Resume`` row (flushed, not committed)."""
    if file_storage is None or not file_storage.filename:
        raise PortalError("Choose your résumé file.")
    data = file_storage.stream.read(current_app.config["RESUME_MAX_BYTES"] + 1)
    kind = check(file_storage.filename, data)

    os.makedirs(folder(), exist_ok=True)
    stored_name = secrets.token_hex(24)
    final = os.path.join(folder(), stored_name)
    handle, temporary = tempfile.mkstemp(dir=folder(), prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise

    resume = Resume(
        user_id=user.id,
        filename=_display_name(file_storage.filename, kind),
        stored_name=stored_name,
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=utcnow(),
    )
    db.session.add(resume)
    db.session.flush()
    audit.record("resume.uploaded", user, resume)
    return resume


def send(resume: Resume):
    """The file as a download: never shown inline, never cached. Read into memory (it is
    small) so no file handle outlives the request. A removed file answers 404."""
    if resume.file_removed:
        abort(404)
    try:
        with open(path_of(resume), "rb") as stored:  # at most RESUME_MAX_BYTES
            data = stored.read()
    except FileNotFoundError:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[resume.kind],
        as_attachment=True,
        download_name=resume.filename,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def record_view(resume: Resume, viewer: User, agency: Agency) -> None:
    """Agency staff opened a résumé: the seeker sees it under "who viewed my résumé".
    A removed file was not opened: 404 before anything is recorded."""
    if resume.file_removed:
        abort(404)
    db.session.add(
        ResumeView(
            resume_id=resume.id,
            seeker_id=resume.user_id,
            viewer_id=viewer.id,
            agency_id=agency.id,
            viewed_at=utcnow(),
        )
    )
    audit.record("resume.viewed", viewer, resume, detail=f"agency {agency.id}")
