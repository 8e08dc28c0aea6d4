"""Stylesheets and scripts go out compressed (Flask-Compress: zstd, brotli or gzip, as the
browser asks), which takes a page from about 270 KB on the wire to about 75 KB. Only the
types in ``COMPRESS_MIMETYPES``: HTML is not compressed (see ``portal/config.py``).

Flask serves files as streams, and Flask-Compress compresses a stream by replacing it,
so the file it read is never closed; a file of those types is read into memory first
(the portal's own and Bootstrap's, under 250 KB each) and compressed whole."""

from flask import Flask, Response

from portal.extensions import compress


def register(app: Flask) -> None:
    compress.init_app(app)
    types = set(app.config["COMPRESS_MIMETYPES"])

    # registered after Flask-Compress's handler, so it runs before it
    @app.after_request
    def read_whole_files(response: Response) -> Response:
        if response.is_streamed and response.mimetype in types and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()  # closes the file when the response is closed
        return response
