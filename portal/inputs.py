"""Raw request input that no route accepts, refused before any view sees it.

A NUL character (``%00``) is never text a person typed, and PostgreSQL can neither store nor
compare it ("PostgreSQL text fields cannot contain NUL (0x00) bytes": a 500 wherever such a
value reaches a query). A request carrying one in its path, query string, form fields or an
uploaded file's name is answered 400 with a plain page; nothing is read or saved.
"""

from flask import Flask, render_template, request

NUL = "\x00"


def _carries_nul() -> bool:
    if request.routing_exception is not None:  # no such page (e.g. /jobs/%00): 404 as usual
        return False
    if NUL in request.path:
        return True
    if any(NUL in key or NUL in value for key, value in request.args.items(multi=True)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if any(NUL in key or NUL in value for key, value in request.form.items(multi=True)):
        return True
    return any(NUL in (upload.filename or "") for upload in request.files.values())


def refuse_nul_characters():
    if _carries_nul():
        return render_template(
            "errors/400.html",
            reason="The request contained a character that cannot be part of any text "
            "(NUL). Go back, check what you typed or pasted, and try again.",
        ), 400
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
