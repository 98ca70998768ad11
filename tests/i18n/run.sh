#!/bin/bash
# tests/i18n/run.sh: every engine key, rule id and page string has a label in every
# language (tests/i18n/keys.js, Node.js from scripts/deps.sh browser).
# Last line: "N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build/asan}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
SHARED=${SHARED:-../shared}
scripts/deps.sh browser >/dev/null 2>&1 || { echo "i18n: Node.js missing (scripts/deps.sh browser)"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$BIN" ] || { echo "i18n: $BIN is not built"; echo "0 passed, 1 failed"; exit 1; }
exec node tests/i18n/keys.js "$BIN" "$SHARED"
