"""Notifications honour each person's settings: immediately, in a daily digest, or not at all."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from committees import audit
from committees.db import db
from committees.models import Person
from committees.models.notifications import DeliveryMode, DigestEntry, NotificationKind, NotificationPreference
from committees.services import mail


def delivery_mode(person: Person, kind: NotificationKind | str) -> DeliveryMode:
    kind = NotificationKind(kind)
    mode = db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.person_id == person.id, NotificationPreference.kind == kind))
    return mode or DeliveryMode.IMMEDIATE


def notify(person: Person, kind: NotificationKind | str, template: str, *, mandatory: bool = False,
           attachment: tuple[str, str, str] | None = None, **context: Any) -> None:
    """Queue a message for `person` according to their setting; `mandatory` ones (invitations,
    cancellations) always go out at once."""
    if not person.active:
        return
    mode = DeliveryMode.IMMEDIATE if mandatory else delivery_mode(person, kind)
    if mode == DeliveryMode.OFF:
        return
    if mode == DeliveryMode.DIGEST:
        message = mail.render(template, person.language or "en", dict(context, recipient=person))
        db.session.add(DigestEntry(person_id=person.id, kind=NotificationKind(kind), subject=message[0][:300],
                                   body_text=message[1]))
        return
    mail.queue_mail(person, template, attachment=attachment, **context)


def set_preference(person: Person, kind: NotificationKind | str, mode: DeliveryMode | str) -> None:
    kind, mode = NotificationKind(kind), DeliveryMode(mode)
    row = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.person_id == person.id, NotificationPreference.kind == kind)).first()
    if row is None:
        db.session.add(NotificationPreference(person_id=person.id, kind=kind, mode=mode))
    elif row.mode == mode:
        return
    else:
        row.mode = mode
    audit.record(person, "notification.preference", person, f"Mail for {kind.value}: {mode.value}",
                 kind=kind.value, mode=mode.value)
