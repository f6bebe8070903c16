// RUN: xfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(xfc-check-allocations))' | FileCheck %s

// Run-time sizes are checked before the allocation (the byte count within
// 2^62, each size unsigned against what the others leave), the buffer for
// null after it; both report the node and return from @main.
//       CHECK: xf.check_messages = ["node 'tile' (Tile): cannot allocate a buffer of the sizes computed at run time (more than 2^62 bytes)", "node 'tile' (Tile): out of memory: cannot allocate a buffer of the sizes computed at run time"]
// CHECK-LABEL: func.func @main
//  CHECK-SAME: %[[N:.*]]: index, %[[M:.*]]: index
//       CHECK: %[[ROOM0:.*]] = arith.divui %{{.*}}, %{{.*}} : index
//       CHECK: arith.cmpi ule, %[[N]], %[[ROOM0]] : index
//       CHECK: %[[BYTES:.*]] = arith.muli %{{.*}}, %[[N]] : index
//       CHECK: arith.cmpi ule, %[[M]], %{{.*}} : index
//       CHECK: scf.if
//  CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : i32
//  CHECK-NEXT: func.call @__xfc_shape_check_failed(%[[C1]])
//       CHECK: %[[A:.*]] = memref.alloc(%[[N]], %[[M]]) : memref<?x4x?xf32>
//       CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
//       CHECK: arith.cmpi ne, %[[P]], %{{.*}} : index
//       CHECK: scf.if
//  CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : i32
//  CHECK-NEXT: func.call @__xfc_shape_check_failed(%[[C2]])
func.func @main(%n: index, %m: index) {
  %a = memref.alloc(%n, %m) : memref<?x4x?xf32> loc(fused<"Tile">["tile"("m.onnx":0:0)])
  memref.dealloc %a : memref<?x4x?xf32>
  return
}

// -----

// A static buffer only has the null check, whose message says its size;
// functions other than @main (which could not return from the call) and
// allocations inside parallel loops (per-tile scratch) are left alone.
//       CHECK: xf.check_messages = ["node 'expand' (Expand): out of memory: cannot allocate a buffer of 4194304 bytes"]
// CHECK-LABEL: func.func @main
//       CHECK: memref.alloc() : memref<1024x1024xf32>
//       CHECK: memref.extract_aligned_pointer_as_index
//   CHECK-NOT: memref.extract_aligned_pointer_as_index
func.func @main() {
  %a = memref.alloc() : memref<1024x1024xf32> loc(fused<"Expand">["expand"("m.onnx":0:0)])
  memref.dealloc %a : memref<1024x1024xf32>
  scf.forall (%i) in (4) {
    %t = memref.alloc() : memref<16xf32>
    memref.dealloc %t : memref<16xf32>
  }
  return
}

// -----

// CHECK-LABEL: func.func @helper
//   CHECK-NOT: extract_aligned_pointer
func.func @helper(%n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// Elements of any type are sized by the data layout (index: 8 bytes).
//       CHECK: xf.check_messages = ["cannot allocate a buffer of the sizes computed at run time (more than 2^62 bytes)"
// CHECK-LABEL: func.func @main
//       CHECK: %[[B:.*]] = arith.constant 8 : index
//       CHECK: arith.maxui %[[B]]
func.func @main(%n: index) {
  %a = memref.alloc(%n) : memref<?xindex>
  memref.dealloc %a : memref<?xindex>
  return
}
