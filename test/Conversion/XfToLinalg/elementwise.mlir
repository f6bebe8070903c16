// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Broadcasting is expressed in the indexing maps, not materialized.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = xf.binary add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Size-1 dims read at index 0.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @mul_column
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]
func.func @mul_column(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = xf.binary mul %a, %b : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @compare_select
// CHECK: arith.cmpf olt
// CHECK: arith.select
func.func @compare_select(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %c = xf.binary lt %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  %0 = xf.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer modulo takes the divisor's sign (ONNX Mod with fmod=0).
// CHECK-LABEL: func @int_mod
// CHECK: arith.remsi
// CHECK: arith.addi
// CHECK: arith.select
func.func @int_mod(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = xf.binary mod %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @unary_chain
// CHECK: math.exp
// CHECK: math.erf
// CHECK: arith.maximumf
func.func @unary_chain(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = xf.unary exp %a : tensor<4xf32> -> tensor<4xf32>
  %1 = xf.gelu %0 : tensor<4xf32>
  %2 = xf.clamp %1 {min = 0.0 : f64} : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Booleans widen as 0/1; floats truncate toward zero.
// CHECK-LABEL: func @casts
// CHECK: arith.extui
// CHECK: arith.fptosi
func.func @casts(%a: tensor<4xi1>, %b: tensor<4xf32>) -> (tensor<4xi64>, tensor<4xi32>) {
  %0 = xf.cast %a : tensor<4xi1> -> tensor<4xi64>
  %1 = xf.cast %b : tensor<4xf32> -> tensor<4xi32>
  return %0, %1 : tensor<4xi64>, tensor<4xi32>
}

// -----

// Integer pow is binary exponentiation unrolled over the exponent's bits
// (31 for i32: 30 halvings), with the negative-exponent cases selected at
// the end: nothing is left that the targets would have to legalize.
// CHECK-LABEL: func @pow_int
// CHECK-NOT: math.ipowi
// CHECK: linalg.generic
// CHECK-COUNT-30: arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK-NOT: arith.shrui
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK-NOT: math.ipowi
func.func @pow_int(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = xf.binary pow %x, %y : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
