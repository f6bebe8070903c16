// RUN: xfc-opt %s --split-input-file --xfc-cpu-lower-dispatch-calls | FileCheck %s

// An output buffer request: the shape goes into a stack array, the pointer
// env->allocate_output returns (field 6) becomes a dense row-major
// descriptor, and @main returns when it is null.
// CHECK-LABEL: llvm.func @main
// CHECK: %[[SHAPE:.*]] = llvm.alloca {{.*}} x !llvm.array<2 x i64>
// CHECK: llvm.store %arg1, %{{.*}} : i64, !llvm.ptr
// CHECK: %[[FP:.*]] = llvm.getelementptr %arg0[0, 6]
// CHECK: %[[FN:.*]] = llvm.load %[[FP]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[DATA:.*]] = llvm.call %[[FN]](%{{.*}}, %{{.*}}, %[[SHAPE]]) : !llvm.ptr, (!llvm.ptr, i32, !llvm.ptr) -> !llvm.ptr
// CHECK: %[[NULL:.*]] = llvm.icmp "eq" %[[DATA]], %{{.*}} : !llvm.ptr
// CHECK: llvm.cond_br %[[NULL]], ^[[EXIT:.*]], ^[[REST:.*]]
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: llvm.return
// CHECK: ^[[REST]]:
// CHECK: llvm.call @use
// CHECK-NOT: __xfc_output_buffer
llvm.func @use(!llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)
llvm.func @__xfc_output_buffer0(!llvm.ptr, i64, i64) -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
llvm.func @main(%env: !llvm.ptr, %n: i64) {
  %c8 = llvm.mlir.constant(8 : i64) : i64
  %d = llvm.call @__xfc_output_buffer0(%env, %n, %c8) : (!llvm.ptr, i64, i64) -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
  llvm.call @use(%d) : (!llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>) -> ()
  llvm.return
}

// -----

// A failed check of run-time sizes reports through env->check_failed
// (field 4) and returns from @main.
// CHECK-LABEL: llvm.func @main
// CHECK: ^bb1:
// CHECK: %[[FP:.*]] = llvm.getelementptr %arg0[0, 4]
// CHECK: llvm.call %{{.*}}(%{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, i32) -> ()
// CHECK-NEXT: llvm.return
// CHECK-NOT: __xfc_shape_check_failed
llvm.func @__xfc_shape_check_failed(i32)
llvm.func @main(%env: !llvm.ptr, %ok: i1) {
  llvm.cond_br %ok, ^bb2, ^bb1
^bb1:
  %c1 = llvm.mlir.constant(1 : i32) : i32
  llvm.call @__xfc_shape_check_failed(%c1) : (i32) -> ()
  llvm.br ^bb2
^bb2:
  llvm.return
}
