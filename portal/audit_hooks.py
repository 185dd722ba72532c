"""Audit entries the views need not write themselves (security.md 30):
- every download of data as a file (a CSV or JSON attachment) by a signed-in person, unless the view records a
  more specific entry itself (SELF_AUDITED);
- every refusal (403) of a signed-in person, on the web and in the API, with the rule and the object asked for
  (the policy checks, portal.loaders.ensure and portal.api.auth.ensure, name them with `note_refusal`; any other
  403 is recorded with its endpoint).
Each is committed on its own: the request's own work is done (downloads) or abandoned (refusals)."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from committees import audit
from committees.db import db

log = logging.getLogger("portal.audit")

SELF_AUDITED = {"bodies.export_roster", "people.export_my_data", "people.export_person_data"}
DATA_TYPES = {"text/csv", "application/json"}


def _person():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _commit_alone(write) -> None:
    try:
        write()
        db.session.commit()
    except SQLAlchemyError:  # the answer must not fail because its audit entry could not be written
        db.session.rollback()
        log.exception("could not write an audit entry")


def _audit_download(response):
    person = _person()
    if (person is None or response.status_code != 200 or request.endpoint in SELF_AUDITED
            or response.mimetype not in DATA_TYPES
            or "attachment" not in response.headers.get("Content-Disposition", "")):
        return response
    query = request.query_string.decode("utf-8", "replace")[:500]
    _commit_alone(lambda: audit.record(person, "export.download", None, f"Downloaded {request.path}",
                                       endpoint=request.endpoint, query=query or None))
    return response


def note_refusal(rule: str, obj: Any = None) -> None:
    """The policy refused `rule` on `obj`: the 403 about to be answered is recorded with them."""
    g.refusal = (rule, obj)


def _audit_refusal(response):
    if response.status_code == 403:
        rule, obj = g.get("refusal") or (request.endpoint or request.path, None)
        record_refusal(rule, obj)
    return response


def record_refusal(rule: str, obj: Any = None) -> None:
    """A signed-in person was refused `rule` on `obj`: who, when, from where, what and which object."""
    person = _person()
    if person is None:
        return
    db.session.rollback()
    target = obj if getattr(obj, "__tablename__", None) and getattr(obj, "id", None) is not None else None
    _commit_alone(lambda: audit.record(person, "access.refused", target, f"Refused: {rule} ({request.path})",
                                       rule=rule, method=request.method))


def init_app(app: Flask) -> None:
    app.after_request(_audit_download)
    app.after_request(_audit_refusal)
