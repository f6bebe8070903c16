// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xfc-fill-large-splats{min-elements=16}))' | FileCheck %s

// A splat of more than min-elements elements is filled at run time (a
// global of its full size would be stored in the binary); smaller splats
// and non-splat constants stay constants.
// CHECK-LABEL: func.func @large
//       CHECK: %[[V:.*]] = arith.constant 3 : i64
//       CHECK: %[[E:.*]] = tensor.empty() : tensor<8x8xi64>
//       CHECK: %[[F:.*]] = linalg.fill ins(%[[V]] : i64) outs(%[[E]] : tensor<8x8xi64>)
//       CHECK: return %[[F]]
func.func @large() -> tensor<8x8xi64> {
  %c = arith.constant dense<3> : tensor<8x8xi64>
  return %c : tensor<8x8xi64>
}

// -----

// CHECK-LABEL: func.func @small
//       CHECK: arith.constant dense<1.500000e+00> : tensor<16xf32>
//   CHECK-NOT: linalg.fill
func.func @small() -> tensor<16xf32> {
  %c = arith.constant dense<1.5> : tensor<16xf32>
  return %c : tensor<16xf32>
}

// -----

// CHECK-LABEL: func.func @not_splat
//       CHECK: arith.constant dense<[
//   CHECK-NOT: linalg.fill
func.func @not_splat() -> tensor<17xi32> {
  %c = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : tensor<17xi32>
  return %c : tensor<17xi32>
}
