// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Results whose sizes are run-time values (xf.expand, xf.iota), and a
// dynamic input reshaped to a static shape.

// The destination's sizes are the shape's elements; a dynamic input
// dimension that is 1 at run time is read at index 0.
// CHECK-LABEL: func @expand
// CHECK: tensor.extract %arg1[%c0]
// CHECK: arith.index_cast
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?xf32>
// CHECK: linalg.generic
// CHECK: tensor.dim %arg0, %c0
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: tensor.extract %arg0[
func.func @expand(%x: tensor<?x1xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = xf.expand %x, %s : tensor<?x1xf32>, tensor<3xi64> -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func @iota
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.index 1
// CHECK: arith.sitofp
func.func @iota(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = xf.iota %s {axis = 1 : i64} : tensor<2xi64> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func @reshape_to_static
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<?x?xf32> into tensor<?xf32>
// CHECK: arith.cmpi eq
// CHECK: call @__xfc_shape_check_failed
// CHECK: tensor.cast %{{.*}} : tensor<?xf32> to tensor<6xf32>
// CHECK: tensor.expand_shape
func.func @reshape_to_static(%x: tensor<?x?xf32>) -> tensor<2x3xf32> {
  %0 = xf.reshape %x : tensor<?x?xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
