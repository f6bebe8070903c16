#!/usr/bin/env bash
# End-to-end check of one model: compile MODEL_DIR/model.onnx with xfc (extra
# flags after the third argument) and compare every test_data_set_* with
# xfc-run. Usage: compile_and_check.sh TOOLS_DIR MODEL_DIR WORK_DIR [xfc flags...]
set -euo pipefail
tools="$1" model_dir="$2" work="$3"
shift 3
mkdir -p "$work"
name="$(basename "$model_dir")"
lib="$work/$name$(echo "$*" | tr -dc 'A-Za-z0-9').so"
"$tools/xfc" "$model_dir/model.onnx" -o "$lib" "$@"
status=0
for data in "$model_dir"/test_data_set_*; do
  "$tools/xfc-run" "$lib" --test-data-dir "$data" --rtol=1e-3 --atol=1e-4 || status=1
done
exit $status
