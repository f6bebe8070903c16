#!/usr/bin/env bash
# The sanitizer suite: configures (once) a second build tree with
# -DXFC_ENABLE_SANITIZERS=ON (ASan+UBSan on xfc and xfrt, libFuzzer targets
# with clang), builds only what its tests need, and runs the tests labelled
# asan, fuzz, robustness, runtime and xfc-run there, ending in ctest's
# summary of that tree.
#
#   scripts/test-asan.sh                 configure, build, test
#   scripts/test-asan.sh --build-only    configure and build (scripts/test.sh)
#   scripts/test-asan.sh --no-build      test only (the "asan" ctest test)
#   options: --build-dir DIR (default: $XFC_ASAN_BUILD_DIR, else the main
#   build tree's path + "-asan"), --labels REGEX; the rest goes to ctest.
#
# -O1 with line tables keeps the build and the tests fast while reports stay
# readable; assertions are on (no -DNDEBUG), so MLIR's own checks fire too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${XFC_ASAN_BUILD_DIR:-${XFC_BUILD_DIR:-$root/build}-asan}"
labels="asan|fuzz|robustness|runtime|xfc-run"
do_build=1 do_test=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) do_test=0 ;;
    --no-build) do_build=0 ;;
    --build-dir) build="$2"; shift ;;
    --labels) labels="$2"; shift ;;
    *) break ;;
  esac
  shift
done

if [ $do_build = 1 ]; then
  if [ ! -f "$build/build.ninja" ]; then
    cmake -G Ninja -S "$root" -B "$build" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
      -DXFC_ENABLE_SANITIZERS=ON
  fi
  ninja -C "$build" -j"$(nproc)" xfc-asan-deps
fi

if [ $do_test = 1 ]; then
  # The same settings the sanitizer tree gives its own tests, for the tests
  # defined elsewhere (runtime, xfc-run): every report aborts.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-abort_on_error=1:halt_on_error=1:print_stacktrace=1}"
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-22/bin/llvm-symbolizer}"
  ctest --test-dir "$build" -L "^($labels)\$" --output-on-failure -j"$(nproc)" "$@"
fi
