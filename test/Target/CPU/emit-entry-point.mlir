// RUN: xfc-opt %s --xfc-cpu-emit-entry-point=prefix=m | FileCheck %s

// The runtime ABI: <prefix>_run builds memref descriptors from
// xfrt_buffer_refs and reports output shapes; the descriptor lists names,
// ONNX element types (1 = float32, 7 = int64) and shapes; @main is internal.
// CHECK: llvm.func internal @m_main
// CHECK: llvm.func @m_run(%[[ENV:.*]]: !llvm.ptr, %[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr) -> i32
// CHECK: llvm.call @m_main(%[[ENV]],
// CHECK: llvm.mlir.global private constant @m_input0_name("ids\00")
// CHECK: llvm.mlir.global private constant @m_input0_shape(dense<[2, 3]> : tensor<2xi64>)
// CHECK: llvm.mlir.global private constant @m_inputs()
// CHECK: llvm.mlir.constant(7 : i32)
// CHECK: llvm.mlir.global private constant @m_output0_name("y\00")
// CHECK: llvm.func @m_descriptor() -> !llvm.ptr
// CHECK: llvm.func weak @xfrt_model_descriptor() -> !llvm.ptr
module attributes {xf.abi = {inputs = [{name = "ids", type = tensor<2x3xi64>}],
                             outputs = [{name = "y", type = tensor<2xf32>}]}} {
  llvm.func @main(%env: !llvm.ptr,
                  %a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64, %a5: i64, %a6: i64,
                  %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64) {
    llvm.return
  }
}

