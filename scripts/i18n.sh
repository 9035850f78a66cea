#!/usr/bin/env bash
# Extract every message from the code and templates into webapp/translations/messages.pot, merge it into
# the English catalog (new messages empty, changed ones marked fuzzy), and compile the catalogs.
#   scripts/i18n.sh            extract + update + compile
#   scripts/i18n.sh --check    extract + update only (nothing compiled), then show what is left to translate
# Then translate the empty and fuzzy entries in webapp/translations/en/LC_MESSAGES/messages.po
# (tests/test_i18n.py fails until every message has a finished English text).
# The -k keywords are the same as in tests/test_i18n.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
[ -x "$PYBABEL" ] || PYBABEL=pybabel
DIR=webapp/translations

"$PYBABEL" extract -F babel.cfg -o "$DIR/messages.pot" --ignore-dirs ".* _* var bench node_modules tests" \
  -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k _n:1,2 -k lazy_pgettext:1c,2 \
  --sort-by-file --no-wrap --project Buurtplek --copyright-holder "Buurtplek" \
  --msgid-bugs-address "" --add-comments "Translators:" .

for lang in en; do
  if [ -f "$DIR/$lang/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" update -i "$DIR/messages.pot" -d "$DIR" -l "$lang" --no-wrap --ignore-obsolete
  else
    "$PYBABEL" init -i "$DIR/messages.pot" -d "$DIR" -l "$lang" --no-wrap
  fi
done

if [ "${1:-}" = "--check" ]; then
  .venv/bin/python - <<'PY'
from babel.messages.pofile import read_po
with open("webapp/translations/en/LC_MESSAGES/messages.po", "rb") as f:
    catalog = read_po(f)
todo = [m for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, (list, tuple)) else m.string))]
print(f"{len(todo)} of {len([m for m in catalog if m.id])} English messages still to translate or check")
PY
else
  "$PYBABEL" compile -d "$DIR" --statistics
fi
