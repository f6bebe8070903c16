#!/usr/bin/env bash
# A bounded libFuzzer run of xfc-import-fuzzer (ctest: fuzz.import, label
# fuzz). Fails on any crash, sanitizer report, leak, timeout (-timeout) or
# excess memory (-rss_limit_mb, -malloc_limit_mb), printing the reproducer;
# exits 77 (skipped) when the fuzzer is not built in this tree.
#
# Usage: run_fuzz.sh FUZZER SOURCE_DIR WORK_DIR [SECONDS] [libFuzzer flags...]
# The corpus libFuzzer grows is kept in WORK_DIR/corpus between runs;
# reproducers go to WORK_DIR/artifacts. A reproducer worth keeping goes into
# test/Import/ONNX/corpus/crashes/ (see the README there).
set -euo pipefail
fuzzer="$1" src="$2" work="$3" seconds="${4:-60}"
shift $(( $# < 4 ? $# : 4 ))
if [ ! -x "$fuzzer" ]; then
  echo "fuzz: $fuzzer is not built; it is built in a clang tree configured" \
       "with -DXFC_ENABLE_SANITIZERS=ON (scripts/test-asan.sh). Skipping."
  exit 77
fi
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
rm -f "$work/artifacts"/* "$work/tmp"/* 2>/dev/null || true
rm -rf "$work/tmp"/xfc-fuzz-* 2>/dev/null || true
/usr/bin/python3 "$src/test/fuzz/make_seeds.py" --source "$src" \
  --out "$work/seeds" --dict "$work/onnx.dict"
seed_dirs=("$work/seeds")
crashes="$src/test/Import/ONNX/corpus/crashes"
[ -d "$crashes" ] && seed_dirs+=("$crashes")

export TMPDIR="$work/tmp"
# Symbolized reports; libFuzzer turns any report into a failed run.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-22/bin/llvm-symbolizer}"

log="$work/fuzz.log"
echo "fuzz: $fuzzer for ${seconds}s; log in $log"
set +e
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -timeout=10 -max_len=16384 -print_final_stats=1 -dict="$work/onnx.dict" \
  -artifact_prefix="$work/artifacts/" "$@" \
  "$work/corpus" "${seed_dirs[@]}" >"$log" 2>&1
rc=$?
set -e
if [ $rc -eq 0 ]; then
  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  echo "fuzz: no crash in ${seconds}s"
  exit 0
fi
# The report: from the first sanitizer or libFuzzer error line on.
awk 'f || /ERROR: |runtime error: |==[0-9]+==|^MS: |Test unit written|contract violated/ {f=1} f' "$log" | head -n 150
echo "fuzz: FAILED (libFuzzer exit status $rc); reproducer(s):"
for a in "$work/artifacts"/*; do
  [ -e "$a" ] || continue
  echo "  $a"
  echo "    reproduce: $fuzzer $a"
  echo "    xfc:       xfc $a --check   (rename to .onnxtxt if it starts with '<')"
done
exit 1
