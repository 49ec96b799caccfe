#!/usr/bin/env bash
# Static analysis of the library: clang-tidy (checks in .clang-tidy: bugprone,
# cert, clang-analyzer; every finding an error) and cppcheck (warning, style,
# performance, portability) on lib/*.c, and through them on include/infuse.h
# and lib/internal.h. Exits non-zero on any finding. Suppressions live in the
# code, each with its reason (NOLINT / cppcheck-suppress).
#
# Usage: .ci/static.sh   needs cmake, clang-tidy and cppcheck on PATH;
#   CLANG_TIDY, CPPCHECK and RUN_CLANG_TIDY override the tool names
#   (RUN_CLANG_TIDY=none: one clang-tidy process per file, in turn).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc 2>/dev/null || echo 2)
start=$SECONDS

clang_tidy=${CLANG_TIDY:-clang-tidy}
cppcheck=${CPPCHECK:-cppcheck}
for tool in "$clang_tidy" "$cppcheck" cmake; do
  command -v "$tool" >/dev/null || { echo "static.sh: $tool not found" >&2; exit 2; }
done

build=$(mktemp -d "${TMPDIR:-/tmp}/infuse-static.XXXXXX")
trap 'rm -rf "$build"' EXIT

# compile_commands.json for the library only. Debug: assert() and the
# non-NDEBUG paths are what the analyzer should see.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DINFUSE_BUILD_EXAMPLES=OFF -DINFUSE_BUILD_TESTS=OFF \
  -DINFUSE_BUILD_BENCH=OFF -DINFUSE_BUILD_STATIC=OFF >"$build/cmake.log" 2>&1 \
  || { cat "$build/cmake.log" >&2; echo "static.sh: cmake failed" >&2; exit 2; }

sources=("$root"/lib/*.c)

# ---- clang-tidy -----------------------------------------------------------
tidy_log=$build/clang-tidy.log
tidy_rc=0
run_tidy=${RUN_CLANG_TIDY:-}
if [ -z "$run_tidy" ]; then
  for c in run-clang-tidy run-clang-tidy-14 run-clang-tidy.py; do
    if command -v "$c" >/dev/null; then run_tidy=$c; break; fi
  done
fi
if [ -n "$run_tidy" ] && [ "$run_tidy" != none ]; then
  # The checks and header filter come from .clang-tidy; the file regex
  # keeps run-clang-tidy to lib/ (the database holds nothing else anyway).
  "$run_tidy" -quiet -clang-tidy-binary "$(command -v "$clang_tidy")" \
    -p "$build" -j "$jobs" "$root/lib/.*\\.c\$" >"$tidy_log" 2>&1 || tidy_rc=$?
else
  for f in "${sources[@]}"; do
    "$clang_tidy" --quiet -p "$build" "$f" >>"$tidy_log" 2>&1 || tidy_rc=$?
  done
fi
# Strip colour codes, keep the diagnostics.
sed -r 's/\x1b\[[0-9;]*m//g' "$tidy_log" >"$tidy_log.txt"
tidy_findings=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' "$tidy_log.txt" | sort -u || true)
tidy_n=$(printf '%s' "$tidy_findings" | grep -c . || true)
if [ "$tidy_rc" -ne 0 ] || [ "$tidy_n" -ne 0 ]; then
  echo "=== clang-tidy (exit $tidy_rc) ==="
  grep -vE '^([^ ]*clang-tidy(-[0-9]+)? |Running|[0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed|Use -header-filter|Error while processing)' \
    "$tidy_log.txt" || true
fi

# ---- cppcheck -------------------------------------------------------------
# All preprocessor configurations of lib/ (no -D), with the public and the
# generated headers found through -I so that include/infuse.h is checked.
cpp_log=$build/cppcheck.log
cpp_rc=0
"$cppcheck" --enable=warning,style,performance,portability --std=c11 \
  --error-exitcode=1 --inline-suppr --suppress=missingIncludeSystem \
  --quiet -j "$jobs" \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
  -I include -I "$build/include" -I lib lib/ >"$cpp_log" 2>&1 || cpp_rc=$?
cpp_n=$(grep -cE ':[0-9]+:[0-9]+: [a-z]+: .*\[[A-Za-z0-9_]+\]$' "$cpp_log" || true)
if [ "$cpp_rc" -ne 0 ] || [ "$cpp_n" -ne 0 ]; then
  echo "=== cppcheck (exit $cpp_rc) ==="
  cat "$cpp_log"
fi

elapsed=$((SECONDS - start))
status=ok
if [ "$tidy_rc" -ne 0 ] || [ "$tidy_n" -ne 0 ] || [ "$cpp_rc" -ne 0 ] || [ "$cpp_n" -ne 0 ]; then
  status=FAILED
fi
echo "static analysis $status: clang-tidy $tidy_n finding(s) (exit $tidy_rc), cppcheck $cpp_n finding(s) (exit $cpp_rc), ${#sources[@]} files, ${elapsed}s"
[ "$status" = ok ]
