"""Uploaded documents: type checked from content (magic bytes), size limited, ZIP bombs refused,
names sanitised, stored under generated keys in the database (default) or a directory."""
from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from committees.db import db
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models.meetings import DocumentBlob

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
ODF = {
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5000


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _zip_kind(data: bytes) -> Sniffed | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
        raise ValidationFailed(N_("This file expands to far more than its size; it is refused."), field="file",
                               code="zip_bomb")
    names = {i.filename for i in infos}
    if "mimetype" in names:
        mimetype = archive.read("mimetype").strip()
        if mimetype in ODF:
            return Sniffed(mimetype.decode(), ODF[mimetype])
    if "[Content_Types].xml" in names:
        for prefix, (ctype, ext) in OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return Sniffed(ctype, ext)
    return None


def sniff(data: bytes) -> Sniffed | None:
    """The document type from the content itself, or None when it is not an allowed type."""
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", ".pdf")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", ".png")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", ".jpg")
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def safe_filename(name: str, extension: str) -> str:
    """A display name without paths or control characters, ending with the sniffed extension."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip(" .") or "document"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem[:120] or "document") + extension


def check_upload(data: bytes, filename: str, max_bytes: int) -> tuple[Sniffed, str]:
    if not data:
        raise ValidationFailed(N_("The file is empty."), field="file", code="empty_file")
    if len(data) > max_bytes:
        raise ValidationFailed(N_("The file is too large."), field="file", code="file_too_large")
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed(N_("Only PDF, DOCX, XLSX, ODT, ODS, PNG and JPEG files can be attached."),
                               field="file", code="file_type")
    return kind, safe_filename(filename, kind.extension)


class DatabaseStorage:
    """Bytes in the document_blob table: backups and every app server see them."""

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        db.session.add(DocumentBlob(storage_key=key, data=data))
        return key

    def get(self, key: str) -> bytes | None:
        blob = db.session.get(DocumentBlob, key)
        return blob.data if blob else None

    def delete(self, key: str) -> None:
        blob = db.session.get(DocumentBlob, key)
        if blob is not None:
            db.session.delete(blob)


class DirectoryStorage:
    """Bytes in files under a directory outside static/ (single-server installations)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.exists() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


_storage: DatabaseStorage | DirectoryStorage = DatabaseStorage()


def configure_storage(directory: str | None) -> None:
    global _storage
    _storage = DirectoryStorage(directory) if directory else DatabaseStorage()


def storage() -> DatabaseStorage | DirectoryStorage:
    return _storage


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
