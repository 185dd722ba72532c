"""Uploads: type from content, size limit, ZIP bombs, safe names, storage backends."""
from __future__ import annotations

import io
import zipfile

import pytest

from committees import documents
from committees.errors import ValidationFailed
from committees.models import MeetingFormat
from committees.services import documents as svc
from committees.services import meetings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_sniff_by_content_not_name():
    assert documents.sniff(PDF).content_type == "application/pdf"
    assert documents.sniff(PNG).extension == ".png"
    assert documents.sniff(b"\xff\xd8\xff\xe0JFIF").content_type == "image/jpeg"
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert documents.sniff(docx).extension == ".docx"
    xlsx = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    assert documents.sniff(xlsx).extension == ".xlsx"
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"},
               zipfile.ZIP_STORED)
    assert documents.sniff(odt).extension == ".odt"
    assert documents.sniff(b"<html><script>alert(1)</script>") is None
    assert documents.sniff(_zip({"evil.exe": b"MZ"})) is None
    assert documents.sniff(b"MZ\x90\x00") is None


def test_zip_bomb_refused():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (50 * 1024 * 1024)})
    with pytest.raises(ValidationFailed) as error:
        documents.sniff(bomb)
    assert error.value.code == "zip_bomb"


def test_names_are_sanitised_and_get_the_real_extension():
    assert documents.safe_filename("../../etc/passwd", ".pdf") == "passwd.pdf"
    assert documents.safe_filename('C:\\Users\\x\\report "final".exe', ".pdf") == "report final.pdf"
    assert documents.safe_filename("\x00\x1f", ".png") == "document.png"
    assert documents.safe_filename("Πρακτικά συνεδρίασης.docx", ".docx") == "Πρακτικά συνεδρίασης.docx"


def test_upload_checks_size_and_type_then_stores(world, tmp_path):
    meeting = meetings.create_meeting(world.cochair, world.committee, title="M", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value)
    with pytest.raises(ValidationFailed) as error:
        svc.upload_document(world.cochair, meeting, "big.pdf", PDF + b"x" * 100, max_bytes=50)
    assert error.value.code == "file_too_large"
    with pytest.raises(ValidationFailed) as error:
        svc.upload_document(world.cochair, meeting, "notes.pdf", b"just text", max_bytes=10_000)
    assert error.value.code == "file_type"
    document = svc.upload_document(world.cochair, meeting, "agenda.pdf", PDF, max_bytes=10_000)
    assert svc.read_document(document) == PDF and document.storage_key not in document.filename
    documents.configure_storage(str(tmp_path))
    try:
        on_disk = svc.upload_document(world.cochair, meeting, "photo.png", PNG, max_bytes=10_000)
        assert (tmp_path / on_disk.storage_key[:2] / on_disk.storage_key).read_bytes() == PNG
    finally:
        documents.configure_storage(None)
