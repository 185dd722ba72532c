"""Sending an uploaded document (meeting and proposal documents alike): as an attachment of its stored type, in a
sandbox, never cached; 410 once the retention policy purged its bytes, 404 when the storage has none."""
from __future__ import annotations

from io import BytesIO

from flask import abort, send_file

from committees.models import Document
from committees.services import documents as docs
from portal.security import DOWNLOAD_CSP


def send_document(document: Document):
    if document.purged_at is not None:
        abort(410)
    data = docs.read_document(document)
    if data is None:
        abort(404)
    response = send_file(BytesIO(data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
