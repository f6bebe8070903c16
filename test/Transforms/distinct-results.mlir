// RUN: xfc-opt %s --pass-pipeline='builtin.module(func.func(xfc-distinct-results))' | FileCheck %s

// One value returned twice: the second result becomes a copy, so that
// bufferization gives each output its own buffer.
// CHECK-LABEL: func.func @twice
//  CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
//       CHECK:   %[[R:.*]] = math.exp %[[X]]
//       CHECK:   %[[C:.*]] = bufferization.alloc_tensor() copy(%[[R]])
//       CHECK:   return %[[R]], %[[C]], %[[X]]
func.func @twice(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %r = math.exp %x : tensor<2xf32>
  return %r, %r, %x : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// Distinct results are left alone.
// CHECK-LABEL: func.func @distinct
//   CHECK-NOT:   bufferization.alloc_tensor
//       CHECK:   return
func.func @distinct(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  return %x, %y : tensor<2xf32>, tensor<2xf32>
}
