// RUN: xfc-opt %s --split-input-file --xf-fuse-embedding | FileCheck %s
// RUN: xfc-opt %s --split-input-file --xf-fuse | FileCheck %s
// Gather on axis 0 of a [V, D] table → xf.embedding.

// nn.Embedding(100, 64) looked up with [1, 16] token ids.
// CHECK-LABEL: func @word_embedding
// CHECK-SAME: (%[[T:.*]]: tensor<100x64xf32>, %[[I:.*]]: tensor<1x16xi64>)
// CHECK-NEXT: %[[E:.*]] = xf.embedding %[[T]], %[[I]] : tensor<100x64xf32>, tensor<1x16xi64> -> tensor<1x16x64xf32>
// CHECK-NEXT: return %[[E]]
func.func @word_embedding(%table: tensor<100x64xf32>, %ids: tensor<1x16xi64>) -> tensor<1x16x64xf32> {
  %0 = xf.gather %table, %ids {axis = 0 : i64} : tensor<100x64xf32>, tensor<1x16xi64> -> tensor<1x16x64xf32>
  return %0 : tensor<1x16x64xf32>
}

// -----

// int32 indices and a scalar index.
// CHECK-LABEL: func @scalar_index
// CHECK-NEXT: xf.embedding %arg0, %arg1 : tensor<8x4xf32>, tensor<i32> -> tensor<4xf32>
func.func @scalar_index(%table: tensor<8x4xf32>, %id: tensor<i32>) -> tensor<4xf32> {
  %0 = xf.gather %table, %id {axis = 0 : i64} : tensor<8x4xf32>, tensor<i32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Negative: BERT's pooler takes x[:, 0] with a gather on axis 1.
// CHECK-LABEL: func @gather_axis1
// CHECK-NOT: xf.embedding
// CHECK: xf.gather
func.func @gather_axis1(%x: tensor<1x16x64xf32>, %i: tensor<i64>) -> tensor<1x64xf32> {
  %0 = xf.gather %x, %i {axis = 1 : i64} : tensor<1x16x64xf32>, tensor<i64> -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

// Negative: axis 0 of a 3-D tensor is not a table lookup.
// CHECK-LABEL: func @gather_3d
// CHECK-NOT: xf.embedding
// CHECK: xf.gather
func.func @gather_3d(%x: tensor<4x8x16xf32>, %i: tensor<2xi64>) -> tensor<2x8x16xf32> {
  %0 = xf.gather %x, %i {axis = 0 : i64} : tensor<4x8x16xf32>, tensor<2xi64> -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}
