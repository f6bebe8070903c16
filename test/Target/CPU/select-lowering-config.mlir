// RUN: xfc-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(xfc-cpu-select-lowering-config))" | FileCheck %s

// Matmuls: [32 x 128] output blocks per thread task, [8 x 32] register tiles
// reduced one k at a time.
// CHECK-LABEL: func @matmul
// CHECK: linalg.matmul {xf.lowering_config = {distribute = array<i64: 32, 128, 0>, vector = array<i64: 8, 32, 1>}}
func.func @matmul(%a: tensor<128x768xf32>, %b: tensor<768x3072xf32>, %c: tensor<128x3072xf32>) -> tensor<128x3072xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<128x768xf32>, tensor<768x3072xf32>) outs(%c : tensor<128x3072xf32>) -> tensor<128x3072xf32>
  return %0 : tensor<128x3072xf32>
}

// -----

// Tile sizes divide the loops, so tiles stay static: 40 rows -> 8, 48
// columns -> one 48-wide block of 16-wide vectors.
// CHECK-LABEL: func @matmul_odd
// CHECK: distribute = array<i64: 8, 48, 0>, vector = array<i64: 8, 16, 1>
func.func @matmul_odd(%a: tensor<40x16xf32>, %b: tensor<16x48xf32>, %c: tensor<40x48xf32>) -> tensor<40x48xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<40x16xf32>, tensor<16x48xf32>) outs(%c : tensor<40x48xf32>) -> tensor<40x48xf32>
  return %0 : tensor<40x48xf32>
}

// -----

// Elementwise: threads split the outermost loop, vectors run along the
// innermost.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @elementwise
// CHECK: linalg.generic {{.*}}xf.lowering_config = {distribute = array<i64: 16, 0>, vector = array<i64: 1, 64>}
func.func @elementwise(%a: tensor<128x768xf32>) -> tensor<128x768xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<128x768xf32>) outs(%a : tensor<128x768xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  } -> tensor<128x768xf32>
  return %0 : tensor<128x768xf32>
}

// -----

// A pinned configuration is kept.
// CHECK-LABEL: func @pinned
// CHECK: distribute = array<i64: 64, 64, 0>, vector = array<i64: 4, 16, 1>
func.func @pinned(%a: tensor<128x64xf32>, %b: tensor<64x64xf32>, %c: tensor<128x64xf32>) -> tensor<128x64xf32> {
  %0 = linalg.matmul {xf.lowering_config = {distribute = array<i64: 64, 64, 0>, vector = array<i64: 4, 16, 1>}}
      ins(%a, %b : tensor<128x64xf32>, tensor<64x64xf32>) outs(%c : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %0 : tensor<128x64xf32>
}

// -----

// Dynamic loop ranges: threads take one batch and 8 rows at a time, vectors
// run along the static innermost loop, one row per vector tile.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func @elementwise_dynamic
// CHECK: xf.lowering_config = {distribute = array<i64: 1, 8, 0>, vector = array<i64: 1, 1, 64>}
func.func @elementwise_dynamic(%a: tensor<?x?x256xf32>) -> tensor<?x?x256xf32> {
  %0 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a : tensor<?x?x256xf32>) outs(%a : tensor<?x?x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  } -> tensor<?x?x256xf32>
  return %0 : tensor<?x?x256xf32>
}

// -----

// A matrix product with dynamic rows: vectors along the static n, k one at
// a time.
// CHECK-LABEL: func @matmul_dynamic
// CHECK: linalg.matmul {xf.lowering_config = {distribute = array<i64: 8, 0, 0>, vector = array<i64: 1, 32, 1>}}
func.func @matmul_dynamic(%a: tensor<?x64xf32>, %b: tensor<64x128xf32>, %c: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x128xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// A dynamic innermost loop (a softmax over the sequence) stays scalar loops.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @inner_dynamic
// CHECK-NOT: xf.lowering_config
func.func @inner_dynamic(%a: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x?xf32>) outs(%a : tensor<4x?xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  } -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
