"""`flask --app wsgi tokens create|list|revoke`: personal access tokens from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import ApiToken, TokenScope
from committees.services import people, tokens

tokens_cli = AppGroup("tokens", help="Personal access tokens for the API.")


def _person(email: str):
    person = people.get_person_by_email(email)
    if person is None:
        raise click.ClickException(f"No account with the address {email}.")
    return person


@tokens_cli.command("create")
@click.argument("email")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), default="read", show_default=True)
@click.option("--expires-days", type=click.IntRange(1, tokens.MAX_DAYS), default=tokens.DEFAULT_DAYS,
              show_default=True)
@click.option("--name", default="Command line", show_default=True, help="To recognise the token later.")
def create(email: str, scope: str, expires_days: int, name: str) -> None:
    """Create a token for EMAIL and print it (once: it is stored hashed)."""
    person = _person(email)
    try:
        token, raw = tokens.create_token(None, person, name=name, scope=scope, expires_days=expires_days)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Token {token.id} for {person.email} ({token.scope.value}, expires "
               f"{token.expires_at:%Y-%m-%d}). Copy it now, it is not shown again:", err=True)
    click.echo(raw)


@tokens_cli.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List EMAIL's tokens (never their secrets)."""
    for token in tokens.list_tokens(_person(email)):
        state = "revoked" if token.revoked_at else ("" if token.is_valid(utcnow()) else "expired")
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.hint}…\t{token.scope.value}\t{token.name}\texpires "
                   f"{token.expires_at:%Y-%m-%d}\tlast used {used}\t{state}".rstrip())


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke the token with this id."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token {token_id}.")
    changed = tokens.revoke_token(None, token)
    db.session.commit()
    click.echo(f"Revoked token {token_id}." if changed else f"Token {token_id} was already revoked.")
