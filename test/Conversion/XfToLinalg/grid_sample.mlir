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
