"""Languages: complete catalogues, the order of language choice, <html lang/dir>, RTL, localised dates.

The catalogue tests extract the marked strings afresh from the code (as scripts/update_translations.sh
does), so a string added without a Greek translation fails here by name.
"""
from __future__ import annotations

import os
import re
import tempfile
from datetime import date, datetime, timezone
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import format_decimal, refresh
from flask_login import login_user

from committees.db import db
from tests import factories as f
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
IGNORED_DIRS = (".*", "__pycache__", "node_modules")  # as --ignore-dirs in scripts/update_translations.sh
PLACEHOLDER_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
RTL_CSS = "vendor/bootstrap.rtl.min.css"
LTR_CSS = "bootstrap.min.css"
# Where Arabic must be complete: navigation and layout, signing in and passwords, error pages, the
# language switcher, form macros and the validation messages of forms and services.
ARABIC_REQUIRED = ("templates/layout.html", "templates/_partials/*", "templates/_macros/*", "templates/auth/*",
                   "templates/errors/*", "portal/auth/*", "portal/errors.py", "portal/forms.py",
                   "committees/passwords.py", "committees/services/*")


def _compile_catalogues() -> None:
    """Compile stale .mo files before any test renders a page (pytest imports every module first).

    `make test` compiles them too; this keeps a plain `pytest` run honest. Written atomically, since
    several test runs may share the checkout.
    """
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        handle, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)


_compile_catalogues()


# -- catalogues -------------------------------------------------------------------------------------

def extract_messages() -> dict[str, tuple[tuple[str, ...], set[str]]]:
    """{msgid: (msgid and plural, files)} for every marked string in the code, per babel.cfg."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)

    def keep_dir(path: str) -> bool:
        return not any(fnmatch(os.path.basename(path), pattern) for pattern in IGNORED_DIRS)

    found: dict[str, tuple[tuple[str, ...], set[str]]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=keep_dir):
        ids = message if isinstance(message, tuple) else (message,)
        entry = found.setdefault(ids[0], (ids, set()))
        entry[1].add(filename.replace(os.sep, "/"))
    return found


def load_catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


def placeholders(text: str) -> list[str]:
    return sorted(f"%({name})" + kind if name else "%" + kind
                  for name, kind in PLACEHOLDER_RE.findall(text) if kind != "%")


def is_translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(s and s.strip() for s in strings)


def placeholder_problems(message) -> list[str]:
    """Placeholders a translation adds (a KeyError at run time) or drops (lost information)."""
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    expected = set().union(*(placeholders(i) for i in ids))
    problems = []
    for form in (s for s in strings if s):
        found = placeholders(form)
        if len(ids) == 1 and sorted(found) != sorted(placeholders(ids[0])):
            problems.append(f"{ids[0]!r} -> {form!r}")
        elif not set(found) <= expected:
            problems.append(f"{ids[0]!r} -> {form!r} (unknown {sorted(set(found) - expected)})")
    return problems


@pytest.fixture(scope="module")
def extracted():
    messages = extract_messages()
    assert "Committees" in messages and "Language" in messages, "extraction found too little; check babel.cfg"
    return messages


def test_extraction_reads_only_the_application(extracted):
    files = set().union(*(entry[1] for entry in extracted.values()))
    assert files, "no messages extracted"
    outside = sorted(p for p in files if not p.startswith(("committees/", "portal/", "templates/")))
    assert not outside, f"extraction reads files outside the application: {outside}"
    assert any(p.startswith("templates/_partials/") for p in files), "templates/_partials is skipped"


def test_greek_catalogue_translates_every_message(extracted):
    catalogue = load_catalogue("el")
    missing = sorted(msgid for msgid, (ids, _files) in extracted.items()
                     if not is_translated(catalogue.get(ids[0])))
    assert not missing, (
        f"{len(missing)} message(s) have no Greek translation; run scripts/update_translations.sh and "
        "translate them in portal/translations/el/LC_MESSAGES/messages.po:\n  " + "\n  ".join(missing))


def test_arabic_catalogue_covers_navigation_sign_in_errors_and_forms(extracted):
    catalogue = load_catalogue("ar")
    required = {msgid for msgid, (_ids, files) in extracted.items()
                if any(fnmatch(path, pattern) for path in files for pattern in ARABIC_REQUIRED)}
    assert {"Committees", "Sign in", "Sign out", "Language", "Password"} <= required
    missing = sorted(m for m in required if not is_translated(catalogue.get(m)))
    assert not missing, "Arabic translations missing for:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("language", ["el", "ar"])
def test_translations_keep_the_placeholders(language):
    catalogue = load_catalogue(language)
    problems = [p for message in catalogue if message.id and is_translated(message)
                for p in placeholder_problems(message)]
    assert not problems, f"{language}: placeholders differ from the msgid:\n  " + "\n  ".join(problems)


def test_plural_forms_match_the_language():
    assert load_catalogue("el").num_plurals == 2
    assert load_catalogue("ar").num_plurals == 6


def test_placeholder_check_catches_a_renamed_placeholder():
    from babel.messages.catalog import Message

    assert placeholder_problems(Message("Hello %(name)s,", "Γεια σας %(nom)s,"))
    assert placeholder_problems(Message(("%(num)d item", "%(num)d items"), ("%(n)d", "%(num)d")))
    assert not placeholder_problems(Message("Hello %(name)s,", "Αγαπητέ/ή %(name)s,"))


# -- which language -------------------------------------------------------------------------------

def html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, "no <html> element"
    return match.group(0)


def language_of(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:300]
    return match.group(1)


def choose_language(client, lang: str):
    return client.post_form("/language", {"lang": lang, "next": "/committees"})


def test_browser_language_is_used_when_nothing_else_is_chosen(client):
    assert language_of(client.get("/")) == "en"
    assert language_of(client.get("/", headers={"Accept-Language": "el-GR,el;q=0.9,en;q=0.5"})) == "el"
    assert language_of(client.get("/", headers={"Accept-Language": "ar"})) == "ar"
    assert language_of(client.get("/", headers={"Accept-Language": "fr, de"})) == "en"


def test_session_choice_beats_the_browser(client):
    response = choose_language(client, "ar")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/committees")
    assert language_of(client.get("/", headers={"Accept-Language": "el"})) == "ar"


def test_language_choice_needs_a_csrf_token(client):
    response = client.post("/language", data={"lang": "el"})
    assert response.status_code == 400
    assert language_of(client.get("/")) == "en"


def test_unknown_language_is_ignored_and_next_stays_on_site(client):
    response = client.post_form("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
    assert language_of(client.get("/")) == "en"


def test_profile_language_beats_session_and_browser(app, world):
    world.representative.language = "el"
    db.session.commit()
    client = login(app.test_client(), world.representative)
    with client.session_transaction() as sess:
        sess["lang"] = "ar"
    assert language_of(client.get("/", headers={"Accept-Language": "ar"})) == "el"


def test_choosing_a_language_when_signed_in_saves_it_in_the_profile(app, world):
    client = login(app.test_client(), world.representative)
    choose_language(client, "el")
    db.session.expire_all()
    assert db.session.get(type(world.representative), world.representative.id).language == "el"
    fresh = login(app.test_client(), world.representative)  # a new browser, no session choice
    assert language_of(fresh.get("/", headers={"Accept-Language": "ar"})) == "el"


# -- what a page says -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("el", "ltr"), ("ar", "rtl")])
def test_html_lang_dir_and_stylesheet(client, lang, direction):
    page = client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert html_tag(page) == f'<html lang="{lang}" dir="{direction}">'
    if direction == "rtl":
        assert RTL_CSS in page and LTR_CSS + '"' not in page
    else:
        assert LTR_CSS in page and RTL_CSS not in page


def _arabic_clients(app, world):
    world.admin.language = "ar"
    db.session.commit()
    public = app.test_client()
    with public.session_transaction() as sess:
        sess["lang"] = "ar"
    return {"admin": login(app.test_client(), world.admin), "public": public}


def test_every_page_is_arabic_and_right_to_left(app, world):
    """Every GET route the route matrix knows, for the public and an administrator, in Arabic."""
    from tests.web.routes import collect

    clients = _arabic_clients(app, world)
    checked, wrong = 0, []
    for expectation in collect():
        if expectation.method != "GET":
            continue
        url = expectation.url(world)
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code in (301, 302, 303, 307, 308) or response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            checked += 1
            tag = re.search(r"<html[^>]*>", page)
            if not tag or tag.group(0) != '<html lang="ar" dir="rtl">' or RTL_CSS not in page:
                wrong.append(f"{role} GET {url} -> {response.status_code} {tag.group(0) if tag else 'no <html>'}")
    assert checked >= 10, f"only {checked} pages checked"
    assert not wrong, "pages not in Arabic/RTL:\n  " + "\n  ".join(wrong)


def test_error_pages_follow_the_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "el"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert html_tag(page) == '<html lang="el" dir="ltr">'
    assert "Η σελίδα δεν βρέθηκε." in page and "Σφάλμα 404" in page
    arabic = client.get("/no-such-page", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "لم نتمكن من العثور على هذه الصفحة." in arabic


def test_switcher_offers_the_three_languages(client):
    page = client.get("/", headers={"Accept-Language": "el"}).get_data(as_text=True)
    switcher = page[page.index('class="language-switcher'):]
    switcher = switcher[:switcher.index("</form>")]
    buttons = re.findall(r'<button type="submit" name="lang" value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</button>',
                         switcher)
    assert [(value, label) for value, _lang, label in buttons] == [
        ("en", "English"), ("el", "Ελληνικά"), ("ar", "العربية")]
    assert all(value == lang for value, lang, _label in buttons)
    assert 'aria-current="true">Ελληνικά' in re.sub(r"\s+", " ", switcher).replace('" >', '">')
    assert re.search(r'aria-labelledby="language-switcher-label"', switcher)
    assert re.search(r'<span id="language-switcher-label"[^>]*>Γλώσσα</span>', switcher)
    assert 'name="csrf_token"' in switcher


def test_greek_page_shows_greek(client, world):
    page = client.get("/", headers={"Accept-Language": "el"}).get_data(as_text=True)
    assert "Επιτροπές" in page
    assert "Σύνδεση" in page
    assert "Committees<" not in page


def test_arabic_navigation(client):
    page = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    for text in ("اللجان", "تسجيل الدخول", "كلمة المرور", "هل نسيت كلمة المرور؟", "اللغة"):
        assert text in page


@pytest.mark.parametrize("lang, required, summary", [
    ("el", "Αυτό το πεδίο είναι υποχρεωτικό", "Διορθώστε τα παρακάτω σφάλματα."),
    ("ar", "هذا الحقل مطلوب.", "يُرجى تصحيح الأخطاء أدناه."),
], ids=["el", "ar"])
def test_form_validation_messages_are_translated(client, lang, required, summary):
    response = client.post_form("/login", {"email": "", "password": ""}, headers={"Accept-Language": lang})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert required in page  # WTForms' own catalogue, through Flask-WTF's WTF_I18N_ENABLED
    assert summary in page
    assert "This field is required" not in page


def test_form_labels_and_custom_validators_are_translated(app):
    from portal.auth.forms import SetPasswordForm

    with app.app_context(), app.test_request_context("/", method="POST", headers={"Accept-Language": "el"},
                                                     data={"password": "a" * 12, "confirm": "b" * 12}):
        form = SetPasswordForm(meta={"csrf": False})
        assert not form.validate()
        assert form.confirm.errors == ["Οι δύο κωδικοί πρόσβασης δεν ταιριάζουν."]
        assert str(form.password.label.text) == "Νέος κωδικός πρόσβασης"


# -- dates and numbers ------------------------------------------------------------------------------

MOMENT = datetime(2026, 1, 15, 10, 30, tzinfo=timezone.utc)  # 12:30 in Athens (UTC+2 in winter)


def render_in(app, lang: str, source: str, user=None, **context) -> str:
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": lang}):
        if user is not None:
            login_user(user)
        refresh()
        return render_template_string(source, **context)


def test_datetime_filter_uses_the_language_and_athens_time(app):
    assert render_in(app, "en", "{{ m|datetime }}", m=MOMENT) == "Jan 15, 2026, 12:30:00\u202fPM"
    greek = render_in(app, "el", "{{ m|datetime }}", m=MOMENT)
    assert "Ιαν" in greek and "12:30" in greek and "2026" in greek
    arabic = render_in(app, "ar", "{{ m|datetime('short') }}", m=MOMENT)
    assert "١٢:٣٠" in arabic or "12:30" in arabic
    assert render_in(app, "el", "{{ d|date('long') }}", d=date(2026, 3, 1)) == "1 Μαρτίου 2026"
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)  # 12:00 in Athens (UTC+3 in summer)
    assert "12:00" in render_in(app, "el", "{{ m|datetime('short') }}", m=summer)


def test_naive_datetimes_are_read_as_utc(app):
    assert "12:30" in render_in(app, "el", "{{ m|datetime('short') }}", m=MOMENT.replace(tzinfo=None))


def test_a_person_time_zone_wins(app, world):
    world.representative.timezone = "Europe/London"
    db.session.commit()
    text = render_in(app, "en", "{{ m|datetime('short') }}", user=world.representative, m=MOMENT)
    assert "10:30" in text


def test_numbers_follow_the_language(app):
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "el"}):
        assert format_decimal(1234567.5) == "1.234.567,5"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert format_decimal(1234567.5) == "1,234,567.5"


def test_plural_messages_are_translated(app):
    source = "{{ ngettext('%(num)d member organisation', '%(num)d member organisations', n) }}"
    assert render_in(app, "el", source, n=1) == "1 φορέας-μέλος"
    assert render_in(app, "el", source, n=3) == "3 φορείς-μέλη"


def test_emails_are_written_in_the_recipients_language(app):
    from portal.mailer import render_mail

    with app.app_context(), app.test_request_context("/"):
        subject, text, _html = render_mail("password_reset", "el", {
            "recipient": f.make_person(name="Ελένη Παππά"), "token": "x", "expires_hours": 2})
    assert subject == "Επιλέξτε νέο κωδικό πρόσβασης για την πύλη ACCMR Portal"
    assert "μέσα σε 2 ώρες" in text


def test_templates_follow_force_locale_and_refresh_within_a_request(app):
    """Templates look the request's translations up once (portal.i18n.request_translations); a mail written in
    the recipient's language inside a request (force_locale) still gets that language, and the page's afterwards."""
    from flask_babel import force_locale

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Agenda') }}") == "Agenda"
        with force_locale("el"):
            assert render_template_string("{{ _('Agenda') }}") == "Ημερήσια διάταξη"
            with force_locale("ar"):
                assert render_template_string("{{ _('Agenda') }}") != "Agenda"
            assert render_template_string("{{ ngettext('%(num)d proposal', '%(num)d proposals', 2) }}").endswith(
                "προτάσεις")
        assert render_template_string("{{ _('Agenda') }}") == "Agenda"
        from flask import session
        session["lang"] = "el"
        refresh()
        assert render_template_string("{{ _('Agenda') }}") == "Ημερήσια διάταξη"
