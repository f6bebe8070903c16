// RUN: xfc-opt %s --convert-xf-to-linalg | FileCheck %s

// NMS: a loop nest over images and classes; per class up to N picks, each a
// scan for the best free box above the score threshold and, when one is
// taken, a suppression pass over the N boxes; the flags are a carried
// tensor<N x i1>.
// CHECK-LABEL: func @nms
// CHECK:       %[[INIT:.*]] = linalg.fill ins(%c-1_i64 : i64) {{.*}} -> tensor<1x2x6xi64>
// CHECK:       scf.for %[[B:.*]] = {{.*}} iter_args(%{{.*}} = %[[INIT]])
// CHECK:         scf.for %[[C:.*]] = {{.*}} iter_args
// CHECK:           %[[FLAGS:.*]] = linalg.fill ins(%false : i1) {{.*}} -> tensor<6xi1>
// CHECK:           scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[FLAGS]], %{{.*}} = %c0)
// CHECK:             scf.for {{.*}} -> (f64, index, i1)
// CHECK:               tensor.extract %{{.*}}[%[[B]], %[[C]], %{{.*}}] : tensor<1x2x6xf32>
// CHECK:             scf.if
// CHECK:               tensor.insert %{{.*}} into %{{.*}}[%[[B]], %[[C]], %{{.*}}] : tensor<1x2x6xi64>
// CHECK:               scf.for {{.*}} -> (tensor<6xi1>)
// CHECK:                 arith.divf
func.func @nms(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<i64>, %i: tensor<f32>, %t: tensor<f32>) -> tensor<1x2x6xi64> {
  %0 = xf.nms %b, %s, %m, %i, %t {center_point_box = false} : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32> -> tensor<1x2x6xi64>
  return %0 : tensor<1x2x6xi64>
}
