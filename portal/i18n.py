"""Language and time zone: the person's profile, else the session's choice, else the browser."""
from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from portal.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "language", None) in languages:
        return user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "timezone", ""):
        return user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def current_language() -> str:
    return str(get_locale() or "en")


def text_direction() -> str:
    return "rtl" if current_language().split("_")[0] in current_app.config["RTL_LANGUAGES"] else "ltr"


def request_translations():
    """The request's translations, looked up once: Flask-Babel finds them again for every string (~14 us, a
    page has 150 strings). Kept where Flask-Babel keeps its own (`babel_translations`), which `force_locale` and
    `refresh` reset, so a mail written in another language inside a request gets that language's."""
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # outside a request, or before Flask-Babel's first use in it
        return get_translations()
    translations = getattr(ctx, "babel_translations", None)
    if translations is None:
        translations = ctx.babel_translations = get_translations()
    return translations


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(app.root_path + "/translations"))
    app.jinja_env.globals.update(current_language=current_language, text_direction=text_direction)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
