// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// [..., M, K] x [K, N] becomes one linalg.matmul over all rows.
// CHECK-LABEL: func @matmul_rows
// CHECK: tensor.collapse_shape {{.*}} into tensor<8x8xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf32>, tensor<8x16xf32>)
// CHECK: tensor.expand_shape {{.*}} into tensor<2x4x16xf32>
func.func @matmul_rows(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) -> tensor<2x4x16xf32> {
  %0 = xf.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// -----

// Broadcast batch dims stay in the indexing maps.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func @matmul_batch_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
func.func @matmul_batch_broadcast(%a: tensor<2x3x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = xf.matmul %a, %b : tensor<2x3x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// x · Wᵀ reads W as [N, K]; bias and activation form one epilogue generic.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @linear_gelu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[W]], #{{.*}}]
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: math.erf
func.func @linear_gelu(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = xf.linear %x, %w, %b activation(gelu) : tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// kᵀ is materialized so the score contraction reads contiguous rows.
// CHECK-LABEL: func @causal_attention
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x2x4x8xf32>) outs(%{{.*}} : tensor<1x2x8x4xf32>) permutation = [0, 1, 3, 2]
// CHECK: linalg.generic
// CHECK: linalg.index 2
// CHECK: linalg.index 3
// CHECK: arith.cmpi ugt
// CHECK: math.exp
// CHECK: linalg.generic
func.func @causal_attention(%q: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %0 = xf.attention %q, %q, %q {scale = 0.35355339 : f32, causal} : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}
