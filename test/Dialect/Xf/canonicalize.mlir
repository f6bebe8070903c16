// RUN: xfc-opt %s --split-input-file --canonicalize | FileCheck %s
// Folds of the xf dialect.

// CHECK-LABEL: func @add_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @add_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %z = arith.constant dense<0.0> : tensor<3xf32>
  %0 = xf.binary add %x, %z : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A zero that broadcasts the other operand to a larger shape must stay.
// CHECK-LABEL: func @add_zero_broadcasting
// CHECK: xf.binary add
func.func @add_zero_broadcasting(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = arith.constant dense<0.0> : tensor<2x3xf32>
  %0 = xf.binary add %x, %z : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @mul_one_lhs
// CHECK-NEXT: return %arg0
func.func @mul_one_lhs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %0 = xf.binary mul %one, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// x - 0 folds, 0 - x does not.
// CHECK-LABEL: func @sub_zero
// CHECK: %[[R:.*]] = xf.binary sub %{{.*}}, %arg0
// CHECK-NEXT: return %[[R]]
func.func @sub_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = arith.constant dense<0.0> : tensor<4xf32>
  %0 = xf.binary sub %x, %z : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = xf.binary sub %z, %0 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @identity_ops
// CHECK-NEXT: return %arg0
func.func @identity_ops(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = xf.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = xf.reshape %0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = xf.cast %1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %3 = xf.broadcast %2 : tensor<2x3xf32> -> tensor<2x3xf32>
  %4 = xf.slice %3 {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @constant_reshape
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK-NEXT: return %[[C]]
func.func @constant_reshape() -> tensor<2x2xi64> {
  %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = xf.reshape %c : tensor<4xi64> -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func @splat_broadcast
// CHECK-NEXT: arith.constant dense<2.000000e+00> : tensor<4x3xf32>
func.func @splat_broadcast() -> tensor<4x3xf32> {
  %c = arith.constant dense<2.0> : tensor<3xf32>
  %0 = xf.broadcast %c : tensor<3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
