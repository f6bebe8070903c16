// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Bilinear 2x on H, W with constant scales: N and C (scale 1) are copied,
// H and W each get a 1-D generic of two index and two weight tables; the
// resize reads the tables by its H and W indices and gathers 2 x 2 taps.
// CHECK-DAG: #[[H:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func @bilinear
// CHECK: %[[HT:.*]]:4 = linalg.generic {{.*}} outs({{.*}} : tensor<4xindex>, tensor<4xindex>, tensor<4xf32>, tensor<4xf32>)
// CHECK: math.floor
// CHECK: %[[WT:.*]]:4 = linalg.generic {{.*}} outs({{.*}} : tensor<6xindex>, tensor<6xindex>, tensor<6xf32>, tensor<6xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[H]], #[[H]], #[[H]], #[[H]], #[[W]], #[[W]], #[[W]], #[[W]], #{{.*}}]
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: linalg.yield
func.func @bilinear(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %s = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %0 = xf.resize linear %x, %s coordinates half_pixel nearest round_prefer_floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<1x2x2x3xf32>, tensor<4xf32> -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// Run-time scales are read with tensor.extract; every dimension whose
// scale is unknown and whose size is not 1 is resampled, so the cubic
// resize of a [2, 3] input gathers 4 x 4 taps.
// CHECK-LABEL: func @cubic_runtime
// CHECK: tensor.extract %arg1
// CHECK: tensor.extract %arg1
// CHECK: linalg.generic
// CHECK-COUNT-16: tensor.extract %arg0
func.func @cubic_runtime(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<3x5xf32> {
  %0 = xf.resize cubic %x, %s coordinates half_pixel nearest round_prefer_floor {cubic_coeff_a = -0.75 : f64, exclude_outside = true, extrapolation_value = 0.0 : f64} : tensor<2x3xf32>, tensor<2xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// tf_crop_and_resize: an i1 table per dimension says whether the source is
// inside; outside, the result is the extrapolation value.
// CHECK-LABEL: func @crop
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<3xindex>, tensor<3xi1>, tensor<3xindex>, tensor<3xi1>)
// CHECK: %[[IN:.*]] = arith.andi
// CHECK: %[[EXT:.*]] = arith.constant 1.000000e+01 : f32
// CHECK: arith.select %[[IN]], %{{.*}}, %[[EXT]] : f32
func.func @crop(%x: tensor<2x4xf32>, %s: tensor<2xf64>, %roi: tensor<4xf32>) -> tensor<3x3xf32> {
  %0 = xf.resize nearest %x, %s, roi %roi coordinates tf_crop_and_resize nearest round_prefer_ceil {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 10.0 : f64} : tensor<2x4xf32>, tensor<2xf64>, tensor<4xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Dynamic sizes: the tables and the result take the output sizes from the
// operands, the coordinates use the input's run-time sizes, a roi of
// unknown length is checked before it is read, and an empty input
// dimension may only resize to an empty one.
// CHECK-LABEL: func @dynamic
// CHECK:       tensor.dim %arg2
// CHECK:       func.call @__xfc_shape_check_failed
// CHECK:       %[[H:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x?xf32>
// CHECK:       arith.cmpi sgt, %[[H]]
// CHECK:       func.call @__xfc_shape_check_failed
// CHECK:       tensor.extract %arg2
// CHECK:       tensor.empty(%arg3) : tensor<?xindex>
// CHECK:       linalg.generic
// CHECK:         arith.subi %[[H]]
// CHECK:       tensor.empty(%arg4) : tensor<?xindex>
// CHECK:       tensor.empty(%arg3, %arg4) : tensor<?x?xf32>
func.func @dynamic(%x: tensor<?x?xf32>, %s: tensor<2xf32>, %roi: tensor<?xf32>, %h: index, %w: index) -> tensor<?x?xf32> {
  %0 = xf.resize linear %x, %s, roi %roi sizes(%h, %w) coordinates tf_crop_and_resize nearest round_prefer_floor {cubic_coeff_a = -0.75 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64} : tensor<?x?xf32>, tensor<2xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
