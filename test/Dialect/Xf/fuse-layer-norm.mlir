// RUN: xfc-opt %s --split-input-file --xf-fuse-layer-norm | FileCheck %s
// RUN: xfc-opt %s --split-input-file --xf-fuse | FileCheck %s
// Decomposed layer and RMS normalization → xf.layer_norm / xf.rms_norm.

// nn.LayerNorm(64, eps=1e-12) as torch.onnx.export writes it at opset 13.
// CHECK-LABEL: func @layer_norm_pytorch
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x64xf32>, %[[G:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[Y:.*]] = xf.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999996E-13 : f32} : tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_pytorch(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<1x16x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999996E-13> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %4 = xf.binary add %3, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %5 = xf.unary sqrt %4 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %7 = xf.binary mul %6, %g : tensor<1x16x64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
  %8 = xf.binary add %7, %b : tensor<1x16x64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
  return %8 : tensor<1x16x64xf32>
}

// -----

// Operands the other way round, d * d for the square, γ as [1, 1, 64].
// CHECK-LABEL: func @layer_norm_commuted
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x32xf32>, %[[G:.*]]: tensor<1x1x32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK-NEXT: %[[G2:.*]] = xf.reshape %[[G]] : tensor<1x1x32xf32> -> tensor<32xf32>
// CHECK-NEXT: %[[Y:.*]] = xf.layer_norm %[[X]], %[[G2]], %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_commuted(%x: tensor<2x8x32xf32>, %g: tensor<1x1x32xf32>, %b: tensor<32xf32>) -> tensor<2x8x32xf32> {
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : tensor<2x8x32xf32> -> tensor<2x8x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<2x8x32xf32>, tensor<2x8x1xf32> -> tensor<2x8x32xf32>
  %2 = xf.binary mul %1, %1 : tensor<2x8x32xf32>, tensor<2x8x32xf32> -> tensor<2x8x32xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<2x8x32xf32> -> tensor<2x8x1xf32>
  %4 = xf.binary add %eps, %3 : tensor<f32>, tensor<2x8x1xf32> -> tensor<2x8x1xf32>
  %5 = xf.unary sqrt %4 : tensor<2x8x1xf32> -> tensor<2x8x1xf32>
  %6 = xf.binary div %1, %5 : tensor<2x8x32xf32>, tensor<2x8x1xf32> -> tensor<2x8x32xf32>
  %7 = xf.binary mul %g, %6 : tensor<1x1x32xf32>, tensor<2x8x32xf32> -> tensor<2x8x32xf32>
  %8 = xf.binary add %b, %7 : tensor<32xf32>, tensor<2x8x32xf32> -> tensor<2x8x32xf32>
  return %8 : tensor<2x8x32xf32>
}

// -----

// No γ or β (elementwise_affine=False): a constant γ of ones; normalizing
// the last two axes gives axis 1.
// CHECK-LABEL: func @layer_norm_two_axes_no_affine
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<8x32xf32>
// CHECK-NEXT: %[[Y:.*]] = xf.layer_norm %arg0, %[[ONES]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : tensor<2x8x32xf32>, tensor<8x32xf32> -> tensor<2x8x32xf32>
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm_two_axes_no_affine(%x: tensor<2x8x32xf32>) -> tensor<2x8x32xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 1, 2>, keep_dims = true} : tensor<2x8x32xf32> -> tensor<2x1x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<2x8x32xf32>, tensor<2x1x1xf32> -> tensor<2x8x32xf32>
  %2 = xf.binary pow %1, %two : tensor<2x8x32xf32>, tensor<f32> -> tensor<2x8x32xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 1, 2>, keep_dims = true} : tensor<2x8x32xf32> -> tensor<2x1x1xf32>
  %4 = xf.binary add %3, %eps : tensor<2x1x1xf32>, tensor<f32> -> tensor<2x1x1xf32>
  %5 = xf.unary sqrt %4 : tensor<2x1x1xf32> -> tensor<2x1x1xf32>
  %6 = xf.binary div %1, %5 : tensor<2x8x32xf32>, tensor<2x1x1xf32> -> tensor<2x8x32xf32>
  return %6 : tensor<2x8x32xf32>
}

// -----

// LLaMA's RMSNorm: x * rsqrt(mean(x²) + eps) * γ, rsqrt exported as
// Reciprocal(Sqrt).
// CHECK-LABEL: func @rms_norm_llama
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x64xf32>, %[[G:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[Y:.*]] = xf.rms_norm %[[X]], %[[G]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<1x16x64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_llama(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>) -> tensor<1x16x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999997E-7> : tensor<f32>
  %0 = xf.binary pow %x, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %1 = xf.reduce mean %0 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %2 = xf.binary add %1, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %3 = xf.unary sqrt %2 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %4 = xf.unary reciprocal %3 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %5 = xf.binary mul %x, %4 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %6 = xf.binary mul %g, %5 : tensor<64xf32>, tensor<1x16x64xf32> -> tensor<1x16x64xf32>
  return %6 : tensor<1x16x64xf32>
}

// -----

// T5's form with 1 / sqrt(...) on the left and no γ.
// CHECK-LABEL: func @rms_norm_one_over
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<64xf32>
// CHECK-NEXT: xf.rms_norm %arg0, %[[ONES]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: xf.unary
func.func @rms_norm_one_over(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999997E-7> : tensor<f32>
  %0 = xf.binary mul %x, %x : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %1 = xf.reduce mean %0 {axes = array<i64: 1>, keep_dims = true} : tensor<4x64xf32> -> tensor<4x1xf32>
  %2 = xf.binary add %eps, %1 : tensor<f32>, tensor<4x1xf32> -> tensor<4x1xf32>
  %3 = xf.unary sqrt %2 : tensor<4x1xf32> -> tensor<4x1xf32>
  %4 = xf.binary div %one, %3 : tensor<f32>, tensor<4x1xf32> -> tensor<4x1xf32>
  %5 = xf.binary mul %4, %x : tensor<4x1xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  return %5 : tensor<4x64xf32>
}

// -----

// Negative: the mean is over the sequence axis, not the trailing one.
// CHECK-LABEL: func @not_trailing_axis
// CHECK-NOT: xf.layer_norm
// CHECK-NOT: xf.rms_norm
// CHECK: xf.unary sqrt
func.func @not_trailing_axis(%x: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x1x64xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x1x64xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 1>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x1x64xf32>
  %4 = xf.binary add %3, %eps : tensor<1x1x64xf32>, tensor<f32> -> tensor<1x1x64xf32>
  %5 = xf.unary sqrt %4 : tensor<1x1x64xf32> -> tensor<1x1x64xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x1x64xf32> -> tensor<1x16x64xf32>
  return %6 : tensor<1x16x64xf32>
}

// -----

// The mean subtracted is over another axis than the variance: not a layer
// norm, but still exactly an RMS norm of the difference.
// CHECK-LABEL: func @centered_on_other_axis
// CHECK-NOT: xf.layer_norm
// CHECK: %[[D:.*]] = xf.binary sub
// CHECK: xf.rms_norm %[[D]]
func.func @centered_on_other_axis(%x: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x1x64xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x1x64xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %4 = xf.binary add %3, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %5 = xf.unary sqrt %4 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  return %6 : tensor<1x16x64xf32>
}

// -----

// Negative: the variance has a second use.
// CHECK-LABEL: func @variance_extra_use
// CHECK-NOT: xf.layer_norm
// CHECK-NOT: xf.rms_norm
// CHECK: xf.unary sqrt
func.func @variance_extra_use(%x: tensor<1x16x64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x1xf32>) {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %4 = xf.binary add %3, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %5 = xf.unary sqrt %4 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  return %6, %3 : tensor<1x16x64xf32>, tensor<1x16x1xf32>
}

// -----

// Negative: pow(d, 3) is not a variance.
// CHECK-LABEL: func @wrong_exponent
// CHECK-NOT: xf.layer_norm
// CHECK-NOT: xf.rms_norm
// CHECK: xf.binary pow
func.func @wrong_exponent(%x: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %three = arith.constant dense<3.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %three : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %4 = xf.binary add %3, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %5 = xf.unary sqrt %4 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  return %6 : tensor<1x16x64xf32>
}

// -----

// A "γ" that varies along the sequence axis is not a per-feature scale: the
// norm fuses, the product stays.
// CHECK-LABEL: func @gamma_over_rows
// CHECK: %[[Y:.*]] = xf.layer_norm %arg0, %{{.*}} {axis = 2 : i64
// CHECK-NEXT: %[[Z:.*]] = xf.binary mul %[[Y]], %arg1
// CHECK-NEXT: return %[[Z]]
func.func @gamma_over_rows(%x: tensor<1x16x64xf32>, %g: tensor<16x1xf32>) -> tensor<1x16x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %0 = xf.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %1 = xf.binary sub %x, %0 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %2 = xf.binary pow %1, %two : tensor<1x16x64xf32>, tensor<f32> -> tensor<1x16x64xf32>
  %3 = xf.reduce mean %2 {axes = array<i64: 2>, keep_dims = true} : tensor<1x16x64xf32> -> tensor<1x16x1xf32>
  %4 = xf.binary add %3, %eps : tensor<1x16x1xf32>, tensor<f32> -> tensor<1x16x1xf32>
  %5 = xf.unary sqrt %4 : tensor<1x16x1xf32> -> tensor<1x16x1xf32>
  %6 = xf.binary div %1, %5 : tensor<1x16x64xf32>, tensor<1x16x1xf32> -> tensor<1x16x64xf32>
  %7 = xf.binary mul %6, %g : tensor<1x16x64xf32>, tensor<16x1xf32> -> tensor<1x16x64xf32>
  return %7 : tensor<1x16x64xf32>
}

// -----

// Negative: an f64 epsilon of 1e-12 is not exact in the op's f32 attribute.
// CHECK-LABEL: func @epsilon_not_f32
// CHECK-NOT: xf.layer_norm
// CHECK: xf.unary sqrt
func.func @epsilon_not_f32(%x: tensor<4x64xf64>) -> tensor<4x64xf64> {
  %two = arith.constant dense<2.000000e+00> : tensor<f64>
  %eps = arith.constant dense<1.000000e-12> : tensor<f64>
  %0 = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : tensor<4x64xf64> -> tensor<4x1xf64>
  %1 = xf.binary sub %x, %0 : tensor<4x64xf64>, tensor<4x1xf64> -> tensor<4x64xf64>
  %2 = xf.binary pow %1, %two : tensor<4x64xf64>, tensor<f64> -> tensor<4x64xf64>
  %3 = xf.reduce mean %2 {axes = array<i64: 1>, keep_dims = true} : tensor<4x64xf64> -> tensor<4x1xf64>
  %4 = xf.binary add %3, %eps : tensor<4x1xf64>, tensor<f64> -> tensor<4x1xf64>
  %5 = xf.unary sqrt %4 : tensor<4x1xf64> -> tensor<4x1xf64>
  %6 = xf.binary div %1, %5 : tensor<4x64xf64>, tensor<4x1xf64> -> tensor<4x64xf64>
  return %6 : tensor<4x64xf64>
}
