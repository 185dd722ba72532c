#!/bin/sh
# Re-extract every marked string, merge it into the el and ar catalogues, and compile them.
# Afterwards translate the new (empty) msgstr entries in portal/translations/*/LC_MESSAGES/messages.po,
# run it again to compile, and check with: .venv/bin/python -m pytest tests/web/test_i18n.py -q
set -eu
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
POT=portal/translations/messages.pot

"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
    --add-comments=Translators: --add-location=file --sort-by-file \
    --ignore-dirs=".* __pycache__ node_modules" \
    --project="Committee Portal" --copyright-holder="Committee Portal" \
    -o "$POT" .
for lang in el ar; do
    if [ -f "portal/translations/$lang/LC_MESSAGES/messages.po" ]; then
        "$PYBABEL" -q update -i "$POT" -d portal/translations -l "$lang" --no-fuzzy-matching --ignore-obsolete
    else
        "$PYBABEL" -q init -i "$POT" -d portal/translations -l "$lang"
    fi
done
"$PYBABEL" -q compile -d portal/translations
# What is still untranslated (empty msgstr, or fuzzy) in each catalogue:
for lang in el ar; do
    .venv/bin/python - "$lang" <<'PY'
import sys
from babel.messages.pofile import read_po
lang = sys.argv[1]
with open(f"portal/translations/{lang}/LC_MESSAGES/messages.po", "rb") as fh:
    catalog = read_po(fh)
missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
print(f"{lang}: {len(missing)} of {len(catalog)} messages untranslated")
PY
done
