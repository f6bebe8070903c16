// RUN: xfc-opt %s --split-input-file --xfc-cpu-outline-dispatches | FileCheck %s

// The forall body becomes a task over one linear index (delinearized
// innermost-fastest), with constants rematerialized and other values passed.
// CHECK: func.func private @main_task0(%[[I:.*]]: index, %[[CAP:.*]]: memref<4x8xf32>)
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.remui %[[I]]
// CHECK: arith.divui %[[I]]
// CHECK: memref.store {{.*}}, %[[CAP]]
// CHECK: func.func private @__xfc_dispatch__main_task0(index, !llvm.ptr, memref<4x8xf32>)

// The environment becomes @main's first argument and the loop a dispatch
// call with the iteration count.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[ENV:.*]]: !llvm.ptr, %[[A:.*]]: memref<4x8xf32>)
// CHECK: arith.constant 2 : index
// CHECK-NEXT: %[[N:.*]] = arith.constant 8 : index
// CHECK-NEXT: call @__xfc_dispatch__main_task0(%[[N]], %[[ENV]], %[[A]])
// CHECK-NOT: scf.forall
func.func @main(%a: memref<4x8xf32>) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i, %j) = (0, 0) to (4, 8) step (1, 4) {
    memref.store %cst, %a[%i, %j] : memref<4x8xf32>
  }
  return
}

// -----

// Run-time trip counts are computed before the call; the task delinearizes
// with the inner one, which it receives.
// CHECK: func.func private @main_task0(%[[I:.*]]: index, %{{.*}}: memref<4x?xf32>, %[[COUNT:.*]]: index)
// CHECK: arith.remui %[[I]], %[[COUNT]]
// CHECK: arith.divui %[[I]], %[[COUNT]]
// CHECK-LABEL: func.func @main
// CHECK: %[[INNER:.*]] = arith.ceildivsi %{{.*}}, %{{.*}} : index
// CHECK: %[[TOTAL:.*]] = arith.muli %[[INNER]], %{{.*}} : index
// CHECK: call @__xfc_dispatch__main_task0(%[[TOTAL]], %{{.*}}, %{{.*}}, %[[INNER]])
func.func @main(%a: memref<4x?xf32>) {
  %cst = arith.constant 1.0 : f32
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c1 : memref<4x?xf32>
  scf.forall (%i, %j) = (0, 0) to (4, %n) step (1, 2) {
    memref.store %cst, %a[%i, %j] : memref<4x?xf32>
  }
  return
}
