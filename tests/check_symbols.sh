#!/bin/sh
# The shared library must export exactly the documented API: compare the
# dynamic symbol table with the committed list (tests/symbols.txt).
# Usage: check_symbols.sh LIBRARY SYMBOL_LIST
set -eu
lib=$1
list=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sort)
expected=$(sort "$list")
if [ "$actual" != "$expected" ]; then
  echo "exported symbols differ from $list:"
  printf '%s\n' "$expected" > "${TMPDIR:-/tmp}/infuse-expected.$$"
  printf '%s\n' "$actual" > "${TMPDIR:-/tmp}/infuse-actual.$$"
  diff -u "${TMPDIR:-/tmp}/infuse-expected.$$" "${TMPDIR:-/tmp}/infuse-actual.$$" || true
  rm -f "${TMPDIR:-/tmp}/infuse-expected.$$" "${TMPDIR:-/tmp}/infuse-actual.$$"
  exit 1
fi
case "$actual" in
  *infuse__*) echo "an internal infuse__ symbol is exported"; exit 1 ;;
esac
echo "exported symbols: $(printf '%s\n' "$actual" | wc -l), all listed"
