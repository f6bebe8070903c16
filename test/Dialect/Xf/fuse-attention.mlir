// RUN: xfc-opt %s --split-input-file --xf-fuse-attention | FileCheck %s
// RUN: xfc-opt %s --split-input-file --xf-fuse | FileCheck %s
// softmax(q·kᵀ·scale + mask)·v → xf.attention.

// BERT's self-attention as exported: heads split by Reshape/Transpose, kᵀ
// made by one transpose [0, 2, 3, 1], scores divided by √d, the [B,1,1,S]
// padding mask added. kᵀ's transpose becomes k's [0, 2, 1, 3].
// CHECK-LABEL: func @bert
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x16x16xf32>, %[[K:.*]]: tensor<1x16x4x16xf32>, %[[V:.*]]: tensor<1x4x16x16xf32>, %[[M:.*]]: tensor<1x1x1x16xf32>)
// CHECK-NEXT: %[[KT:.*]] = xf.transpose %[[K]] {perm = array<i64: 0, 2, 1, 3>} : tensor<1x16x4x16xf32> -> tensor<1x4x16x16xf32>
// CHECK-NEXT: %[[O:.*]] = xf.attention %[[Q]], %[[KT]], %[[V]], %[[M]] {scale = 2.500000e-01 : f32} : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x4x16x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @bert(%q: tensor<1x4x16x16xf32>, %k: tensor<1x16x4x16xf32>, %v: tensor<1x4x16x16xf32>, %mask: tensor<1x1x1x16xf32>) -> tensor<1x4x16x16xf32> {
  %c = arith.constant dense<4.000000e+00> : tensor<f32>
  %0 = xf.transpose %k {perm = array<i64: 0, 2, 3, 1>} : tensor<1x16x4x16xf32> -> tensor<1x4x16x16xf32>
  %1 = xf.matmul %q, %0 : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary div %1, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.binary add %2, %mask : tensor<1x4x16x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x4x16x16xf32>
  %4 = xf.softmax %3 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %5 = xf.matmul %4, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %5 : tensor<1x4x16x16xf32>
}

// -----

// nanoGPT: scores times 1/√d, masked_fill(tril == 0, -inf) folded to a
// constant strictly-upper-triangular condition → causal, no mask operand.
// CHECK-LABEL: func @gpt_causal
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x16x16xf32>, %[[K:.*]]: tensor<1x16x4x16xf32>, %[[V:.*]]: tensor<1x4x16x16xf32>)
// CHECK-NEXT: %[[KT:.*]] = xf.transpose %[[K]] {perm = array<i64: 0, 2, 1, 3>}
// CHECK-NEXT: %[[O:.*]] = xf.attention %[[Q]], %[[KT]], %[[V]] {causal, scale = 2.500000e-01 : f32} : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @gpt_causal(%q: tensor<1x4x16x16xf32>, %k: tensor<1x16x4x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %cond = arith.constant dense<"0xFEFFFCFFF8FFF0FFE0FFC0FF80FF00FF00FE00FC00F800F000E000C000800000"> : tensor<1x1x16x16xi1>
  %c = arith.constant dense<2.500000e-01> : tensor<f32>
  %0 = xf.transpose %k {perm = array<i64: 0, 2, 3, 1>} : tensor<1x16x4x16xf32> -> tensor<1x4x16x16xf32>
  %1 = xf.matmul %q, %0 : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary mul %1, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.select %cond, %ninf, %2 : tensor<1x1x16x16xi1>, tensor<f32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %4 = xf.softmax %3 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %5 = xf.matmul %4, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %5 : tensor<1x4x16x16xf32>
}

// -----

// timm's ViT: q scaled before the product, kᵀ = transpose(k, [0, 1, 3, 2]),
// which folds away entirely.
// CHECK-LABEL: func @vit_scaled_query
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x17x16xf32>, %[[K:.*]]: tensor<1x4x17x16xf32>, %[[V:.*]]: tensor<1x4x17x16xf32>)
// CHECK-NEXT: %[[O:.*]] = xf.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @vit_scaled_query(%q: tensor<1x4x17x16xf32>, %k: tensor<1x4x17x16xf32>, %v: tensor<1x4x17x16xf32>) -> tensor<1x4x17x16xf32> {
  %c = arith.constant dense<2.500000e-01> : tensor<f32>
  %0 = xf.binary mul %q, %c : tensor<1x4x17x16xf32>, tensor<f32> -> tensor<1x4x17x16xf32>
  %1 = xf.transpose %k {perm = array<i64: 0, 1, 3, 2>} : tensor<1x4x17x16xf32> -> tensor<1x4x16x17xf32>
  %2 = xf.matmul %0, %1 : tensor<1x4x17x16xf32>, tensor<1x4x16x17xf32> -> tensor<1x4x17x17xf32>
  %3 = xf.softmax %2 {axis = 3 : i64} : tensor<1x4x17x17xf32>
  %4 = xf.matmul %3, %v : tensor<1x4x17x17xf32>, tensor<1x4x17x16xf32> -> tensor<1x4x17x16xf32>
  return %4 : tensor<1x4x17x16xf32>
}

// -----

// where(tril, s, -inf) + padding mask, the scale a division on the left of
// the mask. The fill is on the false branch.
// CHECK-LABEL: func @causal_fill_false_and_mask
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x16x16xf32>, %[[KT:.*]]: tensor<1x4x16x16xf32>, %[[V:.*]]: tensor<1x4x16x16xf32>, %[[M:.*]]: tensor<1x1x1x16xf32>)
// CHECK-NEXT: %[[K:.*]] = xf.transpose %[[KT]] {perm = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: xf.attention %[[Q]], %[[K]], %[[V]], %[[M]] {causal, scale = 1.250000e-01 : f32}
func.func @causal_fill_false_and_mask(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>, %mask: tensor<1x1x1x16xf32>) -> tensor<1x4x16x16xf32> {
  %min = arith.constant dense<0xFF800000> : tensor<f32>
  %tril = arith.constant dense<"0x0100030007000F001F003F007F00FF00FF01FF03FF07FF0FFF1FFF3FFF7FFFFF"> : tensor<1x1x16x16xi1>
  %c = arith.constant dense<8.000000e+00> : tensor<f32>
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary div %1, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.select %tril, %2, %min : tensor<1x1x16x16xi1>, tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %4 = xf.binary add %mask, %3 : tensor<1x1x1x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %5 = xf.softmax %4 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %6 = xf.matmul %5, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %6 : tensor<1x4x16x16xf32>
}

// -----

// Hugging Face GPT-2 without a padding mask: where(tril, s, finfo.min).
// CHECK-LABEL: func @hf_gpt2_finite_fill
// CHECK: xf.attention %arg0, %{{.*}}, %arg2 {causal, scale = 1.250000e-01 : f32}
func.func @hf_gpt2_finite_fill(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %tril = arith.constant dense<"0x0100030007000F001F003F007F00FF00FF01FF03FF07FF0FFF1FFF3FFF7FFFFF"> : tensor<1x1x16x16xi1>
  %c = arith.constant dense<8.000000e+00> : tensor<f32>
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary div %1, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.select %tril, %2, %min : tensor<1x1x16x16xi1>, tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %4 = xf.softmax %3 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %5 = xf.matmul %4, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %5 : tensor<1x4x16x16xf32>
}

// -----

// Negative: with a padding mask as well, a finite fill is not the same as
// causal: in a row whose visible keys are all padded, the future keys sit
// at the same level as the visible ones and share the weight.
// CHECK-LABEL: func @hf_gpt2_finite_fill_and_mask
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @hf_gpt2_finite_fill_and_mask(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>, %mask: tensor<1x1x1x16xf32>) -> tensor<1x4x16x16xf32> {
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %tril = arith.constant dense<"0x0100030007000F001F003F007F00FF00FF01FF03FF07FF0FFF1FFF3FFF7FFFFF"> : tensor<1x1x16x16xi1>
  %c = arith.constant dense<8.000000e+00> : tensor<f32>
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary div %1, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.select %tril, %2, %min : tensor<1x1x16x16xi1>, tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %4 = xf.binary add %mask, %3 : tensor<1x1x1x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %5 = xf.softmax %4 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %6 = xf.matmul %5, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %6 : tensor<1x4x16x16xf32>
}

// -----

// A constant condition that also masks the diagonal is not causal: with a
// -inf fill it becomes an additive 0/-inf mask (exact: s + -inf = -inf).
// CHECK-LABEL: func @not_causal_becomes_mask
// CHECK-DAG: %[[NINF:.*]] = arith.constant dense<0xFF800000> : tensor<f32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<f32>
// CHECK-DAG: %[[COND:.*]] = arith.constant dense<{{.*}}> : tensor<1x1x4x4xi1>
// CHECK: %[[M:.*]] = xf.select %[[COND]], %[[NINF]], %[[ZERO]] : tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32> -> tensor<1x1x4x4xf32>
// CHECK: xf.attention %arg0, %{{.*}}, %arg2, %[[M]] {scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @not_causal_becomes_mask(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %cond = arith.constant dense<[[[[true, true, true, true], [false, true, true, true], [false, false, true, true], [false, false, false, true]]]]> : tensor<1x1x4x4xi1>
  %1 = xf.matmul %q, %kt : tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x4x4xf32>
  %2 = xf.select %cond, %ninf, %1 : tensor<1x1x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %3 = xf.softmax %2 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %4 = xf.matmul %3, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %4 : tensor<1x2x4x8xf32>
}

// -----

// A condition computed at run time, with an additive mask too: both masks
// are summed into the one operand.
// CHECK-LABEL: func @runtime_condition_and_mask
// CHECK: %[[SEL:.*]] = xf.select %arg4, %{{.*}}, %{{.*}} : tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32> -> tensor<1x1x4x4xf32>
// CHECK: %[[M:.*]] = xf.binary add %arg3, %[[SEL]] : tensor<1x1x1x4xf32>, tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
// CHECK: xf.attention %arg0, %{{.*}}, %arg2, %[[M]] {scale = 5.000000e-01 : f32}
func.func @runtime_condition_and_mask(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %mask: tensor<1x1x1x4xf32>, %cond: tensor<1x1x4x4xi1>) -> tensor<1x2x4x8xf32> {
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %c = arith.constant dense<5.000000e-01> : tensor<f32>
  %1 = xf.matmul %q, %kt : tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x4x4xf32>
  %2 = xf.binary mul %c, %1 : tensor<f32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %3 = xf.binary add %2, %mask : tensor<1x2x4x4xf32>, tensor<1x1x1x4xf32> -> tensor<1x2x4x4xf32>
  %4 = xf.select %cond, %ninf, %3 : tensor<1x1x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %5 = xf.softmax %4 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %6 = xf.matmul %5, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %6 : tensor<1x2x4x8xf32>
}

// -----

// Negative: a finite fill is exact only as causal; this condition is not.
// CHECK-LABEL: func @finite_fill_not_causal
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @finite_fill_not_causal(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %fill = arith.constant dense<-1.000000e+09> : tensor<f32>
  %cond = arith.constant dense<[[[[true, true, true, true], [false, true, true, true], [false, false, true, true], [false, false, false, true]]]]> : tensor<1x1x4x4xi1>
  %1 = xf.matmul %q, %kt : tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x4x4xf32>
  %2 = xf.select %cond, %fill, %1 : tensor<1x1x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %3 = xf.softmax %2 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %4 = xf.matmul %3, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %4 : tensor<1x2x4x8xf32>
}

// -----

// Negative: a fill of -100 is not negligible after the softmax.
// CHECK-LABEL: func @small_fill
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @small_fill(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %fill = arith.constant dense<-1.000000e+02> : tensor<f32>
  %cond = arith.constant dense<"0xFEFFFCFFF8FFF0FFE0FFC0FF80FF00FF00FE00FC00F800F000E000C000800000"> : tensor<1x1x16x16xi1>
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.select %cond, %fill, %1 : tensor<1x1x16x16xi1>, tensor<f32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %3 = xf.softmax %2 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %4 = xf.matmul %3, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %4 : tensor<1x4x16x16xf32>
}

// -----

// Negative: softmax over the query axis.
// CHECK-LABEL: func @softmax_wrong_axis
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @softmax_wrong_axis(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.softmax %1 {axis = 2 : i64} : tensor<1x4x16x16xf32>
  %3 = xf.matmul %2, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %3 : tensor<1x4x16x16xf32>
}

// -----

// Negative: the probabilities are also an output.
// CHECK-LABEL: func @probs_extra_use
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @probs_extra_use(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) {
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.softmax %1 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %3 = xf.matmul %2, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %3, %2 : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
}

// -----

// Negative: the scale is not a constant.
// CHECK-LABEL: func @runtime_scale
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @runtime_scale(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>, %s: tensor<f32>) -> tensor<1x4x16x16xf32> {
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary div %1, %s : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %3 = xf.softmax %2 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %4 = xf.matmul %3, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %4 : tensor<1x4x16x16xf32>
}

// -----

// Negative: the mask is added before the scale, so it would be scaled too.
// CHECK-LABEL: func @mask_before_scale
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @mask_before_scale(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x16xf32>, %mask: tensor<1x1x1x16xf32>) -> tensor<1x4x16x16xf32> {
  %c = arith.constant dense<4.000000e+00> : tensor<f32>
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.binary add %1, %mask : tensor<1x4x16x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x4x16x16xf32>
  %3 = xf.binary div %2, %c : tensor<1x4x16x16xf32>, tensor<f32> -> tensor<1x4x16x16xf32>
  %4 = xf.softmax %3 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %5 = xf.matmul %4, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %5 : tensor<1x4x16x16xf32>
}

// -----

// Negative: one key head shared by all query heads (broadcast kᵀ).
// CHECK-LABEL: func @broadcast_key
// CHECK-NOT: xf.attention
// CHECK: xf.softmax
func.func @broadcast_key(%q: tensor<1x4x16x16xf32>, %kt: tensor<1x1x16x16xf32>, %v: tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32> {
  %1 = xf.matmul %q, %kt : tensor<1x4x16x16xf32>, tensor<1x1x16x16xf32> -> tensor<1x4x16x16xf32>
  %2 = xf.softmax %1 {axis = 3 : i64} : tensor<1x4x16x16xf32>
  %3 = xf.matmul %2, %v : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
  return %3 : tensor<1x4x16x16xf32>
}
