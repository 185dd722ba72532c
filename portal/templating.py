"""Jinja globals and filters: the policy's `can`, enum titles, dates in the reader's zone."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context
from flask_babel import format_date, format_datetime, get_locale, get_timezone, gettext
from flask_login import current_user
from markupsafe import Markup, escape

from committees import policy, safeguarding
from committees.languages import CONTENT_LANGUAGES, direction
from portal.paging import page_url


def can(action: str, obj=None) -> bool:
    return policy.can(current_user._get_current_object(), action, obj)


def title_of(value) -> str:
    """The translated title of a TitledEnum member."""
    return gettext(getattr(value, "title", str(value))) if value is not None else ""


# Formatted dates and times, by (value, format, locale, zone): Babel takes ~25 us a date, and a list page shows
# dozens (often the same ones). The result depends on nothing else; the memo is emptied when it fills.
_FORMATTED: dict[tuple, str] = {}
_MAX_FORMATTED = 20_000


def _formatted(formatter, value, fmt: str) -> str:
    if not value:
        return ""
    key = (formatter, value, fmt, str(get_locale()), str(get_timezone()))
    text = _FORMATTED.get(key)
    if text is None:
        text = formatter(value, fmt)
        if len(_FORMATTED) >= _MAX_FORMATTED:
            _FORMATTED.clear()
        _FORMATTED[key] = text
    return text


def datetime_filter(value, fmt: str = "medium") -> str:
    return _formatted(format_datetime, value, fmt)


def date_filter(value, fmt: str = "medium") -> str:
    return _formatted(format_date, value, fmt)


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


def _public_reader() -> bool:
    return has_request_context() and not current_user.is_authenticated


def _for_reader(html: str) -> Markup:
    """Safe HTML as the reader sees it: the public with anything that looks like a beneficiary's personal data
    masked (committees.safeguarding; masking changes text, not tags)."""
    if html and _public_reader():
        html = safeguarding.mask(html)
    return Markup(html)  # nosec B704


def safe_html(value: str) -> Markup:
    """Mark HTML as safe: only for HTML produced by committees.markdown (sanitised on save)."""
    # Only HTML that nh3 sanitised on save reaches here (committees.markdown).
    return _for_reader(value or "")


def public_html(value: Markup) -> Markup:
    """HTML the portal built (a search snippet), masked like safe_html for the public."""
    return _for_reader(str(value or ""))


def public_text(value: str | None) -> Markup:
    """Plain user text (escaped), masked like safe_html for the public."""
    return _for_reader(str(escape(value or "")))


def content_lang(code: str | None) -> Markup:
    """` lang="el" dir="ltr"` for user content written in a known language (committees.languages), else nothing:
    screen readers then pronounce it right even when the interface is in another language."""
    if not code or code not in CONTENT_LANGUAGES:
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(code, direction(code))


def section_title(section) -> str:
    """A minutes section's title: the agenda item's as written; "Any other business" (stored in English) in the
    reader's language."""
    if getattr(section, "agenda_item_id", None) is None:
        return gettext(section.title)
    return section.title


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=can,
        content_lang=content_lang,
        content_languages=CONTENT_LANGUAGES,
        page_url=page_url,
        datetime_for=datetime_for,
        portal_name=lambda: current_app.config["PORTAL_NAME"],
    )
    app.jinja_env.filters.update(title=title_of, datetime=datetime_filter, date=date_filter,
                                 sanitised=safe_html, public_text=public_text, public_html=public_html,
                                 section_title=section_title)
    app.jinja_env.add_extension("jinja2.ext.loopcontrols")
