// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// CHECK-LABEL: func @reshape_transpose
// CHECK: tensor.collapse_shape
// CHECK: linalg.transpose ins(%{{.*}} : tensor<6x4xf32>) outs(%{{.*}} : tensor<4x6xf32>) permutation = [1, 0]
func.func @reshape_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = xf.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = xf.transpose %0 {perm = array<i64: 1, 0>} : tensor<6x4xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 3] [2, 5] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = xf.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Positive steps are a strided view; negative steps an affine read.
// CHECK-LABEL: func @slices
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [4, 3] [1, 2]
// CHECK: linalg.generic
func.func @slices(%x: tensor<4x8xf32>) -> (tensor<4x3xf32>, tensor<4x8xf32>) {
  %0 = xf.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<4x8xf32> -> tensor<4x3xf32>
  %1 = xf.slice %x {starts = array<i64: 0, 7>, steps = array<i64: 1, -1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1 : tensor<4x3xf32>, tensor<4x8xf32>
}

// -----

// Gather indices wrap negatives and are clamped before the read.
// CHECK-LABEL: func @gather
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @gather(%t: tensor<100x8xf32>, %i: tensor<1x5xi64>) -> tensor<1x5x8xf32> {
  %0 = xf.gather %t, %i {axis = 0 : i64} : tensor<100x8xf32>, tensor<1x5xi64> -> tensor<1x5x8xf32>
  return %0 : tensor<1x5x8xf32>
}

// -----

// CHECK-LABEL: func @trilu
// CHECK: arith.cmpi sge
func.func @trilu(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = xf.trilu %x {k = 0 : i64, upper = true} : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
