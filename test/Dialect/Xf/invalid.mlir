// RUN: xfc-opt %s --split-input-file --verify-diagnostics
// One case per verifier error of the xf dialect.

func.func @unary_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape differs from the input shape}}
  %0 = xf.unary exp %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @unary_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'exp' requires floating-point elements}}
  %0 = xf.unary exp %x : tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

func.func @unary_not(%x: tensor<4xf32>) {
  // expected-error @+1 {{'not' requires i1 elements}}
  %0 = xf.unary not %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @unary_isnan(%x: tensor<4xf32>) {
  // expected-error @+1 {{is_nan/is_inf map floats to i1}}
  %0 = xf.unary is_nan %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @binary_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = xf.binary add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @binary_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result shape [3, 3] does not match the expected [2, 3]}}
  %0 = xf.binary add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @binary_types(%a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{operand element types differ}}
  %0 = xf.binary add %a, %b : tensor<3xf32>, tensor<3xi32> -> tensor<3xf32>
  return
}

// -----

func.func @binary_compare(%a: tensor<3xf32>) {
  // expected-error @+1 {{comparisons produce i1}}
  %0 = xf.binary lt %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @binary_logical(%a: tensor<3xf32>) {
  // expected-error @+1 {{logical ops require i1 operands}}
  %0 = xf.binary and %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @binary_bitwise(%a: tensor<3xf32>) {
  // expected-error @+1 {{bitwise ops require integer operands}}
  %0 = xf.binary bitand %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @binary_result_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{result element type differs from the operands'}}
  %0 = xf.binary add %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xf16>
  return
}

// -----

func.func @select_types(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{branch and result element types differ}}
  %0 = xf.select %c, %a, %b : tensor<3xi1>, tensor<3xf32>, tensor<3xi32> -> tensor<3xf32>
  return
}

// -----

func.func @select_shapes(%c: tensor<4xi1>, %a: tensor<3xf32>) {
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = xf.select %c, %a, %a : tensor<4xi1>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{result shape differs from the input shape}}
  %0 = xf.cast %a : tensor<3xf32> -> tensor<4xi32>
  return
}

// -----

func.func @clamp_bounds(%a: tensor<3xf32>) {
  // expected-error @+1 {{min is greater than max}}
  %0 = xf.clamp %a {min = 2.0 : f64, max = 1.0 : f64} : tensor<3xf32>
  return
}

// -----

func.func @reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range}}
  %0 = xf.reduce sum %a {axes = array<i64: 2>, keep_dims = false} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_sorted(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axes must be sorted and unique}}
  %0 = xf.reduce sum %a {axes = array<i64: 1, 0>, keep_dims = false} : tensor<2x3xf32> -> tensor<f32>
  return
}

// -----

func.func @reduce_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape [2] does not match the expected [2, 1]}}
  %0 = xf.reduce sum %a {axes = array<i64: 1>, keep_dims = true} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result element type differs from the input's}}
  %0 = xf.reduce sum %a {axes = array<i64: 1>, keep_dims = false} : tensor<2x3xf32> -> tensor<2xf64>
  return
}

// -----

func.func @arg_reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.arg_reduce %a {axis = 2 : i64, is_max = true, keep_dims = false, select_last_index = false} : tensor<2x3xf32> -> tensor<2xi64>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.softmax %a {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_param(%a: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{scale/bias does not broadcast to the normalized dimensions}}
  %0 = xf.layer_norm %a, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<4xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_type(%a: tensor<2x8xf32>, %g: tensor<8xf16>) {
  // expected-error @+1 {{scale/bias element type differs from the input's}}
  %0 = xf.layer_norm %a, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<8xf16> -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_result(%a: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{result type differs from the input type}}
  %0 = xf.layer_norm %a, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<8xf32> -> tensor<8x2xf32>
  return
}

// -----

func.func @rms_norm_axis(%a: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %0 = xf.rms_norm %a, %g {axis = -1 : i64, epsilon = 1.0e-5 : f32} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{operand shapes are not compatible for a matrix product}}
  %0 = xf.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<2x3xf32>, %b: tensor<3x5xf16>) {
  // expected-error @+1 {{operand and result element types differ}}
  %0 = xf.matmul %a, %b : tensor<2x3xf32>, tensor<3x5xf16> -> tensor<2x5xf32>
  return
}

// -----

func.func @linear_rank(%a: tensor<2x3xf32>, %w: tensor<3xf32>) {
  // expected-error @+1 {{expects input [..., K] and weight [N, K]}}
  %0 = xf.linear %a, %w : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @linear_k(%a: tensor<2x3xf32>, %w: tensor<4x5xf32>) {
  // expected-error @+1 {{input K and weight K differ}}
  %0 = xf.linear %a, %w : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_bias(%a: tensor<2x3xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must be [N]}}
  %0 = xf.linear %a, %w, %b : tensor<2x3xf32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @attention_rank(%q: tensor<2x4x8xf32>) {
  // expected-error @+1 {{query, key and value must be [B, H, S, D]}}
  %0 = xf.attention %q, %q, %q {scale = 1.0 : f32} : tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  return
}

// -----

func.func @attention_heads(%q: tensor<1x2x4x8xf32>, %k: tensor<1x3x4x8xf32>) {
  // expected-error @+1 {{batch, head or key-length dimensions differ}}
  %0 = xf.attention %q, %k, %k {scale = 1.0 : f32} : tensor<1x2x4x8xf32>, tensor<1x3x4x8xf32>, tensor<1x3x4x8xf32> -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_head_size(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x16xf32>) {
  // expected-error @+1 {{query and key head sizes differ}}
  %0 = xf.attention %q, %k, %k {scale = 1.0 : f32} : tensor<1x2x4x8xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32> -> tensor<1x2x4x16xf32>
  return
}

// -----

func.func @attention_mask(%q: tensor<1x2x4x8xf32>, %m: tensor<1x1x3x4xf32>) {
  // expected-error @+1 {{mask does not broadcast to [B, H, Sq, Sk]}}
  %0 = xf.attention %q, %q, %q, %m {scale = 1.0 : f32} : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x3x4xf32> -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{weight rank differs from input rank}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_types(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{operand and result element types differ}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xi32>, tensor<4x3x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_i1(%x: tensor<1x3x8x8xi1>, %w: tensor<4x3x3x3xi1>) {
  // expected-error @+1 {{i1 convolutions are not supported}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xi1>, tensor<4x3x3x3xi1> -> tensor<1x4x6x6xi1>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{group must be positive}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 0 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{weight channels do not match input channels / group}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_filters(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+1 {{filters are not divisible by group}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must be [F]}}
  %0 = xf.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_attrs(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{window attributes do not match 2 spatial dimensions}}
  %0 = xf.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides, dilations and kernel must be positive}}
  %0 = xf.conv %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_input_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{input must be [N, C, spatial...]}}
  %0 = xf.conv %x, %w {strides = array<i64>, pads = array<i64>, dilations = array<i64>, group = 1 : i64} : tensor<3x8xf32>, tensor<4x3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape [1, 4, 8, 8] does not match the expected [1, 4, 6, 6]}}
  %0 = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{result rank differs from input rank}}
  %0 = xf.pool max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4xf32>
  return
}

// -----

func.func @pool_result(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{does not match the expected [1, 3, 4, 4]}}
  %0 = xf.pool max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element counts differ: 6 vs 8}}
  %0 = xf.reshape %x : tensor<2x3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @reshape_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element types differ}}
  %0 = xf.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @transpose_size(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm has 3 entries for rank 2}}
  %0 = xf.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = xf.transpose %x {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element types differ}}
  %0 = xf.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xi32>
  return
}

// -----

func.func @broadcast_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{input does not broadcast to the result shape}}
  %0 = xf.broadcast %x : tensor<2x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @broadcast_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{element types differ}}
  %0 = xf.broadcast %x : tensor<3xf32> -> tensor<2x3xi32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = "xf.concat"() <{axis = 0 : i64}> : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.concat %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_rank(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{inputs differ in rank or element type from the result}}
  %0 = xf.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_dim(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) {
  // expected-error @+1 {{input dimension 0 differs from the result}}
  %0 = xf.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_sum(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result axis size 7 is not the sum 6}}
  %0 = xf.concat %x, %x {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return
}

// -----

func.func @slice_rank(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{starts/steps/result must have the input's rank}}
  %0 = xf.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_step(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{step of dimension 1 is zero}}
  %0 = xf.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{slice of dimension 1 is out of bounds}}
  %0 = xf.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, 2>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.gather %x, %i {axis = 2 : i64} : tensor<4x8xf32>, tensor<2xi64> -> tensor<4x2xf32>
  return
}

// -----

func.func @gather_shape(%x: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{does not match the expected [2, 8]}}
  %0 = xf.gather %x, %i {axis = 0 : i64} : tensor<4x8xf32>, tensor<2xi64> -> tensor<4x8xf32>
  return
}

// -----

func.func @embedding_table(%t: tensor<8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{table must be [V, D]}}
  %0 = xf.embedding %t, %i : tensor<8xf32>, tensor<2xi64> -> tensor<2xf32>
  return
}

// -----

func.func @embedding_shape(%t: tensor<8x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{does not match the expected [2, 4]}}
  %0 = xf.embedding %t, %i : tensor<8x4xf32>, tensor<2xi64> -> tensor<2x8xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{pads must have 2 * rank entries}}
  %0 = xf.pad constant %x {pads = array<i64: 1, 1>, value = 0.0 : f64} : tensor<2x3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_crop(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{only constant padding may crop}}
  %0 = xf.pad edge %x {pads = array<i64: -1, 0, 0, 0>, value = 0.0 : f64} : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{does not match the expected [4, 3]}}
  %0 = xf.pad constant %x {pads = array<i64: 1, 0, 1, 0>, value = 0.0 : f64} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>, %k: tensor<i64>) {
  // expected-error @+1 {{input must have rank 2 or more}}
  %0 = xf.trilu %x, %k {upper = true} : tensor<3xf32>, tensor<i64>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0 = xf.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<4xf32>
  return
}

// -----

func.func @topk_rank(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank 1 or more}}
  %0:2 = xf.topk %x {axis = 0 : i64, k = 1 : i64, largest = true} : tensor<f32> -> tensor<f32>, tensor<i64>
  return
}

// -----

func.func @topk_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0:2 = xf.topk %x {axis = 1 : i64, k = 1 : i64, largest = true} : tensor<4xf32> -> tensor<1xf32>, tensor<1xi64>
  return
}

// -----

func.func @topk_k(%x: tensor<4xf32>) {
  // expected-error @+1 {{k = 5 is out of range for an axis of size 4}}
  %0:2 = xf.topk %x {axis = 0 : i64, k = 5 : i64, largest = true} : tensor<4xf32> -> tensor<5xf32>, tensor<5xi64>
  return
}

// -----

func.func @topk_values_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{values element type differs from the input's}}
  %0:2 = xf.topk %x {axis = 0 : i64, k = 2 : i64, largest = true} : tensor<4xf32> -> tensor<2xf16>, tensor<2xi64>
  return
}

// -----

func.func @topk_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{result shape [3] does not match the expected [2]}}
  %0:2 = xf.topk %x {axis = 0 : i64, k = 2 : i64, largest = true} : tensor<4xf32> -> tensor<2xf32>, tensor<3xi64>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0 = xf.gather_elements %x, %i {axis = 1 : i64} : tensor<4xf32>, tensor<2xi64> -> tensor<2xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{indices rank 2 differs from the data rank 1}}
  %0 = xf.gather_elements %x, %i {axis = 0 : i64} : tensor<4xf32>, tensor<2x1xi64> -> tensor<2x1xf32>
  return
}

// -----

func.func @gather_elements_elt(%x: tensor<4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{result element type differs from the data's}}
  %0 = xf.gather_elements %x, %i {axis = 0 : i64} : tensor<4xf32>, tensor<2xi64> -> tensor<2xf16>
  return
}

// -----

func.func @topk_k_value(%x: tensor<4xf32>, %k: tensor<i64>) {
  // expected-error @+1 {{k must be 0 when k_value gives it}}
  %0:2 = xf.topk %x, %k {axis = 0 : i64, k = 2 : i64, largest = true} : tensor<4xf32>, tensor<i64> -> tensor<?xf32>, tensor<?xi64>
  return
}

// -----

func.func @gather_elements_shape(%x: tensor<4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{result shape [3] does not match the expected [2]}}
  %0 = xf.gather_elements %x, %i {axis = 0 : i64} : tensor<4xf32>, tensor<2xi64> -> tensor<3xf32>
  return
}

// -----

func.func @gather_nd_batch(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{batch_dims 2 must be below the ranks of data and indices}}
  %0 = xf.gather_nd %x, %i {batch_dims = 2 : i64} : tensor<4x4xf32>, tensor<2x1xi64> -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_batch_shape(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{data and indices differ in the batch dimensions}}
  %0 = xf.gather_nd %x, %i {batch_dims = 1 : i64} : tensor<4x4xf32>, tensor<2x1xi64> -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_dynamic(%x: tensor<4x4xf32>, %i: tensor<2x?xi64>) {
  // A dynamic tuple size is what the ranks imply: 0 here.
  // expected-error @+1 {{index tuples of size 0 do not address data of rank 2}}
  %0 = xf.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<4x4xf32>, tensor<2x?xi64> -> tensor<2x4x4xf32>
  return
}

// -----

func.func @gather_nd_tuple(%x: tensor<4x4xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+1 {{index tuples of size 3 do not address data of rank 2}}
  %0 = xf.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<4x4xf32>, tensor<2x3xi64> -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_elt(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{result element type differs from the data's}}
  %0 = xf.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<4x4xf32>, tensor<2x1xi64> -> tensor<2x4xi32>
  return
}

// -----

func.func @gather_nd_shape(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{result shape [2] does not match the expected [2, 4]}}
  %0 = xf.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<4x4xf32>, tensor<2x1xi64> -> tensor<2xf32>
  return
}

// -----

func.func @scatter_result(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{result type differs from the data type}}
  %0 = xf.scatter_elements none %x, %i, %u {axis = 0 : i64} : tensor<4xf32>, tensor<2xi64>, tensor<2xf32> -> tensor<5xf32>
  return
}

// -----

func.func @scatter_updates_elt(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf16>) {
  // expected-error @+1 {{updates element type differs from the data's}}
  %0 = xf.scatter_elements none %x, %i, %u {axis = 0 : i64} : tensor<4xf32>, tensor<2xi64>, tensor<2xf16> -> tensor<4xf32>
  return
}

// -----

func.func @scatter_bool_reduction(%x: tensor<4xi1>, %i: tensor<2xi64>, %u: tensor<2xi1>) {
  // expected-error @+1 {{reductions need numeric elements}}
  %0 = xf.scatter_elements add %x, %i, %u {axis = 0 : i64} : tensor<4xi1>, tensor<2xi64>, tensor<2xi1> -> tensor<4xi1>
  return
}

// -----

func.func @scatter_elements_shape(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<3xf32>) {
  // expected-error @+1 {{indices and updates differ in shape}}
  %0 = xf.scatter_elements none %x, %i, %u {axis = 0 : i64} : tensor<4xf32>, tensor<2xi64>, tensor<3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @scatter_nd_rank(%x: tensor<4xf32>, %i: tensor<i64>, %u: tensor<f32>) {
  // expected-error @+1 {{indices must have rank 1 or more}}
  %0 = xf.scatter_nd none %x, %i, %u : tensor<4xf32>, tensor<i64>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

func.func @scatter_nd_updates(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{updates shape does not match indices.shape[:-1] + data.shape[m:]}}
  %0 = xf.scatter_nd none %x, %i, %u : tensor<4x4xf32>, tensor<2x1xi64>, tensor<2xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @assert_message(%ok: tensor<i1>) {
  // expected-error @+1 {{needs a message for the user}}
  xf.assert %ok, "" : tensor<i1>
  return
}

// -----

func.func @output_buffer_sizes(%n: index) {
  // expected-error @+1 {{needs one size per dynamic dimension (2), got 1}}
  %0 = xf.output_buffer 0 (%n) : memref<?x?xf32>
  return
}

// -----

func.func @resize_rank(%x: tensor<1x1x2x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{result must have the input's rank and element type}}
  %0 = xf.resize nearest %x, %s coordinates asymmetric nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x1x2x4xf32>, tensor<4xf32> -> tensor<1x4x8xf32>
  return
}

// -----

func.func @resize_int_linear(%x: tensor<1x4xi32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{linear and cubic resizing need a float input}}
  %0 = xf.resize linear %x, %s coordinates asymmetric nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x4xi32>, tensor<2xf32> -> tensor<1x8xi32>
  return
}

// -----

func.func @resize_scales(%x: tensor<1x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{scales must be a 1-D tensor of 2 elements}}
  %0 = xf.resize nearest %x, %s coordinates asymmetric nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x4xf32>, tensor<3xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<1x4xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{roi is given exactly for tf_crop_and_resize}}
  %0 = xf.resize linear %x, %s coordinates tf_crop_and_resize nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x4xf32>, tensor<2xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @resize_sizes(%x: tensor<?x4xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{needs one output size per dynamic result dimension}}
  %0 = xf.resize nearest %x, %s coordinates asymmetric nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<?x4xf32>, tensor<2xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @resize_roi_size(%x: tensor<1x4xf32>, %s: tensor<2xf32>, %roi: tensor<2xf32>) {
  // expected-error @+1 {{roi must be a 1-D tensor of 4 elements}}
  %0 = xf.resize linear %x, %s, roi %roi coordinates tf_crop_and_resize nearest floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x4xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @grid_sample_components(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x3xf32>) {
  // expected-error @+1 {{grid's last dimension must be 2}}
  %0 = xf.grid_sample linear %x, %g padding zeros {align_corners = false} : tensor<1x3x8x8xf32>, tensor<1x4x4x3xf32> -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @grid_sample_result(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x2xf32>) {
  // expected-error @+1 {{result must be [N, C] of the input followed by the grid's spatial dimensions}}
  %0 = xf.grid_sample linear %x, %g padding zeros {align_corners = false} : tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32> -> tensor<1x3x4x5xf32>
  return
}

// -----

func.func @roi_align_boxes(%x: tensor<1x3x8x8xf32>, %r: tensor<4x5xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{rois must be [R, 4] and batch_indices [R]}}
  %0 = xf.roi_align avg %x, %r, %i {half_pixel = true, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f64} : tensor<1x3x8x8xf32>, tensor<4x5xf32>, tensor<4xi64> -> tensor<4x3x2x2xf32>
  return
}

// -----

func.func @roi_align_samples(%x: tensor<1x3x8x8xf32>, %r: tensor<4x4xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{sampling_ratio must be positive}}
  %0 = xf.roi_align avg %x, %r, %i {half_pixel = true, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f64} : tensor<1x3x8x8xf32>, tensor<4x4xf32>, tensor<4xi64> -> tensor<4x3x2x2xf32>
  return
}

// -----

func.func @nms_counts(%b: tensor<1x6x4xf32>, %s: tensor<1x2x5xf32>, %m: tensor<i64>, %i: tensor<f32>, %t: tensor<f32>) {
  // expected-error @+1 {{boxes, scores and the result must agree on B, C and N}}
  %0 = xf.nms %b, %s, %m, %i, %t {center_point_box = false} : tensor<1x6x4xf32>, tensor<1x2x5xf32>, tensor<i64>, tensor<f32>, tensor<f32> -> tensor<1x2x5xi64>
  return
}

// -----

func.func @expand_shape_length(%x: tensor<?xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{shape has 3 entries for a result of rank 2}}
  %0 = xf.expand %x, %s : tensor<?xf32>, tensor<3xi64> -> tensor<?x?xf32>
  return
}

// -----

func.func @expand_rank(%x: tensor<?x?x?xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{input rank 3 exceeds result rank 2}}
  %0 = xf.expand %x, %s : tensor<?x?x?xf32>, tensor<2xi64> -> tensor<?x?xf32>
  return
}

// -----

func.func @iota_axis(%s: tensor<2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = xf.iota %s {axis = 2 : i64} : tensor<2xi64> -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_runtime_pads_length(%x: tensor<?x3xf32>, %p: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{runtime_pads must be a vector of 2 * rank entries, and pads then empty}}
  %0 = xf.pad edge %x pads %p : tensor<2xi64> {pads = array<i64>, value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
