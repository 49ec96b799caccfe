#!/bin/sh
# run_smoke.sh - build the libFuzzer targets with clang and run each for a
# while from its committed corpus (copied, so the corpus does not grow).
#
#   tests/fuzz/run_smoke.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 30; TARGETs default to all eight. Fails
# (exit 1) on any crash, sanitizer report, leak or invariant failure; the
# crashing input is kept in the work directory, whose path is printed.
# Environment: CC (default clang), FUZZ_JOBS (build parallelism),
# FUZZ_WORK (work directory; default a new one under ${TMPDIR:-/tmp}).
set -eu

secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-quantity pump course review cli pk cohort sim_cli}

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/infuse-fuzz.XXXXXX")}
mkdir -p "$work"
build="$work/build"
CC=${CC:-clang}
export CC

echo "== building with $CC in $build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DINFUSE_FUZZ=ON -DINFUSE_WERROR=ON -DINFUSE_BUILD_TESTS=ON \
  -DINFUSE_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
for t in $targets; do
  cmake --build "$build" --target "fuzz_$t" -j "${FUZZ_JOBS:-4}" \
    >"$work/build-$t.log" 2>&1 || { cat "$work/build-$t.log"; exit 1; }
done

status=0
summary=""
for t in $targets; do
  corpus="$work/corpus-$t"
  rm -rf "$corpus"
  mkdir -p "$corpus" "$work/artifacts-$t"
  cp "$here/corpus/$t/"* "$corpus/"
  dict=""
  [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
  log="$work/fuzz-$t.log"
  echo "== fuzz_$t for ${secs}s"
  # shellcheck disable=SC2086
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts-$t/" \
      $dict "$corpus" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    tail -n 60 "$log"
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line=$(printf '%-10s %-7s %12s execs %8s exec/s' "$t" "$result" \
    "${execs:-?}" "${rate:-?}")
  echo "$line"
  summary="$summary$line
"
done

echo "== summary (work directory $work)"
printf '%s' "$summary"
exit $status
