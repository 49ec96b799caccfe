#!/usr/bin/env bash
# Mutation check: apply one simple mutation at a time to lib/ (flip a
# comparison or an arithmetic operator, change an integer constant by one),
# rebuild, run the Check test programs, and count the mutants the tests
# kill. Works on a copy of the tree; the sources are never touched.
#
#   tests/mutate.sh [--max N] [--seed S] [--files "lib/a.c lib/b.c"]
#                   [--no-sanitize]
#   tests/mutate.sh --rescore LOG
#
# A mutant is killed when a test program fails (or runs over 60 s). A
# mutant that survives the plain build is built again with AddressSanitizer
# and UndefinedBehaviorSanitizer, as CI runs every test, and is killed if a
# test fails there (reported as KILLED-SAN); --no-sanitize skips that stage.
#
# Not mutated: comments, preprocessor lines, string and character literals,
# and the size in an array declarator (`double z[2]`) when the file never
# takes that array's sizeof: one element more is never read, so no test can
# see it (arrays measured with sizeof, such as buffers handed on with their
# capacity, are mutated like any other constant).
#
# tests/mutants-equivalent.txt lists mutants shown to be equivalent (the
# program behaves the same, so no test can kill them), each with the reason.
# They are still built and run: a listed mutant that a test kills is
# reported as a stale entry. The summary gives the kill rate over every
# mutant that compiles and the score over the mutants not listed as
# equivalent.
#
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
while [ $# -gt 0 ]; do
  case "$1" in
    --rescore) exec python3 "$(dirname "$0")/mutate_score.py" "$2" ;;
    --max) max=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --no-sanitize) sanitize=0; shift ;;
    *) echo "usage: $0 [--max N] [--seed S] [--files LIST] [--no-sanitize]" \
         "| --rescore LOG" >&2
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

# Candidate sites: "file, line, column, from, to, equivalent-reason" for
# every operator or constant in code lines.
python3 - "$seed" "$max" "$src/tests/mutants-equivalent.txt" $files \
  >"$work/mutants" <<'EOF'
import os, random, re, sys
seed, limit, registry, files = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
swaps = {"<=": "<", ">=": ">", "<": "<=", ">": ">=", "==": "!=", "!=": "==",
         "+": "-", "-": "+", "*": "/", "/": "*", "&&": "||", "||": "&&"}
tok = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|<=|>=|==|!=|&&|\|\||->|\+\+|--|<<|>>|[<>+\-*/]|\b\d+\b')
# a declaration whose declarator has an array size: "type name[...]"
decl = re.compile(r'^\s*(?:(?:static|const|unsigned|signed|struct\s+\w+)\s+)*'
                  r'(?!return\b|case\b|else\b|sizeof\b|goto\b)[A-Za-z_]\w*\s+'
                  r'([A-Za-z_]\w*)\s*\[([^\]]*)\]')
# registry lines: file | trimmed code line | n:from->to | reason
equivalent = {}
if os.path.exists(registry):
    for raw in open(registry):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = [p.strip() for p in raw.rstrip("\n").split(" | ")]
        if len(parts) != 4:
            sys.exit("mutants-equivalent.txt: malformed line: " + raw.strip())
        equivalent[tuple(parts[:3])] = parts[3]
sites = []
for f in files:
    text = open(f).read()
    in_comment = False
    for n, line in enumerate(open(f), 1):
        code = line.rstrip("\n")
        if in_comment:
            if "*/" not in code:
                continue
            code = " " * (code.index("*/") + 2) + code[code.index("*/") + 2:]
            in_comment = False
        if code.lstrip().startswith("#"):
            continue
        if "/*" in code:
            start = code.index("/*")
            if "*/" in code[start:]:
                end = code.index("*/", start) + 2
                code = code[:start] + " " * (end - start) + code[end:]
            else:
                code = code[:start]
                in_comment = True
        code = code.split("//")[0]
        skip = None
        d = decl.match(code)
        measured = d and re.search(r'sizeof\s*\(?\s*(?:[A-Za-z_]\w*\s*(?:\.|->)\s*)*'
                                   + d.group(1) + r'\b', text)
        if d and not measured:
            skip = (d.start(2), d.end(2))
        seen = {}
        for m in tok.finditer(code):
            t = m.group(0)
            if t[0] in "\"'" or t in ("->", "++", "--", "<<", ">>"):
                continue
            seen[t] = seen.get(t, 0) + 1
            if skip and skip[0] <= m.start() < skip[1]:
                continue
            new = str(int(t) + 1) if t.isdigit() else swaps.get(t)
            if new is None:
                continue
            key = (f, line.strip(), "%d:%s->%s" % (seen[t], t, new))
            sites.append((f, n, m.start(), seen[t], t, new, equivalent.get(key, "")))
random.Random(seed).shuffle(sites)
for s in sites[:limit]:
    print("\t".join(map(str, s)))
EOF

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
