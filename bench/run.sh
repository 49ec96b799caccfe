#!/usr/bin/env bash
# bench/run.sh - build infuse in Release in a temporary directory, run the
# benchmarks and print a short table against the targets in bench/README.md.
#
#   bench/run.sh [--iterations N] [--runs N] [--keep] [--strict]
#                [--build-dir DIR]
#
#   --iterations N  pump calls under callgrind (default 20000; the writers
#                   get a tenth of that); also PK summaries (N patients),
#                   curves (N / 1000) and cohort calls (N / 2000, 1000
#                   patients each)
#   --runs N        end-to-end runs of infuse-rate (default 200)
#   --keep          keep the build directory and print its path
#   --strict        exit 1 when a target is missed (default: report only)
#   --build-dir DIR configure and build in DIR (kept) instead of a temporary
#                   directory, and build only what the benchmarks run
#
# Needs cmake and a C compiler; uses valgrind (callgrind), hyperfine and
# Python with scipy (bench/scipy_baseline.py: /usr/bin/python3 first, Debian's
# python3-scipy) when installed and says "n/a" for what it cannot measure.
set -euo pipefail

iterations=20000
runs=200
keep=0
strict=0
build_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=${2:?--iterations needs a count}; shift 2 ;;
    --iterations=*) iterations=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a count}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    --strict) strict=1; shift ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --build-dir=*) build_dir=${1#*=}; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$iterations" in ''|*[!0-9]*|0) echo "run.sh: --iterations needs a count > 0" >&2; exit 2 ;; esac
case "$runs" in ''|*[!0-9]*|0) echo "run.sh: --runs needs a count > 0" >&2; exit 2 ;; esac

src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/infuse-bench.XXXXXX")
if [ "$keep" = 1 ]; then
  trap 'echo "run.sh: build kept in $tmp" >&2' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# The build tree: a fresh one in $tmp, or the one given (then only the
# benchmarks, infuse-rate and the shared library are built).
if [ -n "$build_dir" ]; then
  bdir=$build_dir
  targets=(--target bench_pump bench_sim infuse-rate infuse)
else
  bdir=$tmp/build
  targets=()
fi

# ---------------------------------------------------------------- build ----
echo "== building (Release) in $bdir"
cmake -S "$src" -B "$bdir" -DCMAKE_BUILD_TYPE=Release \
  -DINFUSE_BUILD_BENCH=ON -DINFUSE_BUILD_EXAMPLES=ON -DINFUSE_BUILD_TESTS=OFF \
  >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log" >&2; exit 1; }
cmake --build "$bdir" -j"$jobs" ${targets[@]+"${targets[@]}"} >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; exit 1; }
if grep -q 'warning:' "$tmp/build.log"; then
  echo "run.sh: the build printed warnings:" >&2
  grep -A3 'warning:' "$tmp/build.log" >&2 || true
fi

bench=$(find "$bdir" -type f -name bench_pump -perm -u+x | head -n 1)
simbench=$(find "$bdir" -type f -name bench_sim -perm -u+x | head -n 1)
rate=$(find "$bdir" -type f -name infuse-rate -perm -u+x | head -n 1)
shlib=$(find "$bdir" -name 'libinfuse.so.[0-9]*' ! -name '*.*.*.*' | head -n 1)
[ -n "$bench" ] || { echo "run.sh: bench_pump was not built" >&2; exit 1; }
[ -n "$simbench" ] || { echo "run.sh: bench_sim was not built" >&2; exit 1; }

# field NAME KEY FILE: the value of KEY=... on the line starting with NAME.
field() {
  awk -v name="$1" -v key="$2" '$1 == name {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' "$3"
}

# ------------------------------------------------------------ wall time ----
echo "== bench_pump (about 0.5 s per loop)"
bench_rc=0
"$bench" >"$tmp/bench.out" || bench_rc=$?
cat "$tmp/bench.out"
[ "$bench_rc" = 0 ] || echo "run.sh: bench_pump exited with $bench_rc" >&2

echo "== bench_sim (about 0.5 s per loop)"
sim_rc=0
"$simbench" >"$tmp/sim.out" || sim_rc=$?
cat "$tmp/sim.out"
[ "$sim_rc" = 0 ] || echo "run.sh: bench_sim exited with $sim_rc" >&2

# ---------------------------------------------------- instruction counts ----
# Ir per call = (Ir(N calls) - Ir(0 calls)) / N: the N = 0 run has the same
# process start-up and setup, so the difference is the loop alone (the
# call plus a few instructions of loop and checksum).
declare -A ir
ir_total() { # FILE: total Ir from a callgrind output file
  awk '/^(summary|totals):/ { v = $2 } END { print v }' "$1"
}
if command -v valgrind >/dev/null 2>&1; then
  # The writers cost about 10 and 30 times the pump program: a tenth of
  # the calls keeps the callgrind runs short.
  wn=$((iterations / 10)); [ "$wn" -gt 0 ] || wn=1
  echo "== callgrind: $iterations calls (pump), $wn calls (json, text), $((iterations / 100)) courses"
  for c in pump json text course; do
    case "$c" in
      pump) cn=$iterations ;;
      course) cn=$((iterations / 100)); [ "$cn" -gt 0 ] || cn=1 ;;
      *) cn=$wn ;;
    esac
    for n in 0 "$cn"; do
      valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$c.$n" \
        "$bench" --only "$c" --iterations "$n" >/dev/null 2>"$tmp/cg.$c.$n.log" \
        || { echo "run.sh: callgrind run failed ($c, $n):" >&2; cat "$tmp/cg.$c.$n.log" >&2; }
    done
    a=$(ir_total "$tmp/cg.$c.0" 2>/dev/null || true)
    b=$(ir_total "$tmp/cg.$c.$cn" 2>/dev/null || true)
    if [ -n "$a" ] && [ -n "$b" ]; then
      ir[$c]=$(awk -v a="$a" -v b="$b" -v n="$cn" 'BEGIN { printf "%.0f", (b - a) / n }')
      echo "$c: Ir(0) = $a, Ir($cn) = $b, per call = ${ir[$c]}"
    else
      ir[$c]=n/a
    fi
  done
  # The simulations: Ir per item = (Ir(N calls) - Ir(0)) / items(N calls),
  # items as bench_sim reports them (patients, samples, patient-years).
  for c in pk_summary pk_curve cohort; do
    case "$c" in
      pk_summary) cn=$iterations ;;
      pk_curve) cn=$((iterations / 1000)) ;;
      cohort) cn=$((iterations / 2000)) ;;
    esac
    [ "$cn" -gt 0 ] || cn=1
    echo "== callgrind: bench_sim --only $c, $cn calls"
    for n in 0 "$cn"; do
      valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$c.$n" \
        "$simbench" --only "$c" --iterations "$n" >"$tmp/cg.$c.$n.out" \
        2>"$tmp/cg.$c.$n.log" \
        || { echo "run.sh: callgrind run failed ($c, $n):" >&2; cat "$tmp/cg.$c.$n.log" >&2; }
    done
    a=$(ir_total "$tmp/cg.$c.0" 2>/dev/null || true)
    b=$(ir_total "$tmp/cg.$c.$cn" 2>/dev/null || true)
    items=$(field "$c" items "$tmp/cg.$c.$cn.out")
    if [ -n "$a" ] && [ -n "$b" ] && [ -n "$items" ]; then
      ir[$c]=$(awk -v a="$a" -v b="$b" -v n="$items" 'BEGIN { printf "%.1f", (b - a) / n }')
      echo "$c: Ir(0) = $a, Ir($cn calls) = $b, items = $items, per item = ${ir[$c]}"
    else
      ir[$c]=n/a
    fi
  done
else
  echo "== valgrind not installed: no instruction counts"
  ir[pump]=n/a; ir[json]=n/a; ir[text]=n/a; ir[course]=n/a
  ir[pk_summary]=n/a; ir[pk_curve]=n/a; ir[cohort]=n/a
fi

# ------------------------------------------------------- scipy baseline ----
# The same course for one typical patient with scipy.integrate.solve_ivp,
# compared with the library's result (bench/scipy_baseline.py).
scipy_ps=n/a
scipy_agree=n/a
scipy_py=""
for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import scipy' >/dev/null 2>&1; then
    scipy_py=$py
    break
  fi
done
if [ -z "$scipy_py" ]; then
  echo "== scipy baseline skipped: no python3 with scipy (on Debian: apt-get install python3-scipy)"
else
  echo "== scipy baseline ($scipy_py, solve_ivp LSODA, rtol 1e-8, atol 1e-10)"
  scipy_rc=0
  if [ -n "$shlib" ]; then
    "$scipy_py" "$src/bench/scipy_baseline.py" --library "$shlib" --repeat 5 \
      >"$tmp/scipy.out" 2>&1 || scipy_rc=$?
  else
    "$scipy_py" "$src/bench/scipy_baseline.py" --repeat 5 \
      >"$tmp/scipy.out" 2>&1 || scipy_rc=$?
  fi
  cat "$tmp/scipy.out"
  scipy_ps=$(field scipy patients_per_s "$tmp/scipy.out"); scipy_ps=${scipy_ps:-n/a}
  scipy_agree=$(field compare agree "$tmp/scipy.out"); scipy_agree=${scipy_agree:-n/a}
  [ "$scipy_rc" = 0 ] || echo "run.sh: scipy_baseline.py exited with $scipy_rc" >&2
fi

# ----------------------------------------------------------- end to end ----
e2e_ms=n/a
e2e_how=""
e2e_rc=n/a
if [ -n "$rate" ]; then
  e2e_rc=0
  "$rate" --weight 70kg >/dev/null 2>&1 || e2e_rc=$?
  echo "== end to end: infuse-rate --weight 70kg (exit status $e2e_rc), $runs runs"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 20 --runs "$runs" --export-json "$tmp/hf.json" \
      "$rate --weight 70kg" >"$tmp/hf.log" 2>&1 || true
    mean=$(sed -n 's/.*"mean": *\([0-9.eE+-]*\).*/\1/p' "$tmp/hf.json" 2>/dev/null | head -n 1)
    if [ -n "$mean" ]; then
      e2e_ms=$(awk -v s="$mean" 'BEGIN { printf "%.3f", s * 1000 }')
      e2e_how="hyperfine mean"
    fi
  fi
  if [ "$e2e_ms" = n/a ]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do "$rate" --weight 70kg >/dev/null 2>&1 || true; done
    t0=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$rate" --weight 70kg >/dev/null 2>&1 || true; done
    t1=$(date +%s%N)
    e2e_ms=$(awk -v a="$t0" -v b="$t1" -v n="$runs" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }')
    e2e_how="shell loop, date +%s%N"
  fi
else
  echo "== infuse-rate was not built: no end-to-end time"
fi

# ---------------------------------------------------------------- table ----
missed=0
# (these run in $(...), so `missed` is set from their output further down)
verdict() { # VALUE LIMIT: "ok" when VALUE <= LIMIT, "MISSED" otherwise
  case "$1" in n/a|'') echo "-" ; return ;; esac
  if awk -v v="$1" -v l="$2" 'BEGIN { exit !(v <= l) }'; then echo ok
  else echo MISSED; fi
}
verdict_ge() { # VALUE LIMIT: "ok" when VALUE >= LIMIT, "MISSED" otherwise
  case "$1" in n/a|'') echo "-" ; return ;; esac
  if awk -v v="$1" -v l="$2" 'BEGIN { exit !(v >= l) }'; then echo ok
  else echo MISSED; fi
}
alloc_verdict() {
  case "$1" in n/a|'') echo "-" ;; 0) echo ok ;; *) echo MISSED ;; esac
}

pump_ns=$(field pump ns_per_call "$tmp/bench.out"); pump_ns=${pump_ns:-n/a}
json_ns=$(field write_json ns_per_call "$tmp/bench.out"); json_ns=${json_ns:-n/a}
text_ns=$(field write_text ns_per_call "$tmp/bench.out"); text_ns=${text_ns:-n/a}
pump_al=$(field pump allocations "$tmp/bench.out"); pump_al=${pump_al:-n/a}
json_al=$(field write_json allocations "$tmp/bench.out"); json_al=${json_al:-n/a}
text_al=$(field write_text allocations "$tmp/bench.out"); text_al=${text_al:-n/a}
course_ns=$(field course ns_per_call "$tmp/bench.out"); course_ns=${course_ns:-n/a}
course_al=$(field course allocations "$tmp/bench.out"); course_al=${course_al:-n/a}

sum_ps=$(field pk_summary items_per_s "$tmp/sim.out"); sum_ps=${sum_ps:-n/a}
sum_ns=$(field pk_summary ns_per_item "$tmp/sim.out"); sum_ns=${sum_ns:-n/a}
sum_al=$(field pk_summary allocations "$tmp/sim.out"); sum_al=${sum_al:-n/a}
curve_ns=$(field pk_curve ns_per_item "$tmp/sim.out"); curve_ns=${curve_ns:-n/a}
curve_al=$(field pk_curve allocations "$tmp/sim.out"); curve_al=${curve_al:-n/a}
coh_ps=$(field cohort items_per_s "$tmp/sim.out"); coh_ps=${coh_ps:-n/a}
coh_ns=$(field cohort ns_per_item "$tmp/sim.out"); coh_ns=${coh_ns:-n/a}
coh_al=$(field cohort allocations "$tmp/sim.out"); coh_al=${coh_al:-n/a}
ratio=n/a
case "$sum_ps/$scipy_ps" in
  *n/a*) ;;
  *) ratio=$(awk -v c="$sum_ps" -v p="$scipy_ps" 'BEGIN { if (p > 0) printf "%.0f", c / p; else print "n/a" }') ;;
esac

v_pump=$(verdict "$pump_ns" 1000)
v_pal=$(alloc_verdict "$pump_al")
v_jal=$(alloc_verdict "$json_al")
v_tal=$(alloc_verdict "$text_al")
v_e2e=$(verdict "$e2e_ms" 4.999999)
v_course=$(verdict "$course_ns" 20000)
v_cal=$(alloc_verdict "$course_al")
v_sum=$(verdict_ge "$sum_ps" 500000)
v_sal=$(alloc_verdict "$sum_al")
v_curve=$(verdict "$curve_ns" 10)
v_cval=$(alloc_verdict "$curve_al")
v_coh=$(verdict_ge "$coh_ps" 1000000)
v_coal=$(alloc_verdict "$coh_al")
v_ratio=$(verdict_ge "$ratio" 10000)
case "$scipy_agree" in yes) v_agree=ok ;; n/a) v_agree="-" ;; *) v_agree=MISSED ;; esac
case "$v_pump $v_pal $v_jal $v_tal $v_e2e $v_course $v_cal $v_sum $v_sal $v_curve $v_cval $v_coh $v_coal $v_ratio $v_agree" in
  *MISSED*) missed=1 ;;
esac
[ "$bench_rc" = 0 ] || missed=1
[ "$sim_rc" = 0 ] || missed=1

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
cc=$(sed -n 's/^CMAKE_C_COMPILER:[^=]*=//p' "$bdir/CMakeCache.txt" | head -n 1)
ccv=$("${cc:-cc}" --version 2>/dev/null | head -n 1)
echo
echo "infuse benchmarks: Release build, ${ccv:-unknown compiler}, ${cpu:-unknown CPU}"
row() { printf '%-40s %-24s %-12s %s\n' "$@"; }
row "measure" "result" "target" ""
row "----------------------------------------" "------------------------" "------------" "------"
row "infuse_pump_compute, time"        "$pump_ns ns/call"   "<= 1000 ns" "$v_pump"
row "infuse_pump_compute, instructions" "${ir[pump]} Ir/call" "-" ""
row "infuse_pump_compute, heap allocations" "$pump_al"      "0"          "$v_pal"
row "infuse_write_json, time"          "$json_ns ns/call"   "-" ""
row "infuse_write_json, instructions"  "${ir[json]} Ir/call" "-" ""
row "infuse_write_json, heap allocations" "$json_al"        "0"          "$v_jal"
row "infuse_write_text, time"          "$text_ns ns/call"   "-" ""
row "infuse_write_text, instructions"  "${ir[text]} Ir/call" "-" ""
row "infuse_write_text, heap allocations" "$text_al"        "0"          "$v_tal"
row "12-month course, plan + 4 exports" "$course_ns ns/call" "<= 20000 ns" "$v_course"
row "12-month course, instructions"    "${ir[course]} Ir/call" "-" ""
row "12-month course, heap allocations" "$course_al"        "0"          "$v_cal"
row "infuse-rate --weight 70kg, wall"  "$e2e_ms ms/run"     "< 5 ms"     "$v_e2e"
row "PK summary, virtual patients/s/core" "$sum_ps"         ">= 500000"  "$v_sum"
row "PK summary, time per patient"     "$sum_ns ns"         "-" ""
row "PK summary, instructions"         "${ir[pk_summary]} Ir/patient" "-" ""
row "PK summary, heap allocations"     "$sum_al"            "0"          "$v_sal"
row "PK curve, time per sample"        "$curve_ns ns"       "<= 10 ns"   "$v_curve"
row "PK curve, instructions"           "${ir[pk_curve]} Ir/sample" "-" ""
row "PK curve, heap allocations"       "$curve_al"          "0"          "$v_cval"
row "cohort, patient-years/s/core"     "$coh_ps"            ">= 1000000" "$v_coh"
row "cohort, time per patient-year"    "$coh_ns ns"         "-" ""
row "cohort, instructions"             "${ir[cohort]} Ir/patient-year" "-" ""
row "cohort, heap allocations"         "$coh_al"            "0"          "$v_coal"
row "scipy solve_ivp, patients/s"      "$scipy_ps"          "-" ""
row "scipy vs libinfuse, 1e-6 agreement" "$scipy_agree"     "yes"        "$v_agree"
row "PK summary speed-up over scipy"   "${ratio}x"          ">= 10000x"  "$v_ratio"
[ -z "$e2e_how" ] || echo "(end to end by $e2e_how over $runs runs; infuse-rate exit status $e2e_rc)"
if [ "$e2e_rc" != n/a ] && [ "$e2e_rc" != 0 ]; then
  echo "note: infuse-rate --weight 70kg exited with $e2e_rc, expected 0"
  missed=1
fi

if [ "$missed" = 1 ] && [ "$strict" = 1 ]; then exit 1; fi
exit 0
