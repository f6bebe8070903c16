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

// Positive steps are a strided view.
// CHECK-LABEL: func @slices
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [4, 3] [1, 2]
func.func @slices(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %0 = xf.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Negative steps (a flip) read start + i * step with tensor.extract from an
// output-only generic: no input map with negative coefficients, which tiling
// would turn into the wrong input window.
// CHECK-LABEL: func @slice_negative_steps
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xf32>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-NOT: ins(
// CHECK-SAME: outs(
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[I1:.*]] = arith.muli %[[I]], %c-1
// CHECK: %[[R:.*]] = arith.addi %[[I1]], %c3
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: %[[J1:.*]] = arith.muli %[[J]], %c-2
// CHECK: %[[C:.*]] = arith.addi %[[J1]], %c5
// CHECK: tensor.extract %[[X]][%[[R]], %[[C]]] : tensor<4x6xf32>
func.func @slice_negative_steps(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  %0 = xf.slice %x {starts = array<i64: 3, 5>, steps = array<i64: -1, -2>} : tensor<4x6xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
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
// CHECK: %[[K:.*]] = tensor.extract %{{.*}}[] : tensor<i64>
// CHECK: linalg.generic
// CHECK: arith.cmpi sge, %{{.*}}, %[[K]]
func.func @trilu(%x: tensor<4x4xf32>, %k: tensor<i64>) -> tensor<4x4xf32> {
  %0 = xf.trilu %x, %k {upper = true} : tensor<4x4xf32>, tensor<i64>
  return %0 : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func @gather_elements
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg1 : tensor<2x3xi64>)
// CHECK: arith.minsi
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}] : tensor<2x2xf32>
func.func @gather_elements(%x: tensor<2x2xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %0 = xf.gather_elements %x, %i {axis = 1 : i64} : tensor<2x2xf32>, tensor<2x3xi64> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Each result element reads its index tuple, then the data.
// CHECK-LABEL: func @gather_nd
// CHECK: linalg.generic
// CHECK: tensor.extract %arg1[%{{.*}}, %{{.*}}, %c0]
// CHECK: tensor.extract %arg1[%{{.*}}, %{{.*}}, %c1]
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x3x4x5xf32>
func.func @gather_nd(%x: tensor<2x3x4x5xf32>, %i: tensor<2x6x2xi32>) -> tensor<2x6x5xf32> {
  %0 = xf.gather_nd %x, %i {batch_dims = 1 : i64} : tensor<2x3x4x5xf32>, tensor<2x6x2xi32> -> tensor<2x6x5xf32>
  return %0 : tensor<2x6x5xf32>
}
