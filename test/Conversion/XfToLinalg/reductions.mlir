// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// CHECK-LABEL: func @mean_keepdims
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: tensor.expand_shape {{.*}} into tensor<2x1xf32>
func.func @mean_keepdims(%x: tensor<2x8xf32>) -> tensor<2x1xf32> {
  %0 = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Softmax subtracts the maximum before exponentiating.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = xf.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @layer_norm
// CHECK: math.rsqrt
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = xf.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// ArgMax keeps the value and its index in two accumulators.
// CHECK-LABEL: func @argmax
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
func.func @argmax(%x: tensor<2x8xf32>) -> tensor<2xi64> {
  %0 = xf.arg_reduce %x {axis = 1 : i64, is_max = true, keep_dims = false, select_last_index = false} : tensor<2x8xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
