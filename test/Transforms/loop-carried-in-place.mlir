// RUN: xfc-opt %s --pass-pipeline='builtin.module(func.func(xfc-loop-carried-in-place))' --split-input-file | FileCheck %s

// scf.for: a freshly computed value is copied into the iteration argument;
// a scan buffer updated by insert_slice already is.
// CHECK-LABEL: func.func @for
//       CHECK: scf.for {{.*}} iter_args(%[[V:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}})
//       CHECK:   %[[N:.*]] = math.exp %[[V]]
//       CHECK:   %[[I:.*]] = tensor.insert_slice %[[N]] into %[[B]]
//       CHECK:   %[[C:.*]] = linalg.copy ins(%[[N]] : tensor<4xf32>) outs(%[[V]] : tensor<4xf32>)
//   CHECK-NOT:   linalg.copy
//       CHECK:   scf.yield %[[C]], %[[I]]
func.func @for(%x: tensor<4xf32>, %b: tensor<3x4xf32>) -> (tensor<4xf32>, tensor<3x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%v = %x, %buf = %b) -> (tensor<4xf32>, tensor<3x4xf32>) {
    %n = math.exp %v : tensor<4xf32>
    %ins = tensor.insert_slice %n into %buf[%i, 0] [1, 4] [1, 1] : tensor<4xf32> into tensor<3x4xf32>
    scf.yield %n, %ins : tensor<4xf32>, tensor<3x4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<3x4xf32>
}

// -----

// scf.while: the value yielded for the before region's argument i goes into
// the after region's argument that scf.condition forwards it to.
// CHECK-LABEL: func.func @while
//       CHECK: scf.while (%{{.*}} = %{{.*}}, %[[VB:.*]] = %{{.*}}, %{{.*}} = %{{.*}})
//       CHECK: } do {
//       CHECK: ^bb0(%{{.*}}: index, %[[VA:.*]]: tensor<4xf32>):
//       CHECK:   %[[N:.*]] = math.exp %[[VA]]
//       CHECK:   %[[C:.*]] = linalg.copy ins(%[[N]] : tensor<4xf32>) outs(%[[VA]] : tensor<4xf32>)
//       CHECK:   scf.yield %{{.*}}, %[[C]], %{{.*}}
func.func @while(%x: tensor<4xf32>, %go: i1, %m: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r:2 = scf.while (%i = %c0, %v = %x, %g = %go) : (index, tensor<4xf32>, i1) -> (index, tensor<4xf32>) {
    %lt = arith.cmpi slt, %i, %m : index
    %and = arith.andi %g, %lt : i1
    scf.condition(%and) %i, %v : index, tensor<4xf32>
  } do {
  ^bb0(%i: index, %v: tensor<4xf32>):
    %n = math.exp %v : tensor<4xf32>
    %j = arith.addi %i, %c1 : index
    %t = arith.cmpi slt, %j, %m : index
    scf.yield %j, %n, %t : index, tensor<4xf32>, i1
  }
  return %r#1 : tensor<4xf32>
}

// -----

// Loops whose values are updated in place (a tiled op's loop nest, an
// scf.if whose branches both update the argument) are left alone.
// CHECK-LABEL: func.func @in_place
//   CHECK-NOT: linalg.copy
func.func @in_place(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%v = %x) -> tensor<4xf32> {
    %u = scf.if %c -> tensor<4xf32> {
      %w = tensor.insert %f into %v[%i] : tensor<4xf32>
      scf.yield %w : tensor<4xf32>
    } else {
      scf.yield %v : tensor<4xf32>
    }
    %fill = linalg.fill ins(%f : f32) outs(%u : tensor<4xf32>) -> tensor<4xf32>
    scf.yield %fill : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
