"""Jinja globals and filters: the policy's `can`, enum titles, dates in the reader's zone."""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from committees import policy


def can(action: str, obj=None) -> bool:
    return policy.can(current_user._get_current_object(), action, obj)


def title_of(value) -> str:
    """The translated title of a TitledEnum member."""
    return gettext(getattr(value, "title", str(value))) if value is not None else ""


def datetime_filter(value, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def date_filter(value, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def datetime_for(value, person=None, fmt: str = "full") -> str:
    """A time as `person` reads it: their language and time zone (for mail, rendered outside a request)."""
    if not value:
        return ""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime as babel_format

    tz = getattr(person, "timezone", "") or current_app.config["DEFAULT_TIMEZONE"]
    locale = str(get_locale() or "en")
    return babel_format(value, fmt if fmt != "full" else "EEEE d MMMM y, HH:mm (zzzz)", tzinfo=ZoneInfo(tz),
                        locale=locale)


def safe_html(value: str) -> Markup:
    """Mark HTML as safe: only for HTML produced by committees.markdown (sanitised on save)."""
    return Markup(value or "")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=can,
        datetime_for=datetime_for,
        portal_name=lambda: current_app.config["PORTAL_NAME"],
    )
    app.jinja_env.filters.update(title=title_of, datetime=datetime_filter, date=date_filter,
                                 sanitised=safe_html)
    app.jinja_env.add_extension("jinja2.ext.loopcontrols")
