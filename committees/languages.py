"""Languages user content can be written in: a tag on minutes and proposals so screen readers pronounce the
text right and search stems it right. Names are autonyms (each language in itself), so they need no translation."""
from __future__ import annotations

from committees.errors import ValidationFailed
from committees.i18n import N_

CONTENT_LANGUAGES: dict[str, str] = {
    "el": "Ελληνικά",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "fr": "Français",
    "uk": "Українська",
    "es": "Español",
    "de": "Deutsch",
    "ur": "اردو",
    "ps": "پښتو",
    "so": "Soomaali",
    "ti": "ትግርኛ",
}
RIGHT_TO_LEFT = frozenset({"ar", "fa", "ur", "ps"})


def direction(code: str | None) -> str:
    """'rtl' or 'ltr' for a content language ('auto' when none is given)."""
    if not code:
        return "auto"
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def clean_language(value: str | None, *, field: str = "language") -> str | None:
    """A known language code, or None for 'not given'; anything else is refused."""
    code = (value or "").strip().lower()
    if not code:
        return None
    if code not in CONTENT_LANGUAGES:
        raise ValidationFailed(N_("Choose a language from the list."), field=field, code="unknown_language")
    return code


def default_language(person) -> str | None:
    """The language new content of `person` is assumed to be written in: their interface language."""
    code = getattr(person, "language", None)
    return code if code in CONTENT_LANGUAGES else None
