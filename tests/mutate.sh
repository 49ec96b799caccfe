#!/usr/bin/env bash
# Mutation check: apply one simple mutation at a time to lib/ (flip a
# comparison or an arithmetic operator, change an integer constant by one),
# rebuild, run the Check test programs, and count the mutants the tests
# kill. Works on a copy of the tree; the sources are never touched.
#
#   tests/mutate.sh [--max N] [--seed S] [--files "lib/a.c lib/b.c"]
#                   [--no-sanitize]
#   tests/mutate.sh --retry LOG [--no-sanitize]
#   tests/mutate.sh --rescore LOG
#
# A mutant is killed when a test program fails (or runs over 60 s). A
# mutant that survives the plain build is built again with AddressSanitizer
# and UndefinedBehaviorSanitizer, as CI runs every test, and is killed if a
# test fails there (reported as KILLED-SAN); --no-sanitize skips that stage.
#
# The sites are chosen by tests/mutate_sites.py: not comments, preprocessor
# lines, string and character literals, the size in an array declarator
# (`double z[2]`) when the file never takes that array's sizeof (one element
# more is never read, so no test can see it; arrays measured with sizeof,
# such as buffers handed on with their capacity, are mutated), or the size
# in an array parameter (C ignores it).
#
# tests/mutants-equivalent.txt lists mutants shown to be equivalent (the
# program behaves the same, so no test can kill them), each with the reason.
# They are still built and run: a listed mutant that a test kills is
# reported as a stale entry. The summary gives the kill rate over every
# mutant that compiles and the score over the mutants not listed as
# equivalent.
#
# --retry LOG runs again, with the tests as they are now, the survivors of
# an earlier run (LOG) that mutants-equivalent.txt does not list (lib/ must
# be as it was for that run).
# --rescore LOG prints an earlier run's output (LOG) again with its summary,
# marking the survivors that mutants-equivalent.txt lists now; nothing is
# built (tests/mutate_score.py; lib/ must be as it was for that run).
#
# Prints one line per mutant: KILLED, KILLED-SAN, SURVIVED or EQUIVALENT,
# file:line, and the change as n:from->to (the n-th such token of the line),
# the form mutants-equivalent.txt uses. Mutants that do not compile are skipped
# (not counted). About 8 s per mutant on 2 cores, more for survivors.
set -euo pipefail

max=100
seed=1
files=""
sanitize=1
retry=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rescore) exec python3 "$(dirname "$0")/mutate_score.py" "$2" ;;
    --retry) retry=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --max) max=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --no-sanitize) sanitize=0; shift ;;
    *) echo "usage: $0 [--max N] [--seed S] [--files LIST] [--no-sanitize]" \
         "| --retry LOG | --rescore LOG" >&2
       exit 2 ;;
  esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/tree"
rm -rf "$work/tree/build"* "$work/tree/.git"
cd "$work/tree"
[ -n "$files" ] || files=$(ls lib/*.c)

configure() { # build dir, extra options
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DINFUSE_BUILD_BENCH=OFF \
    -DINFUSE_BUILD_EXAMPLES=OFF "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" >/dev/null
}
test_programs() { # build dir
  find "$1/tests" -maxdepth 1 -type f -name 'test_*' ! -name test_abi \
    -perm -u+x | sort
}
run_tests() { # build dir; fails when a test program fails
  local t
  for t in $(test_programs "$1"); do
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1 \
      timeout 60 "$t" >/dev/null 2>&1 || return 1
  done
}

configure build
run_tests build || { echo "mutate: a test fails before any mutation" >&2; exit 1; }
if [ "$sanitize" = 1 ]; then
  configure build-san -DINFUSE_SANITIZE=ON
  run_tests build-san ||
    { echo "mutate: a sanitizer test fails before any mutation" >&2; exit 1; }
fi

# The mutants, one a line: file, line, column, n, from, to, reason.
if [ -n "$retry" ]; then
  python3 "$src/tests/mutate_sites.py" retry "$retry" >"$work/mutants"
else
  python3 "$src/tests/mutate_sites.py" sample "$seed" "$max" $files \
    >"$work/mutants"
fi

skipped=0
while IFS=$'\t' read -r file line col nth from to why; do
  cp "$file" "$work/orig"
  python3 - "$file" "$line" "$col" "$from" "$to" <<'EOF'
import sys
f, line, col, old, new = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
lines = open(f).read().split("\n")
l = lines[line - 1]
assert l[col:col + len(old)] == old
lines[line - 1] = l[:col] + new + l[col + len(old):]
open(f, "w").write("\n".join(lines))
EOF
  if ! cmake --build build -j"$(nproc)" >/dev/null 2>&1; then
    skipped=$((skipped + 1))
    cp "$work/orig" "$file"
    continue
  fi
  status=SURVIVED
  if ! run_tests build; then
    status=KILLED
  elif [ "$sanitize" = 1 ]; then
    if ! cmake --build build-san -j"$(nproc)" >/dev/null 2>&1 ||
      ! run_tests build-san; then
      status=KILLED-SAN
    fi
  fi
  note=""
  if [ -n "$why" ] && [ "$status" = SURVIVED ]; then
    status=EQUIVALENT
    note=" ($why)"
  elif [ -n "$why" ]; then
    note=" (stale entry in mutants-equivalent.txt: a test kills it)"
  fi
  echo "$status $file:$line $nth:$from->$to$note" | tee -a "$work/results"
  cp "$work/orig" "$file"
done <"$work/mutants"

echo "skipped: $skipped" >>"$work/results"
python3 "$src/tests/mutate_score.py" --summary-only "$work/results"
