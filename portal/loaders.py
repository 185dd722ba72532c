"""Fetch-and-authorise helpers: load an object (scoped to its parent) or 404, then ask the policy."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from committees import policy
from committees.db import db
from committees.models import Committee
from portal.audit_hooks import note_refusal

T = TypeVar("T")


def user():
    """The current user object (a Person, or the anonymous user) for the policy."""
    return current_user._get_current_object()


def ensure(action: str, obj: Any = None) -> None:
    """403 for a signed-in person, a redirect to sign-in for the public (via Flask-Login)."""
    if not policy.can(user(), action, obj):
        if not current_user.is_authenticated:
            from portal.extensions import login_manager

            abort(login_manager.unauthorized())
        note_refusal(action, obj)
        abort(403)


def load_or_404(model: type[T], object_id: int, *, parent: Any = None, parent_attr: str | None = None,
                options=()) -> T:
    """Load `model` by id (with loader `options`); with `parent`, the object must belong to it (else 404)."""
    obj = db.session.get(model, object_id, options=options)
    if obj is None:
        abort(404)
    if parent is not None:
        attr = parent_attr or f"{parent.__tablename__}_id"
        if getattr(obj, attr) != parent.id:
            abort(404)
    return obj


def committee_or_404(slug: str, action: str = "committee.view") -> Committee:
    committee = db.session.scalars(select(Committee).where(Committee.slug == slug)).first()
    if committee is None:
        abort(404)
    if not policy.can(user(), action, committee) and not policy.can(user(), "committee.view", committee):
        abort(404)  # do not reveal committees one may not see
    ensure(action, committee)
    return committee


def request_memo(name: str) -> dict:
    """A dict that lives for this request (on flask.g): rows a view loaded for a template helper to reuse."""
    memo = g.get(name)
    if memo is None:
        memo = {}
        setattr(g, name, memo)
    return memo
