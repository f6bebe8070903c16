#!/bin/bash
# Compiles the example model of docs/architecture.md at -O3 and -O0, runs
# both on random inputs and checks the exports that the page shows and that
# `--mlir-print-ir-after=PASS` (which the page uses) works.
#   check_example.sh BIN_DIR MODEL.onnxtxt WORK_DIR
set -euo pipefail
bin="$1" model="$2" work="$3"
mkdir -p "$work"
for level in -O3 -O0; do
  lib="$work/mlp$level.so"
  "$bin/xfc" "$model" -o "$lib" --prefix=mlp "$level"
  "$bin/xfc-run" "$lib" --seed=1
  exports="$(nm -D --defined-only "$lib" | awk '{print $3}' | sort | tr '\n' ' ')"
  if [ "$exports" != "mlp_descriptor mlp_run xfrt_model_descriptor " ]; then
    echo "check_example.sh: $lib exports '$exports', not what docs/architecture.md shows" >&2
    exit 1
  fi
done

dump="$("$bin/xfc" "$model" --emit=llvm-dialect -o /dev/null \
          --mlir-print-ir-after=xfc-cpu-select-lowering-config 2>&1)"
if ! grep -q "IR Dump After CpuSelectLoweringConfigPass" <<<"$dump" ||
   ! grep -q "xf.lowering_config" <<<"$dump"; then
  echo "check_example.sh: --mlir-print-ir-after=xfc-cpu-select-lowering-config printed no dump:" >&2
  echo "$dump" | head -5 >&2
  exit 1
fi
echo "docs example: OK"
