#!/usr/bin/env bash
# Runs the libFuzzer targets of an already built sanitized build (see scripts/fuzz)
# for a bounded time, from the seeds in tests/fuzz/corpus; new inputs, crash inputs
# and logs go under WORK (the repository is never written).
# Usage: tests/fuzz/run_short.sh BUILD_DIR [--seconds N] [--runs N] [--work DIR] [TARGET...] [-- FLAGS]
#   default: each target until 100000 executions or 10 seconds, whichever comes first,
#   in a fresh BUILD_DIR/fuzz-short; FLAGS go to libFuzzer as they are.
# Prints "fuzz: TARGET: N executions, C crashes" per target, then
# "fuzz: N passed, M failed" (one test per target); exits non-zero on any crash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
all_targets=(workspace_import_fuzz jsonlogic_fuzz calendar_fuzz field_values_fuzz csv_fuzz snapshot_fuzz)
[ $# -ge 1 ] || { sed -n '5,6p' "$0" | sed 's/^# //' >&2; exit 2; }
build="$(cd "$1" && pwd)"; shift

seconds=10 runs=100000 work="" targets=() extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; runs=-1; shift 2 ;;
    --runs) runs="$2"; seconds=0; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
if [ -z "$work" ]; then
  work="$build/fuzz-short"
  rm -rf "$work" # the short run starts from the seeds alone, every time
fi

# A sanitizer report or an uncaught exception ends the run and saves the input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
passed=0 failed=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/$target"
  [ -x "$binary" ] || { echo "fuzz: no $binary (configure with -DCRM_FUZZ=ON; targets: ${all_targets[*]})" >&2; exit 2; }
  corpus="$work/corpus/$target" crashes="$work/crashes/$target" log="$work/logs/$target.log"
  mkdir -p "$corpus" "$crashes" "$work/logs"
  dict=()
  [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
  # New inputs are written to the first directory only; the seeds are read.
  status=0
  "$binary" "$corpus" "$here/corpus/$target" -runs="$runs" -max_total_time="$seconds" ${dict[@]+"${dict[@]}"} \
    -print_final_stats=1 -artifact_prefix="$crashes/" -timeout=30 \
    ${extra[@]+"${extra[@]}"} >"$log" 2>&1 || status=$?
  executions="$(grep -a "stat::number_of_executed_units" "$log" | tail -1 | awk '{print $2}' || true)"
  artifact="$(grep -a -o "Test unit written to .*" "$log" | tail -1 | sed 's/^Test unit written to //' || true)"
  if [ "$status" -eq 0 ] && [ -z "$artifact" ]; then
    passed=$((passed + 1))
    echo "fuzz: $target: ${executions:-0} executions, 0 crashes"
  else
    failed=$((failed + 1))
    echo "fuzz: $target: ${executions:-0} executions, 1 crash (exit $status); input: ${artifact:-none saved}; log: $log"
    # The first line that says what went wrong, and the first frames in the project's code.
    grep -a -m1 -E "ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:|what\(\):|invariant broken:|ERROR: libFuzzer" "$log" |
      sed 's/^ */fuzz:   /' || true
    grep -a -E "^ +#[0-9]+ .* in (crm::|LLVMFuzzerTestOneInput)" "$log" | head -3 |
      sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in //; s/\(anonymous namespace\)/{anon}/g; s/^([^(]*)\(.*\) (\S+)$/\1() \2/; s/^/fuzz:     /' || true
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
