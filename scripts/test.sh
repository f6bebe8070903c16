#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite through ctest (lit/FileCheck, runtime unit tests, the ONNX
# backend suite, end-to-end models), ending in ctest's summary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${XFC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build"
# lit's own summary first (ctest shows a test's output only when it fails).
ctest -R '^lit$' -V 2>&1 | grep -E '^[0-9]+: (Total Discovered Tests|  (Passed|Failed|Unsupported|Expectedly Failed)):' || true
ctest --output-on-failure -j"$(nproc)" "$@"
