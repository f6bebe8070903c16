#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite through ctest (lit, runtime unit tests, end-to-end model
# tests), ending in ctest's summary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${XFC_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"$(nproc)" "$@"
