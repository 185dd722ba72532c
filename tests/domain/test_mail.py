"""Delivering the outbox: success, back-off on temporary failures, giving up after MAIL_MAX_ATTEMPTS,
headers without CR/LF, and a real SMTP conversation with a tiny local server (and `flask mail send`)."""
from __future__ import annotations

import smtplib
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from committees.db import db, utcnow
from committees.models import OutboxMessage, OutboxStatus
from committees.services import mail
from portal.mailer import send_pending
from tests import factories as f


class FakeSMTP:
    """An smtplib.SMTP stand-in: records messages, or raises `error` for chosen recipients."""

    def __init__(self, error: Exception | None = None, fail_for: str = ""):
        self.sent = []
        self.error = error
        self.fail_for = fail_for
        self.quit_called = False

    def send_message(self, message):
        if self.error is not None and self.fail_for in message["To"]:
            raise self.error
        self.sent.append(message)

    def quit(self):
        self.quit_called = True


def _queue(to: str = "rita@example.org", subject: str = "Hello", **kw) -> OutboxMessage:
    row = OutboxMessage(to_address=to, subject=subject, body_text="Body text", kind="test", **kw)
    db.session.add(row)
    db.session.commit()
    return row


def _reload(row: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, row.id)


def test_send_pending_success(app):
    first, second = _queue(), _queue("omar@example.org", body_html="<p>Hi</p>")
    smtp = FakeSMTP()
    assert send_pending(connect=lambda: smtp) == (2, 0)
    assert smtp.quit_called
    assert [m["To"] for m in smtp.sent] == ["rita@example.org", "omar@example.org"]
    assert smtp.sent[0]["Subject"] == "Hello"
    assert app.config["MAIL_DEFAULT_SENDER"] in smtp.sent[0]["From"]
    assert smtp.sent[1].get_body(("html",)).get_content().strip() == "<p>Hi</p>"
    for row in (first, second):
        row = _reload(row)
        assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert send_pending(connect=lambda: FakeSMTP()) == (0, 0)  # nothing sent twice


def test_temporary_failure_backs_off(app):
    bad, good = _queue("bounce@example.org"), _queue()
    smtp = FakeSMTP(smtplib.SMTPServerDisconnected("connection lost"), fail_for="bounce")
    before = utcnow()
    assert send_pending(connect=lambda: smtp) == (1, 1)
    bad = _reload(bad)
    assert bad.status == OutboxStatus.PENDING and bad.attempts == 1
    assert "SMTPServerDisconnected" in bad.last_error
    assert before + timedelta(minutes=2) <= bad.next_attempt_at <= utcnow() + timedelta(minutes=2)
    assert _reload(good).status == OutboxStatus.SENT
    # Not due yet: the next run leaves it alone.
    assert send_pending(connect=lambda: FakeSMTP()) == (0, 0)
    assert _reload(bad).attempts == 1


def test_back_off_doubles_then_gives_up_after_max_attempts(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    row = _queue("bounce@example.org")
    failing = FakeSMTP(smtplib.SMTPDataError(451, b"try later"), fail_for="bounce")
    delays = []
    for attempt in (1, 2, 3):
        row = _reload(row)
        row.next_attempt_at = utcnow() - timedelta(seconds=1)  # due now
        db.session.commit()
        started = utcnow()
        assert send_pending(connect=lambda: failing) == (0, 1)
        row = _reload(row)
        assert row.attempts == attempt
        delays.append(row.next_attempt_at - started)
    assert row.status == OutboxStatus.FAILED
    assert timedelta(minutes=2) <= delays[0] < timedelta(minutes=3)
    assert timedelta(minutes=4) <= delays[1] < timedelta(minutes=5)
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert send_pending(connect=lambda: FakeSMTP()) == (0, 0)  # failed rows are never retried


def test_connection_failure_counts_an_attempt_for_every_due_message(app):
    rows = [_queue(), _queue("omar@example.org")]

    def refuse():
        raise ConnectionRefusedError("no server")

    assert send_pending(connect=refuse) == (0, 2)
    for row in rows:
        row = _reload(row)
        assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "ConnectionRefusedError" in row.last_error


def test_malformed_row_fails_at_once_and_does_not_block_others(app):
    poison = _queue("victim@example.org\nBcc: evil@example.org")  # written past queue_mail
    good = _queue()
    smtp = FakeSMTP()
    assert send_pending(connect=lambda: smtp) == (1, 1)
    assert _reload(poison).status == OutboxStatus.FAILED
    assert _reload(good).status == OutboxStatus.SENT
    assert all("evil" not in str(m) for m in smtp.sent)


def test_queue_mail_strips_cr_lf_from_headers(app, monkeypatch):
    monkeypatch.setattr(mail, "_renderer",
                        lambda template, language, context: ("Hi\r\nBcc: evil@example.org", "text", ""))
    row = mail.queue_mail("victim@example.org\r\nBcc: evil@example.org", "test")
    db.session.commit()
    assert "\r" not in row.to_address and "\n" not in row.to_address
    assert "\r" not in row.subject and "\n" not in row.subject
    smtp = FakeSMTP()
    send_pending(connect=lambda: smtp)
    headers = [m.items() for m in smtp.sent] or [[]]
    assert not any(name.lower() == "bcc" for name, _ in headers[0])


def test_person_names_with_cr_lf_do_not_reach_headers(app):
    person = f.make_person("line@example.org", name="Eve\r\nBcc: evil@example.org")
    row = mail.queue_mail(person, "invitation", token="t0k3n", inviter_name="X\nY", expires_days=7)
    db.session.commit()
    assert "\n" not in row.subject and "\r" not in row.subject and "\n" not in row.to_address
    assert "http://portal.test/invitation/t0k3n" in row.body_text  # links use the configured base URL


# -- a real SMTP conversation -----------------------------------------------------------------------

class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT (refuses addresses containing 'reject'), DATA, QUIT."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._say("220 localhost test server")
        in_data, lines = False, []
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(lines))
                    in_data, lines = False, []
                    self._say("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self._say("250 localhost")
            elif verb == b"RCPT":
                self._say("550 no such user" if b"reject" in line.lower() else "250 ok")
            elif verb == b"DATA":
                in_data = True
                self._say("354 end with .")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def smtp_server(app, monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.server_address[1], "MAIL_USE_TLS": False,
                       "MAIL_USE_SSL": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.shutdown()
    server.server_close()


def test_send_pending_over_real_smtp(app, smtp_server):
    good = _queue(subject="Agenda published")
    refused = _queue("reject-me@example.org")
    assert send_pending() == (1, 1)
    assert len(smtp_server.messages) == 1
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert received["Subject"] == "Agenda published" and received["To"] == "rita@example.org"
    assert received.get_content().strip() == "Body text"
    assert _reload(good).status == OutboxStatus.SENT
    refused = _reload(refused)
    assert refused.status == OutboxStatus.PENDING and "SMTPRecipientsRefused" in refused.last_error


def test_cli_mail_send(app, smtp_server):
    _queue(subject="From the command line")
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0." in result.output
    assert b"From the command line" in smtp_server.messages[0]


def test_cli_mail_send_with_no_server(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # discard port: nothing listens
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", False)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    row = _queue()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Sent 0, failed 1." in result.output
    assert _reload(row).attempts == 1

