// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xfc-cpu-lower-vectors))' | FileCheck %s

// A gather from a view with a non-unit innermost stride (the real part of an
// interleaved complex tensor) becomes a gather from a 1-D unit-stride view of
// the same memory, its indices scaled by the stride and offset by the base
// position; LLVM's masked gather cannot take the strided view.
// CHECK-LABEL: func.func @strided_gather
// CHECK-SAME:    (%[[BASE:.*]]: memref<2x64xf32, strided<[128, 2]>>, %[[ROW:.*]]: index, %[[IDX:.*]]: vector<8xindex>
// CHECK-DAG:     %[[STRIDE:.*]] = arith.constant dense<2> : vector<8xindex>
// CHECK-DAG:     %[[SPAN:.*]] = arith.constant 255 : index
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK:         %[[BUF:[a-z_0-9]+]], %{{.*}} = memref.extract_strided_metadata %[[BASE]]
// CHECK:         %[[START:.*]] = arith.muli %[[ROW]], %[[C128]]
// CHECK:         %[[FLAT:.*]] = memref.reinterpret_cast %[[BUF]] to offset: [%{{.*}}], sizes: [%[[SPAN]]], strides: [1]
// CHECK-SAME:      to memref<?xf32, strided<[1], offset: ?>>
// CHECK:         %[[SCALED:.*]] = arith.muli %[[IDX]], %[[STRIDE]]
// CHECK:         %[[SPLAT:.*]] = vector.broadcast %[[START]]
// CHECK:         %[[LANES:.*]] = arith.addi %[[SCALED]], %[[SPLAT]]
// CHECK:         vector.gather %[[FLAT]][%{{.*}}] [%[[LANES]]]
func.func @strided_gather(%base: memref<2x64xf32, strided<[128, 2]>>, %row: index,
                          %idx: vector<8xindex>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %v = vector.gather %base[%row, %c0][%idx], %mask, %pass
      : memref<2x64xf32, strided<[128, 2]>>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %v : vector<8xf32>
}

// -----

// A unit-stride gather is left to upstream's lowering.
// CHECK-LABEL: func.func @contiguous_gather
// CHECK-NOT:     memref.reinterpret_cast
func.func @contiguous_gather(%base: memref<64xf32>, %idx: vector<8xindex>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %v = vector.gather %base[%c0][%idx], %mask, %pass
      : memref<64xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %v : vector<8xf32>
}
