// RUN: xfc-opt %s --pass-pipeline="builtin.module(func.func(xfc-cpu-tile-and-vectorize))" | FileCheck %s

// Thread tiles are scf.forall iterations; register tiles are scf.for loops
// around one vector.contract of the configured size.
// CHECK-LABEL: func @matmul
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (64, 64) step (32, 32)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.contract {{.*}} vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK-NOT: xf.lowering_config
func.func @matmul(%a: tensor<64x32xf32>, %b: tensor<32x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul {xf.lowering_config = {distribute = array<i64: 32, 32, 0>, vector = array<i64: 4, 16, 1>}}
      ins(%a, %b : tensor<64x32xf32>, tensor<32x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// An empty iteration space is left untiled (it does no work, and tiling a
// zero-trip loop used to crash), and its config is dropped.
// CHECK-LABEL: func @empty
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
// CHECK-NOT: xf.lowering_config
func.func @empty(%x: tensor<2x0xf32>, %y: tensor<2x0xf32>) -> tensor<2x0xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"],
                       xf.lowering_config = {distribute = array<i64: 1, 16>, vector = array<i64: 1, 16>}}
      ins(%x : tensor<2x0xf32>) outs(%y : tensor<2x0xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}
