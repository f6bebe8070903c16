// RUN: xfc-opt %s --convert-xf-to-linalg | FileCheck %s
// xf.assert: the condition is and-reduced to one i1; when false, the check's
// code (its message's position in xf.check_messages, 1-based; equal messages
// share a code) is passed to @__xfc_check_failed, which the target binds to
// its runtime.

// CHECK: module attributes {xf.check_messages = ["node 'a' (Reshape): first", "node 'b' (Expand): second"]}
// CHECK-LABEL: func.func @main
//  CHECK-SAME: (%[[V:.*]]: tensor<3xi1>, %[[S:.*]]: tensor<i1>)
//       CHECK:   %[[E:.*]] = tensor.expand_shape %[[V]]
//       CHECK:   %[[ALL:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<1x3xi1>)
//       CHECK:     arith.andi
//       CHECK:   %[[C:.*]] = tensor.collapse_shape %[[ALL]]
//       CHECK:   %[[OK:.*]] = tensor.extract %[[C]][] : tensor<i1>
//       CHECK:   %[[BAD:.*]] = arith.xori %[[OK]], %true
//       CHECK:   scf.if %[[BAD]] {
//       CHECK:     %[[C1:.*]] = arith.constant 1 : i32
//       CHECK:     func.call @__xfc_check_failed(%[[C1]]) : (i32) -> ()
//       CHECK:   %[[OK2:.*]] = tensor.extract %[[S]][] : tensor<i1>
//       CHECK:   scf.if
//       CHECK:     arith.constant 2 : i32
//       CHECK:   scf.if
//       CHECK:     arith.constant 1 : i32
// CHECK: func.func private @__xfc_check_failed(i32)
module {
  func.func @main(%v: tensor<3xi1>, %s: tensor<i1>) {
    xf.assert %v, "node 'a' (Reshape): first" : tensor<3xi1>
    xf.assert %s, "node 'b' (Expand): second" : tensor<i1>
    xf.assert %s, "node 'a' (Reshape): first" : tensor<i1>
    return
  }
}
