// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Windows whose sizes are only known at run time: a run-time weight's kernel
// bounds the window loops, SAME pads (auto_pad) and ceil_mode's output sizes
// are computed from the input sizes, and a window that does not fit the
// padded input stops the call with the node's message.

// CHECK-LABEL: func @conv_dynamic_weight
// CHECK: %[[K:.*]] = tensor.dim %arg1, %c2
// CHECK: arith.ceildivsi
// CHECK: tensor.pad %arg0 low[0, 0, %{{.*}}, %{{.*}}] high[0, 0, %{{.*}}, %{{.*}}]
// CHECK: call @__xfc_shape_check_failed
// CHECK: tensor.expand_shape %arg1 {{\[}}[0, 1], [2], [3], [4]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x1x?x?x?xf32>, tensor<1x?x?x?x?xf32>)
func.func @conv_dynamic_weight(%x: tensor<?x?x?x?xf32>, %w: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = xf.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, auto_pad = "same_upper"} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32> loc(fused<"Conv">["conv"])
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// ceil_mode: out = ceil((in + pads - span) / stride) + 1, one less when the
// last window would start past the input; the high pad grows to fit it.
// CHECK-LABEL: func @pool_ceil
// CHECK: arith.ceildivsi
// CHECK: arith.select
// CHECK: tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, %{{.*}}, %{{.*}}]
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?x?xf32>
func.func @pool_ceil(%x: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = xf.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false, ceil_mode} : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32> loc(fused<"MaxPool">["pool"])
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// A transposed convolution with run-time sizes gathers the input at
// (o + pad - k * dilation) / stride where that division is exact.
// CHECK: module attributes {xf.check_messages = ["node 'ct' (ConvTranspose): the weight's dimension 0 must equal the input channels", "node 'ct' (ConvTranspose): the pads must leave an output in spatial dimension 0"]}
// CHECK-LABEL: func @conv_transpose
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<1x?x?x?xf32>) outs(%{{.*}} : tensor<?x1x?x?xf32>)
// CHECK: arith.floordivsi
// CHECK: tensor.extract
// CHECK: tensor.collapse_shape
func.func @conv_transpose(%x: tensor<?x?x?xf32>, %w: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %0 = xf.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, output_padding = array<i64: 0>, group = 1 : i64} : tensor<?x?x?xf32>, tensor<?x?x?xf32> -> tensor<?x?x?xf32> loc(fused<"ConvTranspose">["ct"])
  return %0 : tensor<?x?x?xf32>
}
