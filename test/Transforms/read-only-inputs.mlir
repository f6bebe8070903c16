// RUN: xfc-opt %s --pass-pipeline='builtin.module(func.func(xfc-read-only-inputs))' | FileCheck %s

// The caller's inputs are never bufferized in place; private functions
// and non-tensor arguments are left alone.
// CHECK-LABEL: func.func @main
//  CHECK-SAME: (%{{.*}}: tensor<4xf32> {bufferization.writable = false, xf.name = "x"}, %{{.*}}: index)
func.func @main(%x: tensor<4xf32> {xf.name = "x"}, %n: index) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func private @helper
//  CHECK-SAME: (%{{.*}}: tensor<4xf32>)
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
