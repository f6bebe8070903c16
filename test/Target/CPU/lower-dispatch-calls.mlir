// RUN: xfc-opt %s --xfc-cpu-lower-dispatch-calls | FileCheck %s

// A dispatch becomes a closure on the stack, a thunk that unpacks it, and an
// indirect call of env->parallel_for(env->runtime_state, count, thunk, closure).
// CHECK-LABEL: llvm.func @main
// CHECK: %[[CLOSURE:.*]] = llvm.alloca {{.*}} x !llvm.struct<(ptr, i64)>
// CHECK: llvm.store
// CHECK: llvm.store
// CHECK: %[[STATE:.*]] = llvm.load {{.*}} -> !llvm.ptr
// CHECK: %[[PF:.*]] = llvm.load {{.*}} -> !llvm.ptr
// CHECK: %[[THUNK:.*]] = llvm.mlir.addressof @task_thunk
// CHECK: llvm.call %[[PF]](%[[STATE]], %{{.*}}, %[[THUNK]], %[[CLOSURE]])
// CHECK-NOT: __xfc_dispatch__
// CHECK: llvm.func internal @task_thunk(%[[C:.*]]: !llvm.ptr, %[[IDX:.*]]: i64)
// CHECK: llvm.call @task(%[[IDX]], %{{.*}}, %{{.*}}) : (i64, !llvm.ptr, i64) -> ()
llvm.func @task(%i: i64, %p: !llvm.ptr, %n: i64) {
  llvm.return
}
llvm.func @__xfc_dispatch__task(i64, !llvm.ptr, !llvm.ptr, i64)
llvm.func @main(%env: !llvm.ptr, %p: !llvm.ptr) {
  %c4 = llvm.mlir.constant(4 : i64) : i64
  %n = llvm.mlir.constant(16 : i64) : i64
  llvm.call @__xfc_dispatch__task(%c4, %env, %p, %n) : (i64, !llvm.ptr, !llvm.ptr, i64) -> ()
  llvm.return
}
