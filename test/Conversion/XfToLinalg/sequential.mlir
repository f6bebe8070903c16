// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s
// Order-dependent ops become scf.for loops carrying the result tensor.

// A scan over the axis: the first slice is copied (or zeroed), then each
// step adds one input slice to the previous output slice.
// CHECK-LABEL: func @cumsum
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 3] [2, 1] [1, 1]
// CHECK: scf.for %{{.*}} = %c1 to %c4
// CHECK:   arith.subi %c3
// CHECK:   linalg.generic
// CHECK:     arith.addf
// CHECK:   tensor.insert_slice
func.func @cumsum(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = xf.cumsum %x {axis = 1 : i64, exclusive = false, reverse = true} : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @cumsum_exclusive
// CHECK: arith.constant dense<0> : tensor<1x3xi32>
// CHECK: scf.for
// CHECK:   arith.addi
func.func @cumsum_exclusive(%x: tensor<5x3xi32>) -> tensor<5x3xi32> {
  %0 = xf.cumsum %x {axis = 0 : i64, exclusive = true, reverse = false} : tensor<5x3xi32>
  return %0 : tensor<5x3xi32>
}

// -----

// One loop per outer row, k selection passes, one scan of the row each.
// CHECK-LABEL: func @topk
// CHECK: scf.for
// CHECK:   scf.for %{{.*}} = %c0 to %c2
// CHECK:     scf.for %{{.*}} = %c0 to %c4
// CHECK:       tensor.extract
// CHECK:       arith.cmpf ogt
// CHECK:     tensor.insert
// CHECK:     arith.index_cast
// CHECK:     tensor.insert
func.func @topk(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = xf.topk %x {axis = 1 : i64, k = 2 : i64, largest = true} : tensor<3x4xf32> -> tensor<3x2xf32>, tensor<3x2xi64>
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func @scatter_elements
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %arg0)
// CHECK:   scf.for
// CHECK:     arith.minsi
// CHECK:     arith.mulf
// CHECK:     tensor.insert
func.func @scatter_elements(%x: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %0 = xf.scatter_elements mul %x, %i, %u {axis = 0 : i64} : tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// CHECK-LABEL: func @scatter_nd
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     tensor.extract %arg1
// CHECK:     arith.minsi
// CHECK-NOT: arith.addf
// CHECK:     tensor.insert
func.func @scatter_nd(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = xf.scatter_nd none %x, %i, %u : tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
