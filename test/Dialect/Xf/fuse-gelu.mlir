// RUN: xfc-opt %s --split-input-file --xf-fuse-gelu | FileCheck %s
// RUN: xfc-opt %s --split-input-file --xf-fuse | FileCheck %s
// Decomposed GELU → xf.gelu; every constant and intermediate use checked.

// nn.GELU() as torch.onnx.export writes it (BERT's FFN shapes).
// CHECK-LABEL: func @erf_pytorch
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x256xf32>)
// CHECK-NEXT: %[[G:.*]] = xf.gelu %[[X]] : tensor<1x16x256xf32>
// CHECK-NEXT: return %[[G]]
func.func @erf_pytorch(%x: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %1 = xf.unary erf %0 : tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %2 = xf.binary add %1, %one : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %3 = xf.binary mul %x, %2 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %4 = xf.binary mul %3, %half : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  return %4 : tensor<1x16x256xf32>
}

// -----

// Hugging Face's `x * 0.5 * (1.0 + erf(x * (1/√2)))`, constants on the left.
// CHECK-LABEL: func @erf_half_first
// CHECK-SAME: (%[[X:.*]]: tensor<1x17x256xf32>)
// CHECK-NEXT: %[[G:.*]] = xf.gelu %[[X]] : tensor<1x17x256xf32>
// CHECK-NEXT: return %[[G]]
func.func @erf_half_first(%x: tensor<1x17x256xf32>) -> tensor<1x17x256xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %rsqrt2 = arith.constant dense<0.707106769> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary mul %x, %half : tensor<1x17x256xf32>, tensor<f32> -> tensor<1x17x256xf32>
  %1 = xf.binary mul %rsqrt2, %x : tensor<f32>, tensor<1x17x256xf32> -> tensor<1x17x256xf32>
  %2 = xf.unary erf %1 : tensor<1x17x256xf32> -> tensor<1x17x256xf32>
  %3 = xf.binary add %one, %2 : tensor<f32>, tensor<1x17x256xf32> -> tensor<1x17x256xf32>
  %4 = xf.binary mul %3, %0 : tensor<1x17x256xf32>, tensor<1x17x256xf32> -> tensor<1x17x256xf32>
  return %4 : tensor<1x17x256xf32>
}

// -----

// x * (0.5 * (1 + erf(x / √2))).
// CHECK-LABEL: func @erf_half_inside
// CHECK-NEXT: xf.gelu %arg0 : tensor<4x64xf32>
// CHECK-NOT: xf.unary
func.func @erf_half_inside(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %half, %2 : tensor<f32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary mul %3, %x : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// (x * (1 + erf(x / √2))) / 2.
// CHECK-LABEL: func @erf_div_two
// CHECK-NEXT: xf.gelu %arg0 : tensor<4x64xf32>
func.func @erf_div_two(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %two = arith.constant dense<2.000000e+00> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %2, %x : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary div %3, %two : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// nn.GELU(approximate="tanh") as exported for GPT (opset 14): x³ as x*(x*x).
// CHECK-LABEL: func @tanh_pytorch
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x256xf32>)
// CHECK-NEXT: %[[G:.*]] = xf.gelu %[[X]] {tanh} : tensor<1x16x256xf32>
// CHECK-NEXT: return %[[G]]
func.func @tanh_pytorch(%x: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %c = arith.constant dense<0.797884583> : tensor<f32>
  %k = arith.constant dense<4.471500e-02> : tensor<f32>
  %0 = xf.binary mul %x, %x : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %1 = xf.binary mul %x, %0 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %2 = xf.binary mul %k, %1 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %3 = xf.binary add %x, %2 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %4 = xf.binary mul %c, %3 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %5 = xf.unary tanh %4 : tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %6 = xf.binary add %one, %5 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %7 = xf.binary mul %x, %6 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %8 = xf.binary mul %half, %7 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  return %8 : tensor<1x16x256xf32>
}

// -----

// The same with x³ = pow(x, 3) and the operands the other way round.
// CHECK-LABEL: func @tanh_pow
// CHECK-NEXT: xf.gelu %arg0 {tanh} : tensor<1x16x256xf32>
// CHECK-NOT: xf.binary
func.func @tanh_pow(%x: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %three = arith.constant dense<3.000000e+00> : tensor<f32>
  %c = arith.constant dense<0.797884583> : tensor<f32>
  %k = arith.constant dense<4.471500e-02> : tensor<f32>
  %0 = xf.binary pow %x, %three : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %1 = xf.binary mul %0, %k : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %2 = xf.binary add %1, %x : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %3 = xf.binary mul %2, %c : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %4 = xf.unary tanh %3 : tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %5 = xf.binary add %4, %one : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  %6 = xf.binary mul %5, %x : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %7 = xf.binary mul %6, %half : tensor<1x16x256xf32>, tensor<f32> -> tensor<1x16x256xf32>
  return %7 : tensor<1x16x256xf32>
}

// -----

// Negative: erf(x / 1.5) is not GELU.
// CHECK-LABEL: func @wrong_sqrt2
// CHECK-NOT: xf.gelu
// CHECK: xf.unary erf
func.func @wrong_sqrt2(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %c = arith.constant dense<1.500000e+00> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %c : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %x, %2 : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary mul %3, %half : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// Negative: a factor of 0.25 instead of 0.5.
// CHECK-LABEL: func @wrong_half
// CHECK-NOT: xf.gelu
// CHECK: xf.unary erf
func.func @wrong_half(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = arith.constant dense<2.500000e-01> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %x, %2 : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary mul %3, %q : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// Negative: 1 + erf(...) has a second use.
// CHECK-LABEL: func @extra_use
// CHECK-NOT: xf.gelu
// CHECK: xf.unary erf
func.func @extra_use(%x: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %x, %2 : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary mul %3, %half : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  return %4, %2 : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// Negative: the product uses another tensor than the erf's argument.
// CHECK-LABEL: func @other_operand
// CHECK-NOT: xf.gelu
func.func @other_operand(%x: tensor<4x64xf32>, %y: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %1 = xf.unary erf %0 : tensor<4x64xf32> -> tensor<4x64xf32>
  %2 = xf.binary add %1, %one : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  %3 = xf.binary mul %y, %2 : tensor<4x64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  %4 = xf.binary mul %3, %half : tensor<4x64xf32>, tensor<f32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// Negative: a 0.5 that broadcasts x to a larger shape.
// CHECK-LABEL: func @broadcasting_half
// CHECK-NOT: xf.gelu
func.func @broadcasting_half(%x: tensor<64xf32>) -> tensor<4x64xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<4x64xf32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %0 = xf.binary div %x, %sqrt2 : tensor<64xf32>, tensor<f32> -> tensor<64xf32>
  %1 = xf.unary erf %0 : tensor<64xf32> -> tensor<64xf32>
  %2 = xf.binary add %1, %one : tensor<64xf32>, tensor<f32> -> tensor<64xf32>
  %3 = xf.binary mul %x, %2 : tensor<64xf32>, tensor<64xf32> -> tensor<64xf32>
  %4 = xf.binary mul %3, %half : tensor<64xf32>, tensor<4x64xf32> -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// Negative: the tanh form with 0.04 instead of 0.044715.
// CHECK-LABEL: func @tanh_wrong_cubic
// CHECK-NOT: xf.gelu
// CHECK: xf.unary tanh
func.func @tanh_wrong_cubic(%x: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %c = arith.constant dense<0.797884583> : tensor<f32>
  %k = arith.constant dense<4.000000e-02> : tensor<f32>
  %0 = xf.binary mul %x, %x : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %1 = xf.binary mul %x, %0 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %2 = xf.binary mul %k, %1 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %3 = xf.binary add %x, %2 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %4 = xf.binary mul %c, %3 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %5 = xf.unary tanh %4 : tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %6 = xf.binary add %one, %5 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %7 = xf.binary mul %x, %6 : tensor<1x16x256xf32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  %8 = xf.binary mul %half, %7 : tensor<f32>, tensor<1x16x256xf32> -> tensor<1x16x256xf32>
  return %8 : tensor<1x16x256xf32>
}

// -----

// Negative: the cube is of another tensor.
// CHECK-LABEL: func @tanh_cube_of_other
// CHECK-NOT: xf.gelu
func.func @tanh_cube_of_other(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %one = arith.constant dense<1.000000e+00> : tensor<f32>
  %three = arith.constant dense<3.000000e+00> : tensor<f32>
  %c = arith.constant dense<0.797884583> : tensor<f32>
  %k = arith.constant dense<4.471500e-02> : tensor<f32>
  %0 = xf.binary pow %y, %three : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %1 = xf.binary mul %0, %k : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %2 = xf.binary add %1, %x : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %3 = xf.binary mul %2, %c : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %4 = xf.unary tanh %3 : tensor<8xf32> -> tensor<8xf32>
  %5 = xf.binary add %4, %one : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  %6 = xf.binary mul %5, %x : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  %7 = xf.binary mul %6, %half : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
  return %7 : tensor<8xf32>
}
