// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Dynamic dimensions: destinations take their sizes from the operands.
// Two unrelated dynamic sizes broadcast at run time (ONNX's rule): the
// result size is the one that is not 1, each operand's size must be it or 1
// (else the call stops with the node's message), and an operand is read
// through a broadcast copy only when its size differs.
// CHECK: module attributes {xf.check_messages = ["node 'add' (Add): dimension 0 of the operands must agree or be 1
// CHECK-LABEL: func @add_dynamic
// CHECK-DAG: %[[A0:.*]] = tensor.dim %arg0, %c0
// CHECK-DAG: %[[B0:.*]] = tensor.dim %arg1, %c0
// CHECK: %[[B1:.*]] = arith.cmpi eq, %[[B0]], %c1
// CHECK: %[[N:.*]] = arith.select %[[B1]], %[[A0]], %[[B0]]
// CHECK: call @__xfc_shape_check_failed(%c1_i32)
// CHECK: call @__xfc_shape_check_failed(%c1_i32)
// CHECK: %[[A:.*]] = scf.if %{{.*}} -> (tensor<?x8xf32>) {
// CHECK-NEXT: scf.yield %arg0
// CHECK: } else {
// CHECK: tensor.extract %arg0
// CHECK: %[[B:.*]] = scf.if %{{.*}} -> (tensor<?x8xf32>) {
// CHECK: scf.yield
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : {{.*}}) outs(%[[INIT]]
// CHECK: func.func private @__xfc_shape_check_failed(i32)
func.func @add_dynamic(%a: tensor<?x8xf32>, %b: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.binary add %a, %b : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32> loc(fused<"Add">["add"])
  return %0 : tensor<?x8xf32>
}

// -----

// Sizes of one origin (an input and an elementwise function of it) agree
// by construction: one generic reading both operands directly.
// CHECK-LABEL: func @add_same_origin
// CHECK-NOT: scf.if {{.*}} -> (tensor
// CHECK: linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>)
func.func @add_same_origin(%a: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %r = xf.unary relu %a : tensor<?x8xf32> -> tensor<?x8xf32>
  %0 = xf.binary add %a, %r : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Also through transposes (and the contraction rows of xf.matmul/linear).
// CHECK-LABEL: func @add_transposed_back
// CHECK-NOT: scf.if {{.*}} -> (tensor
// CHECK: linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<?x?xf32>, tensor<?x?xf32>)
func.func @add_transposed_back(%a: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %t = xf.transpose %a {perm = array<i64: 1, 0>} : tensor<?x?xf32> -> tensor<?x?xf32>
  %u = xf.transpose %t {perm = array<i64: 1, 0>} : tensor<?x?xf32> -> tensor<?x?xf32>
  %0 = xf.binary add %a, %u : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Through reshapes that keep a dimension and a row lookup (a transformer's
// residual add after splitting heads and merging them back).
// CHECK-LABEL: func @add_after_heads
// CHECK-NOT: scf.if {{.*}} -> (tensor
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x?x64xf32>, tensor<?x?x64xf32>)
func.func @add_after_heads(%ids: tensor<?x?xi64>, %table: tensor<100x64xf32>) -> tensor<?x?x64xf32> {
  %e = xf.embedding %table, %ids : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %h = xf.reshape %e : tensor<?x?x64xf32> -> tensor<?x?x4x16xf32>
  %t = xf.transpose %h {perm = array<i64: 0, 2, 1, 3>} : tensor<?x?x4x16xf32> -> tensor<?x4x?x16xf32>
  %b = xf.transpose %t {perm = array<i64: 0, 2, 1, 3>} : tensor<?x4x?x16xf32> -> tensor<?x?x4x16xf32>
  %m = xf.reshape %b : tensor<?x?x4x16xf32> -> tensor<?x?x64xf32>
  %0 = xf.binary add %e, %m : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// A dynamic size against a static one: the result keeps the static size;
// the dynamic operand is 1 or that.
// CHECK-LABEL: func @add_static_other
// CHECK: %[[D:.*]] = tensor.dim %arg0, %c0
// CHECK: arith.cmpi eq, %[[D]], %c8
// CHECK: scf.if %{{.*}} -> (tensor<8xf32>) {
// CHECK: tensor.cast %arg0 : tensor<?xf32> to tensor<8xf32>
// CHECK: linalg.generic
func.func @add_static_other(%a: tensor<?xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = xf.binary add %a, %b : tensor<?xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A static 1 broadcasts; nothing to check.
// CHECK-LABEL: func @add_row
// CHECK-NOT: scf.if
// CHECK: linalg.generic
func.func @add_row(%a: tensor<?x8xf32>, %b: tensor<1x8xf32>) -> tensor<?x8xf32> {
  %0 = xf.binary add %a, %b : tensor<?x8xf32>, tensor<1x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// [?, S, K] x [K, N]: one matrix product over the collapsed rows, expanded
// back with the input's size.
// CHECK-LABEL: func @matmul_rows
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<?x8x16xf32> into tensor<?x16xf32>
// CHECK: linalg.matmul ins(%[[ROWS]], %arg1 : tensor<?x16xf32>, tensor<16x4xf32>)
// CHECK: %[[D0:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%[[D0]], 8, 4]
func.func @matmul_rows(%a: tensor<?x8x16xf32>, %b: tensor<16x4xf32>) -> tensor<?x8x4xf32> {
  %0 = xf.matmul %a, %b : tensor<?x8x16xf32>, tensor<16x4xf32> -> tensor<?x8x4xf32>
  return %0 : tensor<?x8x4xf32>
}

// -----

// Two dynamic row dimensions cannot be expanded back after bufferization
// (upstream expand-strided-metadata): a batched contraction instead.
// CHECK-LABEL: func @matmul_batched
// CHECK-NOT: collapse_shape
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @matmul_batched(%a: tensor<?x?x16xf32>, %b: tensor<16x4xf32>) -> tensor<?x?x4xf32> {
  %0 = xf.matmul %a, %b : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x4xf32>
  return %0 : tensor<?x?x4xf32>
}

// -----

// The contraction's n comes from the right operand, not from the left's k.
// CHECK-LABEL: func @matmul_scores
// CHECK-DAG: %[[M:.*]] = tensor.dim %arg0, %c1
// CHECK-DAG: %[[N:.*]] = tensor.dim %arg1, %c2
// CHECK: tensor.empty(%{{.*}}, %[[M]], %[[N]]) : tensor<?x?x?xf32>
func.func @matmul_scores(%q: tensor<?x?x8xf32>, %k: tensor<?x8x?xf32>) -> tensor<?x?x?xf32> {
  %0 = xf.matmul %q, %k : tensor<?x?x8xf32>, tensor<?x8x?xf32> -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func @transpose_reshape
// CHECK: %[[D1:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[D0:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[D1]], %[[D0]]) : tensor<?x?x8xf32>
// CHECK: linalg.transpose
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]]
func.func @transpose_reshape(%x: tensor<?x?x8xf32>) -> tensor<?x?x2x4xf32> {
  %0 = xf.transpose %x {perm = array<i64: 1, 0, 2>} : tensor<?x?x8xf32> -> tensor<?x?x8xf32>
  %1 = xf.reshape %0 : tensor<?x?x8xf32> -> tensor<?x?x2x4xf32>
  return %1 : tensor<?x?x2x4xf32>
}

// -----

// Convolution over dynamic batch and spatial sizes (static weights): the
// padded input and the output sizes are computed at run time.
// CHECK-LABEL: func @conv_dynamic
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: arith.subi
// CHECK: arith.divsi
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x1x4x?x?xf32>
func.func @conv_dynamic(%x: tensor<?x3x?x?xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32> {
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32> -> tensor<?x4x?x?xf32>
  return %0 : tensor<?x4x?x?xf32>
}

// -----

// CHECK-LABEL: func @pool_dynamic
// CHECK: arith.divsi %{{.*}}, %c2
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x4x?x?xf32>
func.func @pool_dynamic(%x: tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32> {
  %0 = xf.pool max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<?x4x?x?xf32> -> tensor<?x4x?x?xf32>
  return %0 : tensor<?x4x?x?xf32>
}
