"""CLI commands: `flask --app wsgi users create`, `demo-data`, `mail send`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from committees.db import db
from committees.errors import DomainError
from committees.models import GlobalRole

users_cli = AppGroup("users", help="Manage accounts.")
mail_cli = AppGroup("mail", help="Deliver the outbox.")
reminders_cli = AppGroup("reminders", help="Reminders for coming meetings (run hourly from cron).")
retention_cli = AppGroup("retention", help="Purge attachments of closed items (the setting on /admin/retention).")


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
    from committees.jobs import try_job_lock
    from committees.services.calendars import send_digests

    if not try_job_lock("mail digest"):
        click.echo("Another server is sending the digests now: nothing to do here.")
        return
    count = send_digests()
    db.session.commit()
    click.echo(f"Queued {count} digests.")


@reminders_cli.command("send")
@click.option("--hours-before", type=int, default=None, help="Remind this many hours before (default: config).")
def send_reminders(hours_before: int | None) -> None:
    """Queue reminders for meetings starting soon; idempotent, meant for an hourly cron job."""
    from datetime import date

    from committees.jobs import try_job_lock
    from committees.services.actions import send_action_reminders
    from committees.services.calendars import send_reminders as run
    from committees.services.proposals import send_proposal_reminders

    hours = hours_before or current_app.config["REMINDER_HOURS_BEFORE"]
    count = run(hours_before=hours)  # rows locked with SKIP LOCKED: safe alongside another server's run
    db.session.commit()
    click.echo(f"Queued {count} reminders.")
    if not try_job_lock("reminders send"):
        click.echo("Another server is sending the action item and proposal reminders now: left to it.")
        return
    actions = send_action_reminders(date.today())
    click.echo(f"Queued {actions} action item reminders.")
    overdue = send_proposal_reminders(date.today())
    db.session.commit()
    click.echo(f"Queued {overdue} reminders of the City's overdue responses to proposals.")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what is due.")
def purge_retention(dry_run: bool) -> None:
    """Purge the attachments the retention setting makes due; meant for a daily or weekly cron job."""
    from committees.services import retention

    years = retention.retention_years()
    if years is None:
        click.echo("No retention is set (/admin/retention): every attachment is kept.")
        return
    if dry_run:
        due = retention.due_documents()
        for document in due:
            click.echo(f"{document.id}\t{document.size}\t{document.filename}")
        click.echo(f"{len(due)} attachments of items closed more than {years} years ago are due.")
        return
    result = retention.purge_due(None)
    db.session.commit()
    retention.remove_files(result.files)
    click.echo(f"Purged {result.count} attachments ({result.bytes} bytes) of items closed more than {years} years "
               "ago.")


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


# -- backup and restore (the format: committees/backup.py) ---------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH when it exists.")
def backup_command(path: Path, overwrite: bool) -> None:
    """Write the database and the uploaded documents to PATH (a .zip; a folder gets a dated file)."""
    from committees.backup import BackupError, create_backup

    try:
        summary = create_backup(db.engine, path, metadata=db.metadata, overwrite=overwrite,
                                documents_dir=current_app.config.get("DOCUMENTS_DIR"))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {summary.total_rows} rows from {len(summary.rows)} tables and {summary.documents} "
               f"document files to {summary.path} (migration revision {summary.revision or 'none'}).")
    if summary.missing_documents:
        click.echo(f"Warning: {len(summary.missing_documents)} documents have no file: "
                   + ", ".join(summary.missing_documents[:5]), err=True)


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Restore even at another migration revision, or into a database "
                                            "with rows (they are deleted first, in the same transaction).")
def restore_command(path: Path, force: bool) -> None:
    """Load a backup from PATH into an empty database at the same migration revision (all or nothing)."""
    from committees.backup import BackupError, restore_backup

    db.session.remove()
    try:
        summary = restore_backup(db.engine, path, metadata=db.metadata, force=force,
                                 documents_dir=current_app.config.get("DOCUMENTS_DIR"))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    replaced = " (its previous rows deleted)" if summary.replaced else ""
    click.echo(f"Restored {summary.total_rows} rows into {len(summary.rows)} tables and {summary.documents} "
               f"document files{replaced}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
