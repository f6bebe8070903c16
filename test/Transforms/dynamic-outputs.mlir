// RUN: xfc-opt %s --split-input-file --xfc-dynamic-outputs | FileCheck %s

// The destination of the op that computes a dynamically shaped result
// becomes the runtime's buffer; the result leaves @main's results.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: -> (tensor<4xf32> {xf.name = "s"})
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[BUF:.*]] = xf.output_buffer 0(%[[N]]) : memref<?x4xf32>
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[BUF]] restrict writable
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%[[T]] : tensor<?x4xf32>)
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[BUF]]
// CHECK: return %{{.*}} : tensor<4xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<?x4xf32>, %s: tensor<4xf32>) -> (tensor<?x4xf32> {xf.name = "y"}, tensor<4xf32> {xf.name = "s"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.negf %in : f32
    linalg.yield %y : f32
  } -> tensor<?x4xf32>
  return %r, %s : tensor<?x4xf32>, tensor<4xf32>
}

// -----

// A result not computed into a destination (here an input) is copied into
// the buffer, whose sizes are the result's.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: ) {
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?xf32>
// CHECK: %[[BUF:.*]] = xf.output_buffer 0(%[[N]]) : memref<?xf32>
// CHECK: bufferization.materialize_in_destination %arg0 in restrict writable %[[BUF]]
// CHECK: return
func.func @main(%x: tensor<?xf32>) -> (tensor<?xf32> {xf.name = "y"}) {
  return %x : tensor<?xf32>
}
