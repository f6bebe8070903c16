#!/usr/bin/env bash
# Installs every Debian package xfc needs (idempotent: packages already
# present are not touched, and apt is not called at all when nothing is
# missing), plus ONNX Runtime from npm for the benchmark and the reference
# checks. Run as root, or with sudo available.
set -euo pipefail

PACKAGES=(
  # LLVM/MLIR 22 and the test tools (lit, FileCheck, not, split-file).
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # The sanitizer runtimes (libclang_rt.asan*.a) that the ASan+UBSan tree links.
  libclang-rt-22-dev
  # ONNX (protobuf classes, checker, shape inference) and its test data.
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # Build.
  cmake ninja-build ccache g++ libgtest-dev
  # Model authoring for tests and benchmarks.
  python3 python3-torch python3-onnx python3-numpy
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime (the reference) is driven from node; the machine image usually
# ships node and npm, Debian's packages are the fallback.
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y -q nodejs npm || echo "install-deps: warning: no node/npm"
fi

# ONNX Runtime's CPU library ships inside the npm package; --ignore-scripts
# skips its download of GPU add-ons, which cannot work offline.
root="$(cd "$(dirname "$0")/.." && pwd)"
if command -v npm >/dev/null && [ ! -f "$root/node_modules/onnxruntime-node/package.json" ]; then
  echo "install-deps: installing onnxruntime-node@1.30.0"
  (cd "$root" && npm install --ignore-scripts --no-save --no-audit --no-fund onnxruntime-node@1.30.0 >/dev/null) ||
    echo "install-deps: warning: onnxruntime-node could not be installed; reference checks against ONNX Runtime will be skipped"
fi
