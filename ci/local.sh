#!/bin/sh
# Kör CI:s steg lokalt, i förrådets rot: kontrollera innehållet, bygg alla dokument och visa
# ändringarna i sak mot en tidigare version, som kommentaren i ett ändringsförslag.
#
#     ci/local.sh [BAS]
#
# BAS är versionen som ändringarna jämförs med (standard: där grenen utgick från origin/main,
# annars från main). Jämförelsen gäller incheckade versioner; ändringar som inte är incheckade
# syns i kontrollen och bygget men inte i jämförelsen.
#
# STYRDOK anger kommandot (standard: styrdok; i styrdoks eget förråd: python build.py).
# STYRDOK_BUILD anger flaggor till bygget, till exempel STYRDOK_BUILD="--format html".
set -eu

if [ -z "${STYRDOK:-}" ]; then
  if command -v styrdok > /dev/null 2>&1; then STYRDOK=styrdok; else STYRDOK="python build.py"; fi
fi

if [ $# -ge 1 ]; then
  base=$1
else
  for candidate in origin/main main; do
    if git rev-parse --verify --quiet "$candidate^{commit}" > /dev/null; then
      base=$(git merge-base "$candidate" HEAD)
      break
    fi
  done
  if [ -z "${base:-}" ]; then
    echo "ci/local.sh: ange versionen att jämföra med, till exempel: ci/local.sh main" >&2
    exit 2
  fi
fi

echo "== Kontrollerar innehållet"
$STYRDOK validate

echo "== Bygger alla dokument"
status=0
# shellcheck disable=SC2086 # STYRDOK_BUILD är flera flaggor
$STYRDOK build ${STYRDOK_BUILD:-} || status=$?

echo "== Ändringar i sak mot $base"
# Som kommentaren i ett ändringsförslag: rapporten utan dess inledande metadata.
report=$($STYRDOK diff "$base" HEAD --format md)
printf '%s\n' "$report" | awk 'NR == 1 && /^---$/ { meta = 1; next } meta { if (/^---$/) meta = 0; next } { print }'

exit "$status"
