#!/usr/bin/env bash
# Mutation check: apply one simple mutation at a time to lib/ (flip a
# comparison or an arithmetic operator, change an integer constant by one),
# rebuild, run the Check test programs, and count the mutants the tests
# kill. Works on a copy of the tree; the sources are never touched.
#
#   tests/mutate.sh [--max N] [--seed S] [--files "lib/a.c lib/b.c"]
#
# Prints one line per mutant (KILLED or SURVIVED with file:line and the
# change) and the kill rate. Mutants that do not compile are skipped (they
# are not counted). It takes about 10 s per mutant on 2 cores.
set -euo pipefail

max=100
seed=1
files=""
while [ $# -gt 0 ]; do
  case "$1" in
    --max) max=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    *) echo "usage: $0 [--max N] [--seed S] [--files LIST]" >&2; exit 2 ;;
  esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/tree"
rm -rf "$work/tree/build"* "$work/tree/.git"
cd "$work/tree"
[ -n "$files" ] || files=$(ls lib/*.c)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug -DINFUSE_BUILD_BENCH=OFF \
  -DINFUSE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
tests=$(find build/tests -maxdepth 1 -type f -name 'test_*' ! -name test_abi -perm -u+x | sort)
for t in $tests; do
  "$t" >/dev/null 2>&1 || { echo "mutate: $t fails before any mutation" >&2; exit 1; }
done

# Candidate sites: "file:line:column:kind" for every operator or constant in
# code lines (not comments, not preprocessor lines, not string literals).
python3 - "$seed" "$max" $files >"$work/mutants" <<'EOF'
import random, re, sys
seed, limit, files = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
swaps = {"<=": "<", ">=": ">", "<": "<=", ">": ">=", "==": "!=", "!=": "==",
         "+": "-", "-": "+", "*": "/", "/": "*", "&&": "||", "||": "&&"}
tok = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|<=|>=|==|!=|&&|\|\||->|\+\+|--|<<|>>|[<>+\-*/]|\b\d+\b')
sites = []
for f in files:
    in_comment = False
    for n, line in enumerate(open(f), 1):
        code = line
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
        for m in tok.finditer(code):
            t = m.group(0)
            if t[0] in "\"'" or t in ("->", "++", "--", "<<", ">>"):
                continue
            if t.isdigit():
                sites.append((f, n, m.start(), t, str(int(t) + 1)))
            elif t in swaps:
                sites.append((f, n, m.start(), t, swaps[t]))
random.Random(seed).shuffle(sites)
for s in sites[:limit]:
    print("\t".join(map(str, s)))
EOF

killed=0
survived=0
skipped=0
while IFS=$'\t' read -r file line col from to; do
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
  for t in $tests; do
    if ! timeout 60 "$t" >/dev/null 2>&1; then
      status=KILLED
      break
    fi
  done
  if [ "$status" = KILLED ]; then killed=$((killed + 1)); else survived=$((survived + 1)); fi
  echo "$status $file:$line '$from' -> '$to'"
  cp "$work/orig" "$file"
done <"$work/mutants"
cmake --build build -j"$(nproc)" >/dev/null 2>&1 || true

total=$((killed + survived))
if [ "$total" -gt 0 ]; then
  echo "mutants: $total (plus $skipped that do not compile); killed $killed, survived $survived; kill rate $((100 * killed / total))%"
else
  echo "mutants: none compiled"
fi
