"""CLI commands: `flask --app wsgi users create`, `demo-data`, `mail send`."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from committees.db import db
from committees.errors import DomainError
from committees.models import GlobalRole

users_cli = AppGroup("users", help="Manage accounts.")
mail_cli = AppGroup("mail", help="Deliver the outbox.")
reminders_cli = AppGroup("reminders", help="Reminders for coming meetings (run hourly from cron).")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in GlobalRole]), default="none", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, full_name: str, role: str, password_stdin: bool) -> None:
    """Create an account (the first coordinator of a fresh installation, say)."""
    from committees.services import people

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        person = people.create_person(None, email=email, full_name=full_name, global_role=GlobalRole(role),
                                      password=password)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Created {person.email} ({person.global_role.value}).")
    if password is None:
        click.echo("No password set: invite the person from the People page, or use --password-stdin.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def send_mail(limit: int) -> None:
    """Deliver pending outbox messages over SMTP (retries with back-off)."""
    from portal.mailer import send_pending

    sent, failed = send_pending(limit)
    click.echo(f"Sent {sent}, failed {failed}.")


@mail_cli.command("digest")
def send_digest() -> None:
    """Queue one daily summary per person who chose digests (run daily from cron)."""
    from committees.services.calendars import send_digests

    count = send_digests()
    db.session.commit()
    click.echo(f"Queued {count} digests.")


@reminders_cli.command("send")
@click.option("--hours-before", type=int, default=None, help="Remind this many hours before (default: config).")
def send_reminders(hours_before: int | None) -> None:
    """Queue reminders for meetings starting soon; idempotent, meant for an hourly cron job."""
    from committees.services.calendars import send_reminders as run

    hours = hours_before or current_app.config["REMINDER_HOURS_BEFORE"]
    count = run(hours_before=hours)
    db.session.commit()
    click.echo(f"Queued {count} reminders.")
    from datetime import date

    from committees.services.actions import send_action_reminders

    actions = send_action_reminders(date.today())
    db.session.commit()
    click.echo(f"Queued {actions} action item reminders.")


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Allow in Production.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has committees already.")
def demo_data(force: bool, if_empty: bool) -> None:
    """Load the demo: six ACCMR committees, 95+ organisations, 300+ people (idempotent)."""
    from committees.demo import load_demo

    if current_app.config.get("ENV_NAME") == "production" and not force:
        raise click.ClickException("Refusing to load demo data in Production without --force.")
    password = current_app.config["DEMO_PASSWORD"]
    summary = load_demo(password=password, if_empty=if_empty)
    db.session.commit()
    click.echo(summary.describe())
    click.echo("")
    click.echo(f"Committee Portal: {current_app.config['PORTAL_BASE_URL']}/")
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email in summary.logins:
        click.echo(f"  {role:<16} {email}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(demo_data)
