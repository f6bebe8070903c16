// RUN: xfc-opt %s --split-input-file --verify-diagnostics --xfc-cpu-emit-entry-point=prefix=k | FileCheck %s

// Each xfrt_tensor_desc ends with its xfrt_value_kind (model ABI 4): the
// recorded xf.value_kind strings become 1 (sequence data), 2 (sequence
// shapes) and 3 (optional flag), a plain tensor 0.
// CHECK-LABEL: llvm.mlir.global private constant @k_inputs()
// CHECK-SAME: !llvm.array<2 x struct<(ptr, i32, i32, ptr, ptr, i32)>>
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[4]
// CHECK-NEXT: %[[DATA:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.insertvalue %[[DATA]], %{{.*}}[5]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[4]
// CHECK-NEXT: %[[SHAPES:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.insertvalue %[[SHAPES]], %{{.*}}[5]
// CHECK-LABEL: llvm.mlir.global private constant @k_outputs()
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[4]
// CHECK-NEXT: %[[TENSOR:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.insertvalue %[[TENSOR]], %{{.*}}[5]
// CHECK: llvm.insertvalue %{{.*}}, %{{.*}}[4]
// CHECK-NEXT: %[[FLAG:.*]] = llvm.mlir.constant(3 : i32) : i32
// CHECK-NEXT: llvm.insertvalue %[[FLAG]], %{{.*}}[5]
// The descriptor says ABI version 4.
// CHECK-LABEL: llvm.mlir.global private constant @k_model_desc()
// CHECK: llvm.mlir.constant(4 : i32) : i32
module attributes {xf.abi = {inputs = [{name = "s", type = tensor<?xf32>, xf.value_kind = "sequence_data"},
                                       {name = "s.shapes", type = tensor<?x2xi64>, xf.value_kind = "sequence_shapes"}],
                             outputs = [{name = "o", type = tensor<3xf32>},
                                        {name = "o.has_value", type = tensor<i1>, xf.value_kind = "optional_flag"}]}} {
  llvm.func @main(%env: !llvm.ptr,
                  %a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64,
                  %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64, %b5: i64, %b6: i64,
                  %c0: !llvm.ptr, %c1: !llvm.ptr, %c2: i64, %c3: i64, %c4: i64,
                  %d0: !llvm.ptr, %d1: !llvm.ptr, %d2: i64) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{@main output 'o.flag' has xf.value_kind "flag"; expected "sequence_data", "sequence_shapes" or "optional_flag"}}
module attributes {xf.abi = {inputs = [],
                             outputs = [{name = "o.flag", type = tensor<i1>, xf.value_kind = "flag"}]}} {
  llvm.func @main(%env: !llvm.ptr, %d0: !llvm.ptr, %d1: !llvm.ptr, %d2: i64) {
    llvm.return
  }
}
