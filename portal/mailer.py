"""Rendering outbox messages from templates, and delivering the outbox over SMTP."""
from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select

from committees.db import db, utcnow
from committees.models import OutboxMessage, OutboxStatus
from committees.services import mail


def render_mail(template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Render templates/email/<template>.{subject.txt,txt,html} in the recipient's language."""
    context = dict(context, portal_name=current_app.config["PORTAL_NAME"],
                   base_url=current_app.config["PORTAL_BASE_URL"])
    if not has_request_context():  # the CLI or a domain test: url_for needs a request to build paths
        with _mail_request_context():
            return render_mail(template, language, context)
    with force_locale(language or "en"):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    lang = (language or "en").split("_")[0]
    direction = "rtl" if lang in current_app.config["RTL_LANGUAGES"] else "ltr"
    html = f'<div lang="{lang}" dir="{direction}">\n{html}</div>\n'
    return subject, text, html


def _mail_request_context():
    """A request context for rendering outside a request; links are built from PORTAL_BASE_URL."""
    parts = urlsplit(current_app.config["PORTAL_BASE_URL"])
    ctx = current_app.test_request_context("/", base_url=f"{parts.scheme or 'http'}://{parts.netloc or 'localhost'}")
    if ctx.url_adapter is None:  # the base URL's host is not in TRUSTED_HOSTS (as in the tests)
        ctx.url_adapter = current_app.url_map.bind(parts.netloc or "localhost", url_scheme=parts.scheme or "http")
    return ctx


def init_app(app: Flask) -> None:
    mail.set_renderer(render_mail)


def _smtp():
    cfg = current_app.config
    if cfg["MAIL_USE_SSL"]:
        client = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20)
        if cfg["MAIL_USE_TLS"]:
            client.starttls(context=ssl.create_default_context())
    if cfg["MAIL_USERNAME"]:
        client.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    return client


def build_message(row: OutboxMessage) -> EmailMessage:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((cfg["PORTAL_NAME"], cfg["MAIL_DEFAULT_SENDER"]))
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain=cfg["MAIL_DEFAULT_SENDER"].split("@")[-1])
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    if row.attachment:
        maintype, _sep, rest = row.attachment_type.partition("/")
        subtype, _sep, params = rest.partition(";")
        extra = dict(p.strip().split("=", 1) for p in params.split(";") if "=" in p)
        message.add_attachment(row.attachment, subtype=subtype.strip() or "plain", filename=row.attachment_name,
                               params=extra)
    return message


def send_pending(limit: int = 100, connect=None) -> tuple[int, int]:
    """Deliver due outbox messages; failures are retried with back-off, then marked failed.

    Rows are locked with SKIP LOCKED on PostgreSQL so several servers can run this at once.
    Returns (sent, failed) counts.
    """
    cfg = current_app.config
    now = utcnow()
    stmt = (select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(stmt))
    if not rows:
        db.session.commit()
        return 0, 0
    sent = failed = 0
    client = None
    try:
        client = (connect or _smtp)()
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            _failed(row, error, cfg["MAIL_MAX_ATTEMPTS"], now)
        db.session.commit()
        return 0, len(rows)
    try:
        for row in rows:
            try:
                message = build_message(row)
            except (ValueError, TypeError) as error:  # a malformed row never becomes sendable: no retries
                _failed(row, error, 1, now)
                failed += 1
                continue
            try:
                client.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                _failed(row, error, cfg["MAIL_MAX_ATTEMPTS"], now)
                failed += 1
            else:
                row.status = OutboxStatus.SENT
                row.sent_at = utcnow()
                row.attempts += 1
                sent += 1
    finally:
        db.session.commit()
        try:
            client.quit()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass
    return sent, failed


def _failed(row: OutboxMessage, error: Exception, max_attempts: int, now) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    if row.attempts >= max_attempts:
        row.status = OutboxStatus.FAILED
    else:
        row.next_attempt_at = now + timedelta(minutes=2 ** row.attempts)
