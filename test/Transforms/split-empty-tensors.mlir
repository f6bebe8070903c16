// RUN: xfc-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(xfc-split-empty-tensors{group-size=1}))" | FileCheck %s
// RUN: xfc-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(xfc-split-empty-tensors{group-size=2}))" | FileCheck %s --check-prefix=PAIRS

#id = affine_map<(d0) -> (d0)>

// After CSE three ops share one empty destination. With groups of one each
// gets its own, the first user keeping the original; with groups of two
// the first two share it.
// CHECK-LABEL: func @shared_empty
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<8xf32>
// CHECK-NEXT: %[[E1:.*]] = tensor.empty() : tensor<8xf32>
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<8xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E0]] : tensor<8xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[E1]] : tensor<8xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[E2]] : tensor<8xf32>)
// PAIRS-LABEL: func @shared_empty
// PAIRS: %[[E0:.*]] = tensor.empty() : tensor<8xf32>
// PAIRS-NEXT: %[[E1:.*]] = tensor.empty() : tensor<8xf32>
// PAIRS-NOT: tensor.empty
// PAIRS: linalg.generic {{.*}} outs(%[[E0]] : tensor<8xf32>)
// PAIRS: linalg.generic {{.*}} outs(%[[E0]] : tensor<8xf32>)
// PAIRS: linalg.generic {{.*}} outs(%[[E1]] : tensor<8xf32>)
func.func @shared_empty(%a: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.exp %x : f32
    linalg.yield %y : f32
  } -> tensor<8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.tanh %x : f32
    linalg.yield %y : f32
  } -> tensor<8xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.sin %x : f32
    linalg.yield %y : f32
  } -> tensor<8xf32>
  return %0, %1, %2 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// A shared zero-filled accumulator: every matmul gets its own fill of its
// own empty; a single-use empty is left alone.
// PAIRS-LABEL: func @shared_fill
// PAIRS-COUNT-1: linalg.fill
// PAIRS-NOT: linalg.fill
// CHECK-LABEL: func @shared_fill
// CHECK: %[[F0:.*]] = linalg.fill ins(%{{.*}}) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK-NEXT: %[[E1:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK-NEXT: %[[F1:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E1]] : tensor<2x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[F0]] : tensor<2x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg2 : {{.*}}) outs(%[[F1]] : tensor<2x4xf32>)
// CHECK-NOT: tensor.empty
func.func @shared_fill(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = linalg.matmul ins(%a, %c : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}
