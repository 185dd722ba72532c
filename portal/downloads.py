"""Downloads: an uploaded document (meeting and proposal documents alike), as an attachment of its stored type, in a
sandbox, never cached, 410 once the retention policy purged its bytes, 404 when the storage has none; and the CSV
exports (roster, decisions, proposals, the dashboard), safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from io import BytesIO
from urllib.parse import quote

from flask import Response, abort, send_file

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


def csv_cell(value) -> str:
    """A spreadsheet must not read a cell as a formula: = + - @ (and tab, CR) get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(header: list[str], rows: list[list], filename: str) -> Response:
    """UTF-8 with a BOM (spreadsheets then read Greek right), as an attachment, no cell read as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[csv_cell(cell) for cell in row] for row in rows])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "no-store"
    return response
