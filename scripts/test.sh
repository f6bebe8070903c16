#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite through ctest (lit/FileCheck, runtime unit tests, the ONNX
# backend suite, end-to-end models, the corrupted-model corpus), ending in
# ctest's summary.
#
# It also builds the sanitizer tree (build-asan/, ASan+UBSan and the importer
# fuzzer; scripts/test-asan.sh) whose tests the ctest test "asan" runs, so the
# one summary covers them. XFC_TEST_ASAN=0 does not build that tree (the asan
# test is then skipped unless an up-to-date build-asan/ exists).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${XFC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
if [ "${XFC_TEST_ASAN:-1}" != 0 ]; then
  XFC_BUILD_DIR="$build" "$root/scripts/test-asan.sh" --build-only
fi
cd "$build"
# lit's own summary first (ctest shows a test's output only when it fails).
ctest -R '^lit$' -V 2>&1 | grep -E '^[0-9]+: (Total Discovered Tests|  (Passed|Failed|Unsupported|Expectedly Failed)):' || true
ctest --output-on-failure -j"$(nproc)" "$@"
