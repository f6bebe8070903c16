// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s

// Bilinear with zeros padding: one parallel generic over the output reads
// y (grid component 1, for H) and x (component 0, for W), maps them to
// input coordinates and gathers 2 x 2 taps, each zero outside the input.
// CHECK-LABEL: func @bilinear_zeros
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:    outs(%{{.*}} : tensor<1x2x3x4xf32>)
// CHECK:         %[[GY:.*]] = tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c1] : tensor<1x3x4x2xf32>
// CHECK:         math.floor
// CHECK:         %[[GX:.*]] = tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c0] : tensor<1x3x4x2xf32>
// CHECK-COUNT-4: tensor.extract %{{.*}} : tensor<1x2x5x6xf32>
// CHECK-NOT:     tensor.extract
// CHECK:         linalg.yield
func.func @bilinear_zeros(%x: tensor<1x2x5x6xf32>, %g: tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32> {
  %0 = xf.grid_sample linear %x, %g padding zeros {align_corners = false} : tensor<1x2x5x6xf32>, tensor<1x3x4x2xf32> -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// Nearest rounds half to even and reads one pixel; reflection reflects the
// position (and the tap) at the borders.
// CHECK-LABEL: func @nearest_reflection
// CHECK:         math.roundeven
// CHECK:         math.floor
// CHECK-COUNT-1: tensor.extract %{{.*}} : tensor<1x1x4x4xf32>
// CHECK-NOT:     tensor.extract
func.func @nearest_reflection(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %0 = xf.grid_sample nearest %x, %g padding reflection {align_corners = true} : tensor<1x1x4x4xf32>, tensor<1x2x2x2xf32> -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Bicubic reads 4 x 4 taps.
// CHECK-LABEL: func @bicubic_border
// CHECK-COUNT-16: tensor.extract %{{.*}} : tensor<1x1x4x4xf32>
// CHECK-NOT:      tensor.extract
func.func @bicubic_border(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %0 = xf.grid_sample cubic %x, %g padding border {align_corners = false} : tensor<1x1x4x4xf32>, tensor<1x2x2x2xf32> -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// RoiAlign: one generic over [R, C, oh, ow]; the image index and box come
// from the roi, each of the 2 x 2 samples reads four corners, avg divides.
// CHECK-LABEL: func @roi_align_avg
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK:         tensor.extract %{{.*}} : tensor<3xi64>
// CHECK-COUNT-4: tensor.extract %{{.*}} : tensor<3x4xf32>
// CHECK-COUNT-16: tensor.extract %{{.*}} : tensor<2x2x6x6xf32>
// CHECK-NOT:     tensor.extract
// CHECK:         arith.divf
// CHECK:         linalg.yield
func.func @roi_align_avg(%x: tensor<2x2x6x6xf32>, %r: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<3x2x2x2xf32> {
  %0 = xf.roi_align avg %x, %r, %i {half_pixel = true, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f64} : tensor<2x2x6x6xf32>, tensor<3x4xf32>, tensor<3xi64> -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}

// -----

// Dynamic sizes: the grid's batch size and last dimension, and non-empty
// sampled sizes, are checked before any read; the result is [N, C] of the
// input and the grid's spatial sizes.
// CHECK-LABEL: func @grid_dynamic
// CHECK-COUNT-4: func.call @__xfc_shape_check_failed
// CHECK:       tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?x?xf32>
func.func @grid_dynamic(%x: tensor<?x?x?x?xf32>, %g: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = xf.grid_sample linear %x, %g padding reflection {align_corners = false} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// RoiAlign with dynamic sizes: one batch index per roi, rois [R, 4] and a
// non-empty image are checked; the result is [R, C, oh, ow].
// CHECK:       xf.check_messages = ["batch_indices must have one entry per roi", "the rois must be [R, 4]", "the input must not be empty"]
// CHECK-LABEL: func @roi_dynamic
// CHECK-COUNT-5: func.call @__xfc_shape_check_failed
// CHECK:       tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x2x2xf32>
func.func @roi_dynamic(%x: tensor<?x?x?x?xf32>, %r: tensor<?x?xf32>, %i: tensor<?xi64>) -> tensor<?x?x2x2xf32> {
  %0 = xf.roi_align avg %x, %r, %i {half_pixel = true, sampling_ratio = 1 : i64, spatial_scale = 1.0 : f64} : tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xi64> -> tensor<?x?x2x2xf32>
  return %0 : tensor<?x?x2x2xf32>
}
