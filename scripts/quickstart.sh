#!/usr/bin/env bash
# The README's first command: installs what is missing, builds xfc, compiles
# the bundled example transformer (examples/bert_tiny) and runs it: outputs,
# the match against the PyTorch reference, and the latency.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${XFC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" xfc xfc-run

example="$root/examples/bert_tiny"
out="$build/examples"
mkdir -p "$out"
echo
echo "== compile: xfc $example/model.onnx -o $out/bert_tiny.so"
"$build/bin/xfc" "$example/model.onnx" -o "$out/bert_tiny.so"
echo
echo "== run and check against the reference outputs"
"$build/bin/xfc-run" "$out/bert_tiny.so" --test-data-dir "$example/test_data_set_0"
echo
echo "== latency (20 runs after 5 warm-up runs)"
"$build/bin/xfc-run" "$out/bert_tiny.so" --test-data-dir "$example/test_data_set_0" \
  --benchmark=20 --warmup=5
