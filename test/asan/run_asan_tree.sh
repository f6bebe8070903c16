#!/usr/bin/env bash
# The ctest test "asan" of the normal tree: runs the tests labelled LABELS
# in the sanitizer tree ASAN_BUILD_DIR (built by scripts/test-asan.sh), so
# that the main ctest summary covers them. Exits 77 (skipped) when that tree
# does not exist or is out of date; scripts/test.sh always builds it first.
#
# Usage: run_asan_tree.sh ASAN_BUILD_DIR LABELS_REGEX
set -uo pipefail
tree="$1" labels="$2"
if [ ! -f "$tree/CTestTestfile.cmake" ] || [ ! -x "$tree/bin/xfc" ]; then
  echo "asan: no sanitizer tree in $tree; build one with scripts/test-asan.sh. Skipping."
  exit 77
fi
if ! ninja -C "$tree" -n xfc-asan-deps 2>/dev/null | grep -q "no work to do"; then
  echo "asan: the sanitizer tree $tree is out of date; rebuild it with" \
       "scripts/test-asan.sh (or ninja -C $tree xfc-asan-deps). Skipping."
  exit 77
fi
exec "$(dirname "$0")/../../scripts/test-asan.sh" --no-build --build-dir "$tree" --labels "$labels"
