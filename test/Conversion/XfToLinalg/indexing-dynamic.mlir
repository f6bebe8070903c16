// RUN: xfc-opt %s --split-input-file --convert-xf-to-linalg | FileCheck %s
// cumsum, topk, the scatters and gather_nd with dynamic dimensions: loop
// bounds and destinations read their sizes at run time, and what the
// verifier checks for static sizes is a run-time size check.

// The running-sum row is carried from step to step (the axis may be empty).
// CHECK-LABEL: func @cumsum_dynamic
// CHECK: linalg.fill
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c1
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[N]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %[[ACC:.*]] = %{{.*}})
// CHECK:   tensor.extract_slice %arg0
// CHECK:   linalg.generic
// CHECK:     arith.addf
// CHECK:   tensor.insert_slice %[[ACC]]
func.func @cumsum_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = xf.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A run-time k sizes the results and bounds the selection passes.
// CHECK-LABEL: func @topk_run_time_k
// CHECK: %[[KV:.*]] = tensor.extract %arg1[]
// CHECK: %[[K:.*]] = arith.index_cast %[[KV]]
// CHECK: arith.cmpi sle, %[[K]]
// CHECK: call @__xfc_shape_check_failed
// CHECK: tensor.empty(%{{.*}}, %[[K]]) : tensor<?x?xf32>
// CHECK: scf.for
// CHECK:   scf.for %{{.*}} = %c0{{.*}} to %[[K]] step
func.func @topk_run_time_k(%x: tensor<?x?xf32>, %k: tensor<i64>) -> (tensor<?x?xf32>, tensor<?x?xi64>) {
  %0:2 = xf.topk %x, %k {axis = 1 : i64, k = 0 : i64, largest = true} : tensor<?x?xf32>, tensor<i64> -> tensor<?x?xf32>, tensor<?x?xi64>
  return %0#0, %0#1 : tensor<?x?xf32>, tensor<?x?xi64>
}

// -----

// CHECK: module attributes {xf.check_messages = [{{.*}}"dimension 0 of the indices and the updates must agree"
// CHECK-LABEL: func @scatter_elements_dynamic
// CHECK: call @__xfc_shape_check_failed
// CHECK: tensor.dim %arg0, %c1
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     arith.minsi
// CHECK:     tensor.insert
func.func @scatter_elements_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>, %u: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = xf.scatter_elements none %x, %i, %u {axis = 1 : i64} : tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// The tuple size of [?, ?] indices is the one the ranks imply (1 here),
// checked at run time.
// CHECK: module attributes {xf.check_messages = ["the last dimension of the indices must be 1
// CHECK-LABEL: func @scatter_nd_dynamic
// CHECK: %[[M:.*]] = tensor.dim %arg1, %c1
// CHECK: arith.cmpi eq, %[[M]], %c1{{.*}}
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       tensor.extract %arg1[%{{.*}}, %c0{{.*}}]
func.func @scatter_nd_dynamic(%x: tensor<?x?x?xf32>, %i: tensor<?x?xi64>, %u: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %0 = xf.scatter_nd add %x, %i, %u : tensor<?x?x?xf32>, tensor<?x?xi64>, tensor<?x?x?xf32> -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func @gather_nd_dynamic
// CHECK: %[[M:.*]] = tensor.dim %arg1, %c1
// CHECK: arith.cmpi eq, %[[M]], %c2{{.*}}
// CHECK: tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: linalg.generic
// CHECK:   tensor.extract %arg1[%{{.*}}, %c0{{.*}}]
// CHECK:   tensor.extract %arg1[%{{.*}}, %c1{{.*}}]
func.func @gather_nd_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>) -> tensor<?xf32> {
  %0 = xf.gather_nd %x, %i {batch_dims = 0 : i64} : tensor<?x?xf32>, tensor<?x?xi64> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
