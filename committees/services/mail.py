"""Queueing mail in the outbox. Rendering is injected by the web layer (templates, translations)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from committees.db import db
from committees.models import OutboxMessage, Person

# renderer(template, language, context) -> (subject, text, html)
Renderer = Callable[[str, str, dict[str, Any]], tuple[str, str, str]]


def _plain_renderer(template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    lines = [f"{k}: {v}" for k, v in sorted(context.items()) if isinstance(v, (str, int))]
    return template, "\n".join(lines), ""


_renderer: Renderer = _plain_renderer


def set_renderer(renderer: Renderer | None) -> None:
    global _renderer
    _renderer = renderer or _plain_renderer


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of a message, rendered by the configured renderer."""
    return _renderer(template, language, context)


def _safe_header(value: str) -> str:
    """CR/LF never reach a mail header."""
    return " ".join((value or "").replace("\r", " ").replace("\n", " ").split())


def queue_mail(recipient: Person | str, template: str, *, language: str | None = None,
               attachment: tuple[str, str, str] | None = None, **context: Any) -> OutboxMessage:
    """Add a message to the outbox in the current transaction: it is sent only if the change commits."""
    if isinstance(recipient, Person):
        address = recipient.email
        language = language or recipient.language or "en"
        context.setdefault("recipient", recipient)
    else:
        address = recipient
        language = language or "en"
    subject, text, html = _renderer(template, language, context)
    message = OutboxMessage(
        to_address=_safe_header(address),
        subject=_safe_header(subject)[:300],
        body_text=text,
        body_html=html,
        kind=template,
    )
    if attachment:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    db.session.add(message)
    return message
