// RUN: xfc %s -O3 --emit=llvm-dialect -o /dev/null --mlir-print-ir-after=one-shot-bufferize,xfc-cpu-outline-dispatches 2>&1 | FileCheck %s

// A model's loops and branches through the CPU pipeline: the ops in their
// regions are tiled and threaded like any other, and every loop-carried
// tensor keeps one buffer (no allocation or copy in the while's condition
// region, which bufferization adds when a body yields a fresh tensor).

// CHECK-LABEL: IR Dump After OneShotBufferizePass
// The input x starts the carried value: it is copied, never updated
// (xfc-read-only-inputs).
// CHECK: func.func @main(%[[X:[a-z0-9]+]]: memref<64x64xf32>
// CHECK: memref.copy %[[X]], %[[INIT:[a-z0-9_]+]] :
// CHECK: scf.while ({{.*}} = %[[INIT]],
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloc
// CHECK: scf.condition
// CHECK: } do {
// CHECK: scf.yield

// CHECK-LABEL: IR Dump After CpuOutlineDispatchesPass
// CHECK: scf.while
// CHECK: } do {
// CHECK: call @__xfc_dispatch__main_task{{[0-9]+}}(
// CHECK: scf.yield
// CHECK: scf.if
// CHECK: call @__xfc_dispatch__main_task{{[0-9]+}}(
// CHECK: } else {
// CHECK: call @__xfc_dispatch__main_task{{[0-9]+}}(
module attributes {xf.model_name = "cf"} {
  func.func @main(%x: tensor<64x64xf32> {xf.name = "x"}, %w: tensor<64x64xf32> {xf.name = "w"},
                  %c: tensor<i1> {xf.name = "c"}, %m: tensor<i64> {xf.name = "m"})
      -> (tensor<64x64xf32> {xf.name = "y"}, tensor<3x64x64xf32> {xf.name = "s"},
          tensor<64x64xf32> {xf.name = "z"}) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.0> : tensor<f32>
    %cond = tensor.extract %c[] : tensor<i1>
    %mi = tensor.extract %m[] : tensor<i64>
    %trip = arith.index_cast %mi : i64 to index
    %e = tensor.empty() : tensor<3x64x64xf32>
    %r:3 = scf.while (%iv = %c0, %v = %x, %buf = %e, %go = %cond)
        : (index, tensor<64x64xf32>, tensor<3x64x64xf32>, i1) -> (index, tensor<64x64xf32>, tensor<3x64x64xf32>) {
      %lt = arith.cmpi slt, %iv, %trip : index
      %and = arith.andi %go, %lt : i1
      scf.condition(%and) %iv, %v, %buf : index, tensor<64x64xf32>, tensor<3x64x64xf32>
    } do {
    ^bb0(%iv: index, %v: tensor<64x64xf32>, %buf: tensor<3x64x64xf32>):
      %p = xf.matmul %v, %w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
      %q = xf.unary tanh %p : tensor<64x64xf32> -> tensor<64x64xf32>
      %s = xf.reduce sum %q {axes = array<i64: 0, 1>, keep_dims = false} : tensor<64x64xf32> -> tensor<f32>
      %ok = xf.binary gt %s, %zero : tensor<f32>, tensor<f32> -> tensor<i1>
      %next = tensor.extract %ok[] : tensor<i1>
      %row = arith.minsi %iv, %c2 : index
      %nb = tensor.insert_slice %q into %buf[%row, 0, 0] [1, 64, 64] [1, 1, 1] : tensor<64x64xf32> into tensor<3x64x64xf32>
      %iv2 = arith.addi %iv, %c1 : index
      scf.yield %iv2, %q, %nb, %next : index, tensor<64x64xf32>, tensor<3x64x64xf32>, i1
    }
    %z = scf.if %cond -> (tensor<64x64xf32>) {
      %a = xf.matmul %w, %w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
      scf.yield %a : tensor<64x64xf32>
    } else {
      %b = xf.binary add %w, %w : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
      scf.yield %b : tensor<64x64xf32>
    }
    return %r#1, %r#2, %z : tensor<64x64xf32>, tensor<3x64x64xf32>, tensor<64x64xf32>
  }
}
