// RUN: xfc-opt %s --split-input-file | xfc-opt --split-input-file | FileCheck %s
// Every xf op parses, verifies and prints back the same.

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x3xi1>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  // CHECK: xf.unary exp %{{.*}} : tensor<2x3xf32> -> tensor<2x3xf32>
  %0 = xf.unary exp %a : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: xf.unary leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
  %1 = xf.unary leaky_relu %0 {alpha = 0.1 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: xf.unary is_nan %{{.*}} : tensor<2x3xf32> -> tensor<2x3xi1>
  %2 = xf.unary is_nan %1 : tensor<2x3xf32> -> tensor<2x3xi1>
  // CHECK: xf.binary add %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %3 = xf.binary add %1, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: xf.binary lt {{.*}} -> tensor<2x3xi1>
  %4 = xf.binary lt %3, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  // CHECK: xf.binary and {{.*}} -> tensor<2x3xi1>
  %5 = xf.binary and %4, %c : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  // CHECK: xf.select
  %6 = xf.select %5, %3, %b : tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: xf.cast %{{.*}} : tensor<2x3xi64> -> tensor<2x3xf32>
  %7 = xf.cast %i : tensor<2x3xi64> -> tensor<2x3xf32>
  // CHECK: xf.clamp %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2x3xf32>
  %8 = xf.clamp %7 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x3xf32>
  // CHECK: xf.gelu %{{.*}} {tanh} : tensor<2x3xf32>
  %9 = xf.gelu %8 {tanh} : tensor<2x3xf32>
  %10 = xf.binary mul %9, %6 : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %10 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<2x8xf32>, %g: tensor<8xf32>) -> (tensor<2x1xf32>, tensor<2xi64>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  // CHECK: xf.reduce mean %{{.*}} {axes = array<i64: 1>, keep_dims = true}
  %0 = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : tensor<2x8xf32> -> tensor<2x1xf32>
  // CHECK: xf.arg_reduce
  %1 = xf.arg_reduce %x {axis = 1 : i64, is_max = true, keep_dims = false, select_last_index = false} : tensor<2x8xf32> -> tensor<2xi64>
  // CHECK: xf.softmax %{{.*}} {axis = 1 : i64, log}
  %2 = xf.softmax %x {axis = 1 : i64, log} : tensor<2x8xf32>
  // CHECK: xf.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
  %3 = xf.layer_norm %x, %g, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  // CHECK: xf.rms_norm
  %4 = xf.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %0, %1, %2, %3, %4 : tensor<2x1xf32>, tensor<2xi64>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @linear_algebra
func.func @linear_algebra(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>, %w: tensor<16x8xf32>, %bias: tensor<16xf32>, %q: tensor<1x2x4x8xf32>, %m: tensor<1x1x1x4xf32>) -> (tensor<2x4x16xf32>, tensor<2x4x16xf32>, tensor<1x2x4x8xf32>) {
  // CHECK: xf.matmul %{{.*}}, %{{.*}} : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
  %0 = xf.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
  // CHECK: xf.linear %{{.*}}, %{{.*}}, %{{.*}} activation(gelu)
  %1 = xf.linear %a, %w, %bias activation(gelu) : tensor<2x4x8xf32>, tensor<16x8xf32>, tensor<16xf32> -> tensor<2x4x16xf32>
  // CHECK: xf.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 0.3535{{.*}} : f32}
  %2 = xf.attention %q, %q, %q, %m {scale = 0.35355339 : f32, causal} : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x1x4xf32> -> tensor<1x2x4x8xf32>
  return %0, %1, %2 : tensor<2x4x16xf32>, tensor<2x4x16xf32>, tensor<1x2x4x8xf32>
}

// -----

// CHECK-LABEL: func @conv_pool
func.func @conv_pool(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // CHECK: xf.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %0 = xf.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32> -> tensor<1x4x8x8xf32>
  // CHECK: xf.pool max
  %1 = xf.pool max %0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %1 : tensor<1x4x4x4xf32>
}

// -----

// Integer convolutions (ConvInteger, QLinearConv) run on i32.
// CHECK-LABEL: func @conv_i32
func.func @conv_i32(%x: tensor<1x2x5x5xi32>, %w: tensor<4x2x3x3xi32>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi32> {
  // CHECK: xf.conv %{{.*}}, %{{.*}}, %{{.*}} {{.*}} : tensor<1x2x5x5xi32>, tensor<4x2x3x3xi32>, tensor<4xi32> -> tensor<1x4x3x3xi32>
  %0 = xf.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x2x5x5xi32>, tensor<4x2x3x3xi32>, tensor<4xi32> -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}

// -----

// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>, %t: tensor<100x8xf32>, %ids: tensor<1x5xi64>) -> (tensor<6x4xf32>, tensor<4x3x2xf32>, tensor<2x2x3x4xf32>, tensor<2x6x4xf32>, tensor<2x1x2xf32>, tensor<1x5x8xf32>, tensor<1x5x8xf32>, tensor<2x5x4xf32>, tensor<2x3x4xf32>) {
  // CHECK: xf.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = xf.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: xf.transpose %{{.*}} {perm = array<i64: 2, 1, 0>}
  %1 = xf.transpose %x {perm = array<i64: 2, 1, 0>} : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  // CHECK: xf.broadcast
  %2 = xf.broadcast %x : tensor<2x3x4xf32> -> tensor<2x2x3x4xf32>
  // CHECK: xf.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  %3 = xf.concat %x, %x {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  // CHECK: xf.slice %{{.*}} {starts = array<i64: 0, 2, 3>, steps = array<i64: 1, 1, -2>}
  %4 = xf.slice %x {starts = array<i64: 0, 2, 3>, steps = array<i64: 1, 1, -2>} : tensor<2x3x4xf32> -> tensor<2x1x2xf32>
  // CHECK: xf.gather %{{.*}}, %{{.*}} {axis = 0 : i64}
  %5 = xf.gather %t, %ids {axis = 0 : i64} : tensor<100x8xf32>, tensor<1x5xi64> -> tensor<1x5x8xf32>
  // CHECK: xf.embedding
  %6 = xf.embedding %t, %ids : tensor<100x8xf32>, tensor<1x5xi64> -> tensor<1x5x8xf32>
  // CHECK: xf.pad reflect %{{.*}} {pads = array<i64: 0, 1, 0, 0, 1, 0>, value = 0.000000e+00 : f64}
  %7 = xf.pad reflect %x {pads = array<i64: 0, 1, 0, 0, 1, 0>, value = 0.0 : f64} : tensor<2x3x4xf32> -> tensor<2x5x4xf32>
  // CHECK: xf.trilu %{{.*}}, %{{.*}} {upper = false} : tensor<2x3x4xf32>, tensor<i64>
  %k = arith.constant dense<1> : tensor<i64>
  %8 = xf.trilu %x, %k {upper = false} : tensor<2x3x4xf32>, tensor<i64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<6x4xf32>, tensor<4x3x2xf32>, tensor<2x2x3x4xf32>, tensor<2x6x4xf32>, tensor<2x1x2xf32>, tensor<1x5x8xf32>, tensor<1x5x8xf32>, tensor<2x5x4xf32>, tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @indexing
func.func @indexing(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>, %t: tensor<2x1xi32>, %r: tensor<2x4xf32>) -> (tensor<3x4xf32>, tensor<3x2xf32>, tensor<3x2xi64>, tensor<3x2xf32>, tensor<2x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) {
  // CHECK: xf.cumsum %{{.*}} {axis = 1 : i64, exclusive = true, reverse = false} : tensor<3x4xf32>
  %0 = xf.cumsum %x {axis = 1 : i64, exclusive = true, reverse = false} : tensor<3x4xf32>
  // CHECK: xf.topk %{{.*}} {axis = 1 : i64, k = 2 : i64, largest = false} : tensor<3x4xf32> -> tensor<3x2xf32>, tensor<3x2xi64>
  %1:2 = xf.topk %x {axis = 1 : i64, k = 2 : i64, largest = false} : tensor<3x4xf32> -> tensor<3x2xf32>, tensor<3x2xi64>
  // CHECK: xf.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
  %2 = xf.gather_elements %x, %i {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64> -> tensor<3x2xf32>
  // CHECK: xf.gather_nd %{{.*}}, %{{.*}} {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x1xi32> -> tensor<2x4xf32>
  %3 = xf.gather_nd %x, %t {batch_dims = 0 : i64} : tensor<3x4xf32>, tensor<2x1xi32> -> tensor<2x4xf32>
  // CHECK: xf.scatter_elements add %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32> -> tensor<3x4xf32>
  %4 = xf.scatter_elements add %x, %i, %u {axis = 1 : i64} : tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32> -> tensor<3x4xf32>
  // CHECK: xf.scatter_nd none %{{.*}}, %{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32> -> tensor<3x4xf32>
  %5 = xf.scatter_nd none %x, %t, %r : tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32> -> tensor<3x4xf32>
  return %0, %1#0, %1#1, %2, %3, %4, %5 : tensor<3x4xf32>, tensor<3x2xf32>, tensor<3x2xi64>, tensor<3x2xf32>, tensor<2x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// A run-time k (the results dynamic along the axis) and a dynamic index
// tuple length, which the ranks imply.
// CHECK-LABEL: func @indexing_dynamic
func.func @indexing_dynamic(%x: tensor<?x?xf32>, %k: tensor<i64>, %t: tensor<?x?xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?xf32>) {
  // CHECK: xf.topk %{{.*}}, %{{.*}} {axis = 1 : i64, k = 0 : i64, largest = true} : tensor<?x?xf32>, tensor<i64> -> tensor<?x?xf32>, tensor<?x?xi64>
  %0:2 = xf.topk %x, %k {axis = 1 : i64, k = 0 : i64, largest = true} : tensor<?x?xf32>, tensor<i64> -> tensor<?x?xf32>, tensor<?x?xi64>
  // CHECK: xf.gather_nd %{{.*}}, %{{.*}} {batch_dims = 0 : i64} : tensor<?x?xf32>, tensor<?x?xi64> -> tensor<?xf32>
  %1 = xf.gather_nd %x, %t {batch_dims = 0 : i64} : tensor<?x?xf32>, tensor<?x?xi64> -> tensor<?xf32>
  return %0#0, %0#1, %1 : tensor<?x?xf32>, tensor<?x?xi64>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @assert
func.func @assert(%ok: tensor<3xi1>, %one: tensor<i1>) {
  // CHECK: xf.assert %{{.*}}, "node 'r' (Reshape): the target shape must give [4, 3, 2]" : tensor<3xi1>
  xf.assert %ok, "node 'r' (Reshape): the target shape must give [4, 3, 2]" : tensor<3xi1>
  // CHECK: xf.assert %{{.*}}, "scalar" : tensor<i1>
  xf.assert %one, "scalar" : tensor<i1>
  return
}

// -----

// CHECK-LABEL: func @grid_sample
func.func @grid_sample(%x: tensor<2x3x8x8xf32>, %g: tensor<2x4x5x2xf32>) -> tensor<2x3x4x5xf32> {
  // CHECK: xf.grid_sample cubic %{{.*}}, %{{.*}} padding reflection {align_corners = true} : tensor<2x3x8x8xf32>, tensor<2x4x5x2xf32> -> tensor<2x3x4x5xf32>
  %0 = xf.grid_sample cubic %x, %g padding reflection {align_corners = true} : tensor<2x3x8x8xf32>, tensor<2x4x5x2xf32> -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func @roi_align
func.func @roi_align(%x: tensor<2x3x10x10xf32>, %r: tensor<4x4xf32>, %i: tensor<4xi64>) -> tensor<4x3x5x5xf32> {
  // CHECK: xf.roi_align max %{{.*}}, %{{.*}}, %{{.*}} {half_pixel = true, sampling_ratio = 2 : i64, spatial_scale = 5.000000e-01 : f64} : tensor<2x3x10x10xf32>, tensor<4x4xf32>, tensor<4xi64> -> tensor<4x3x5x5xf32>
  %0 = xf.roi_align max %x, %r, %i {half_pixel = true, sampling_ratio = 2 : i64, spatial_scale = 0.5 : f64} : tensor<2x3x10x10xf32>, tensor<4x4xf32>, tensor<4xi64> -> tensor<4x3x5x5xf32>
  return %0 : tensor<4x3x5x5xf32>
}

// -----

// CHECK-LABEL: func @nms
func.func @nms(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<i64>, %i: tensor<f32>, %t: tensor<f32>) -> tensor<1x2x6xi64> {
  // CHECK: xf.nms %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {center_point_box = false} : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32> -> tensor<1x2x6xi64>
  %0 = xf.nms %b, %s, %m, %i, %t {center_point_box = false} : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32> -> tensor<1x2x6xi64>
  return %0 : tensor<1x2x6xi64>
}

// -----

// CHECK-LABEL: func.func @output_buffer
func.func @output_buffer(%n: index) -> memref<?x16xf32> {
  // CHECK: xf.output_buffer 0(%{{.*}}) : memref<?x16xf32>
  %0 = xf.output_buffer 0 (%n) : memref<?x16xf32>
  return %0 : memref<?x16xf32>
}

// -----

// CHECK-LABEL: func @resize
func.func @resize(%x: tensor<1x1x2x4xf32>, %s: tensor<4xf32>, %roi: tensor<8xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x3x3xf32>) {
  // CHECK: xf.resize cubic %{{.*}}, %{{.*}} coordinates half_pixel nearest round_prefer_floor {cubic_coeff_a = -7.500000e-01 : f64, exclude_outside = false, extrapolation_value = 0.000000e+00 : f64} : tensor<1x1x2x4xf32>, tensor<4xf32> -> tensor<1x1x4x8xf32>
  %0 = xf.resize cubic %x, %s coordinates half_pixel nearest round_prefer_floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x1x2x4xf32>, tensor<4xf32> -> tensor<1x1x4x8xf32>
  // CHECK: xf.resize linear %{{.*}}, %{{.*}}, roi %{{.*}} coordinates tf_crop_and_resize nearest floor
  %1 = xf.resize linear %x, %s, roi %roi coordinates tf_crop_and_resize nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 10.0 : f64} : tensor<1x1x2x4xf32>, tensor<4xf32>, tensor<8xf32> -> tensor<1x1x3x3xf32>
  return %0, %1 : tensor<1x1x4x8xf32>, tensor<1x1x3x3xf32>
}

// CHECK-LABEL: func @resize_dynamic
func.func @resize_dynamic(%x: tensor<?x1x2x4xf32>, %s: tensor<4xf32>, %n: index, %h: index) -> tensor<?x1x?x8xf32> {
  // CHECK: xf.resize linear %{{.*}}, %{{.*}} sizes(%{{.*}}, %{{.*}}) coordinates half_pixel
  %0 = xf.resize linear %x, %s sizes(%n, %h) coordinates half_pixel nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<?x1x2x4xf32>, tensor<4xf32> -> tensor<?x1x?x8xf32>
  return %0 : tensor<?x1x?x8xf32>
}

// -----

// CHECK-LABEL: func @runtime_sizes
func.func @runtime_sizes(%x: tensor<?x1xf32>, %s: tensor<3xi64>) -> (tensor<?x?x?xf32>, tensor<?x?x?xi64>) {
  // CHECK: xf.expand %{{.*}}, %{{.*}} : tensor<?x1xf32>, tensor<3xi64> -> tensor<?x?x?xf32>
  %0 = xf.expand %x, %s : tensor<?x1xf32>, tensor<3xi64> -> tensor<?x?x?xf32>
  // CHECK: xf.iota %{{.*}} {axis = 2 : i64} : tensor<3xi64> -> tensor<?x?x?xi64>
  %1 = xf.iota %s {axis = 2 : i64} : tensor<3xi64> -> tensor<?x?x?xi64>
  return %0, %1 : tensor<?x?x?xf32>, tensor<?x?x?xi64>
}

// -----

// CHECK-LABEL: func @pad_runtime
func.func @pad_runtime(%x: tensor<?x3xf32>, %p: tensor<4xi64>, %v: tensor<f32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  // CHECK: xf.pad edge %{{.*}} pads %{{.*}} : tensor<4xi64> {pads = array<i64>, value = 0.000000e+00 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
  %0 = xf.pad edge %x pads %p : tensor<4xi64> {pads = array<i64>, value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
  // CHECK: xf.pad constant %{{.*}} pads %{{.*}} : tensor<4xi64> value %{{.*}} : tensor<f32>
  %1 = xf.pad constant %x pads %p : tensor<4xi64> value %v : tensor<f32> {pads = array<i64>, value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
  return %0, %1 : tensor<?x?xf32>, tensor<?x?xf32>
}
