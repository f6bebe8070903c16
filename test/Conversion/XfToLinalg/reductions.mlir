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

// A reduction over every axis keeps a unit parallel dimension (a 0-d
// accumulator miscompiles in the CPU target's vector hoisting) and collapses
// the one-element result to 0-d before the mean's division.
// CHECK-LABEL: func @mean_all_axes_keepdims
// CHECK: %[[U:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3]] output_shape [1, 3, 2, 2]
// CHECK: %[[F:.*]] = linalg.fill {{.*}} -> tensor<1xf32>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[U]] : tensor<1x3x2x2xf32>) outs(%[[F]] : tensor<1xf32>)
// CHECK: %[[Z:.*]] = tensor.collapse_shape %[[S]] [] : tensor<1xf32> into tensor<f32>
// CHECK: linalg.generic {{.*}} ins(%[[Z]] : tensor<f32>)
// CHECK: arith.divf
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1, 1] : tensor<f32> into tensor<1x1x1xf32>
func.func @mean_all_axes_keepdims(%x: tensor<3x2x2xf32>) -> tensor<1x1x1xf32> {
  %0 = xf.reduce mean %x {axes = array<i64: 0, 1, 2>, keep_dims = true} : tensor<3x2x2xf32> -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// Dynamic dimensions go into the unit dimension's group.
// CHECK-LABEL: func @sum_all_axes_dynamic
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [1, %{{.*}}, 8] : tensor<?x8xf32> into tensor<1x?x8xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1xf32> into tensor<f32>
func.func @sum_all_axes_dynamic(%x: tensor<?x8xf32>) -> tensor<f32> {
  %0 = xf.reduce sum %x {axes = array<i64: 0, 1>, keep_dims = false} : tensor<?x8xf32> -> tensor<f32>
  return %0 : tensor<f32>
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

// Layer norm over axis 0 normalizes the whole tensor: its statistics are
// full reductions (unit parallel dimension, collapsed to 0-d) broadcast back
// with a () map.
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func @layer_norm_axis0
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [1, 2, 8]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: %[[MEAN:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<1xf32> into tensor<f32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]], #{{.*}}], {{.*}} ins(%{{.*}}, %[[MEAN]] : tensor<2x8xf32>, tensor<f32>)
// CHECK: math.rsqrt
func.func @layer_norm_axis0(%x: tensor<2x8xf32>, %g: tensor<2x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = xf.layer_norm %x, %g, %b {axis = 0 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
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
