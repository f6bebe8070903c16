// RUN: xfc-opt %s --xfc-cpu-outline-dispatches | FileCheck %s

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
// CHECK: %[[N:.*]] = arith.constant 8 : index
// CHECK: call @__xfc_dispatch__main_task0(%[[N]], %[[ENV]], %[[A]])
// CHECK-NOT: scf.forall
func.func @main(%a: memref<4x8xf32>) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i, %j) = (0, 0) to (4, 8) step (1, 4) {
    memref.store %cst, %a[%i, %j] : memref<4x8xf32>
  }
  return
}
