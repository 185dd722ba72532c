"""`flask --app wsgi backup PATH` and `restore PATH`: clear messages, never a traceback."""
from __future__ import annotations

import zipfile

from sqlalchemy import select

from committees.db import db
from committees.models import Person
from tests import factories as f
from tests.domain.test_backup import add_edge_rows, assert_same, snapshot, wipe


def test_backup_then_restore_on_the_command_line(app, tmp_path):
    add_edge_rows(db.engine)
    f.make_person("cli@example.org", name="Clio Line")
    before = snapshot(db.engine)
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", str(tmp_path / "portal.zip")])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and "portal.zip" in made.output
    refused = runner.invoke(args=["restore", str(tmp_path / "portal.zip")])
    assert refused.exit_code == 1 and "The database is not empty" in refused.output
    assert "Traceback" not in refused.output
    db.session.remove()
    wipe(db.engine)
    restored = runner.invoke(args=["restore", str(tmp_path / "portal.zip")])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {sum(len(r) for r in before.values())} rows" in restored.output
    assert_same(before, snapshot(db.engine))
    assert db.session.scalar(select(Person.full_name).where(Person.email == "cli@example.org")) == "Clio Line"


def test_restore_force_replaces_the_rows(app, tmp_path):
    f.make_person("kept@example.org")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b.zip")]).exit_code == 0
    f.make_person("later@example.org")
    result = runner.invoke(args=["restore", "--force", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output
    assert "previous rows deleted" in result.output
    db.session.remove()
    assert list(db.session.scalars(select(Person.email))) == ["kept@example.org"]


def test_backup_refuses_an_existing_file_unless_told(app, tmp_path):
    f.make_person("x@example.org")
    (tmp_path / "b.zip").write_bytes(b"old")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "b.zip")])
    assert result.exit_code == 1 and "exists already" in result.output
    assert (tmp_path / "b.zip").read_bytes() == b"old"
    assert runner.invoke(args=["backup", "--overwrite", str(tmp_path / "b.zip")]).exit_code == 0
    assert zipfile.is_zipfile(tmp_path / "b.zip")


def test_damaged_or_missing_files_give_a_message(app, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["restore", str(tmp_path / "nope.zip")])
    assert missing.exit_code == 1 and "no such backup file" in missing.output
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really")
    junk = runner.invoke(args=["restore", str(tmp_path / "junk.zip")])
    assert junk.exit_code == 1 and "not a readable backup" in junk.output
    for result in (missing, junk):
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
