"""CSV import of organisations and people, with a dry run.

Upload → dry run (nothing written; every row shown with its errors) → confirm. The confirm form
carries the checked file back (compressed, base64) and the file is parsed and validated again
before anything is written, in one transaction.
"""
from __future__ import annotations

import base64
import binascii
import zlib
from datetime import timedelta

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext, ngettext

from committees.db import db
from committees.errors import DomainError
from committees.services import imports
from committees.services.imports import ImportKind, ImportPlan, RowError
from portal.admin import bp
from portal.admin.forms import ConfirmImportForm, ImportForm
from portal.loaders import ensure, user


def _max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", imports.MAX_BYTES))


def _message(error: DomainError | RowError) -> str:
    return gettext(error.message, **(getattr(error, "params", None) or {}))


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(payload: str) -> bytes:
    """The file back from the confirm form; at most the size limit plus one byte (a bomb stops there)."""
    try:
        packed = base64.b64decode(payload.encode("ascii"), validate=True)
        return zlib.decompressobj().decompress(packed, _max_bytes() + 1)
    except (ValueError, binascii.Error, zlib.error):
        abort(400)


def _prepare(kind: ImportKind, data: bytes) -> ImportPlan:
    return imports.prepare_import(user(), kind, data, languages=current_app.config["LANGUAGES"],
                                  max_bytes=_max_bytes())


def _file_error(form: ImportForm, error: DomainError):
    db.session.rollback()
    form.file.errors = list(form.file.errors) + [_message(error)]
    status = 413 if error.code == "file_too_large" else 400
    return render_template("admin/import.html", form=form), status


def _preview(plan: ImportPlan, data: bytes, status: int = 200):
    confirm = ConfirmImportForm(kind=plan.kind.value, payload=_pack(data)) if plan.valid else None
    errors = [(e, _message(e)) for e in plan.errors]
    row_errors = {row.number: [_message(e) for e in row.errors] for row in plan.rows}
    return render_template("admin/import_preview.html", plan=plan, confirm=confirm, errors=errors,
                           row_errors=row_errors), status


@bp.route("/import")
def show_import():
    ensure("import.run")
    return render_template("admin/import.html", form=ImportForm())


@bp.route("/import", methods=["POST"])
def preview_import():
    ensure("import.run")
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form), 400
    data = form.file.data.read(_max_bytes() + 1)
    try:
        plan = _prepare(ImportKind(form.kind.data), data)
    except DomainError as error:
        return _file_error(form, error)
    db.session.rollback()  # the dry run writes nothing
    return _preview(plan, data, 200 if plan.valid else 400)


@bp.route("/import/confirm", methods=["POST"])
def confirm_import():
    ensure("import.run")
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.kind.data not in {k.value for k in ImportKind}:
        abort(400)
    data = _unpack(form.payload.data)
    try:
        plan = _prepare(ImportKind(form.kind.data), data)
        if not plan.valid:  # something changed since the dry run: show it again
            db.session.rollback()
            return _preview(plan, data, 409)
        days = current_app.config.get("INVITATION_DAYS", 7)
        result = imports.apply_plan(user(), plan, invitation_lifetime=timedelta(days=days))
        db.session.commit()
    except DomainError as error:
        upload = ImportForm(formdata=None, kind=form.kind.data)
        return _file_error(upload, error)[0], 409
    count = len(result.created)
    if result.kind == ImportKind.ORGANISATIONS:
        flash(ngettext("Imported %(num)d organisation.", "Imported %(num)d organisations.", count), "success")
    else:
        flash(ngettext("Imported %(num)d person.", "Imported %(num)d people.", count) + " "
              + ngettext("%(num)d invitation queued.", "%(num)d invitations queued.", result.invited), "success")
    return redirect(url_for("admin.show_import"))


@bp.route("/import/template/<any(organisations, people):kind>.csv")
def import_template(kind: str):
    ensure("import.run")
    response = make_response("\ufeff" + imports.template_csv(ImportKind(kind)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response
