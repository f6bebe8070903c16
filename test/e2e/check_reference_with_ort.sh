#!/usr/bin/env bash
# Confirms that a model's reference outputs (written by PyTorch) agree with
# ONNX Runtime, so that the e2e tests compare against numbers two engines
# agree on. Exits 77 (skipped) when node or onnxruntime-node is missing.
set -euo pipefail
src="$1" model_dir="$2"
command -v node >/dev/null || exit 77
[ -f "$src/node_modules/onnxruntime-node/package.json" ] || exit 77
for data in "$model_dir"/test_data_set_*; do
  node "$src/tools/ort/ort_run.js" "$model_dir/model.onnx" --test-data-dir "$data" \
    --rtol=1e-4 --atol=1e-4
done
