// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// xf.pad with dynamic sizes or run-time pads. Edge and reflect read the
// clamped (reflected) position in a generic whose sizes are the input's plus
// the pads; an empty input (invalid with pads, checked by the importer)
// gives zeros instead of a read from nothing.
// CHECK-LABEL: func @pad_edge_runtime
// CHECK: %[[LO:.*]] = tensor.extract %arg1[%c0
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: scf.if
// CHECK: linalg.fill
// CHECK: } else {
// CHECK: linalg.generic
// CHECK: tensor.extract %arg0
func.func @pad_edge_runtime(%x: tensor<?x3xf32>, %p: tensor<4xi64>) -> tensor<?x?xf32> {
  %0 = xf.pad edge %x pads %p : tensor<4xi64> {pads = array<i64>, value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Constant mode crops the negative pads with extract_slice and pads the
// rest with tensor.pad, yielding the run-time value.
// CHECK-LABEL: func @pad_constant_dynamic
// CHECK: %[[V:.*]] = tensor.extract %arg1[] : tensor<f32>
// CHECK: %[[CROP:.*]] = tensor.extract_slice %arg0[%{{.*}}, 1] [%{{.*}}, 2] [1, 1] : tensor<?x3xf32> to tensor<?x2xf32>
// CHECK: tensor.pad %[[CROP]] low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: } : tensor<?x2xf32> to tensor<?x4xf32>
func.func @pad_constant_dynamic(%x: tensor<?x3xf32>, %v: tensor<f32>) -> tensor<?x4xf32> {
  %0 = xf.pad constant %x value %v : tensor<f32> {pads = array<i64: 1, -1, 0, 2>, value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// xf.slice keeps its dynamic dimensions whole: their sizes are the input's.
// CHECK-LABEL: func @slice_dynamic
// CHECK: %[[D0:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.extract_slice %arg0[0, 1] [%[[D0]], 2] [1, 2] : tensor<?x6xf32> to tensor<?x2xf32>
// CHECK: %[[E0:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[E0]]) : tensor<?x3xf32>
// CHECK: linalg.generic
func.func @slice_dynamic(%x: tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x3xf32>) {
  %0 = xf.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<?x6xf32> -> tensor<?x2xf32>
  %1 = xf.slice %x {starts = array<i64: 0, 5>, steps = array<i64: 1, -2>} : tensor<?x6xf32> -> tensor<?x3xf32>
  return %0, %1 : tensor<?x2xf32>, tensor<?x3xf32>
}
