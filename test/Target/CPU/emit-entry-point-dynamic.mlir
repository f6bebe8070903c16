// RUN: xfc-opt %s --xfc-cpu-emit-entry-point=prefix=d | FileCheck %s

// Dynamic dimensions: sizes are loaded from the input's shape array and the
// strides multiplied at run time; the dynamic output is no @main argument
// (its buffer comes from env->allocate_output); dimension names go into the
// descriptor.
// CHECK-LABEL: llvm.func @d_run
// CHECK: %[[SHAPEP:.*]] = llvm.getelementptr %arg1[0, 1]
// CHECK: %[[SHAPE:.*]] = llvm.load %[[SHAPEP]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[D0P:.*]] = llvm.getelementptr %[[SHAPE]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[D0:.*]] = llvm.load %[[D0P]] : !llvm.ptr -> i64
// CHECK: %[[C8:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK: %[[S0:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK: llvm.call @d_main(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[D0]], %[[C8]], %[[S0]], %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64) -> ()
// CHECK: llvm.mlir.global private constant @d_input0_dim0("batch\00")
// CHECK: llvm.mlir.global private constant @d_input0_dim_names()
// CHECK: llvm.mlir.global private constant @d_input0_shape(dense<[-1, 8]> : tensor<2xi64>)
// CHECK: llvm.mlir.global private constant @d_output0_shape(dense<[-1, 8]> : tensor<2xi64>)
module attributes {xf.abi = {inputs = [{name = "x", type = tensor<?x8xf32>, xf.dim_names = ["batch", ""]}],
                             outputs = [{name = "y", type = tensor<?x8xf32>}]}} {
  llvm.func @main(%env: !llvm.ptr,
                  %a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %a5: i64, %a6: i64) {
    llvm.return
  }
}
