//===- Passes.td - target-independent xfc passes -------------*- tablegen -*-===//

#ifndef XFC_TRANSFORMS_PASSES_TD
#define XFC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RecordAbiPass : Pass<"xfc-record-abi", "mlir::ModuleOp"> {
  let summary = "Record the model's inputs and outputs for the runtime ABI";
  let description = [{
    Reads the signature of `@main` (tensor types and `xf.name` argument and
    result attributes) and stores it as the module attribute `xf.abi`, so the
    entry point and descriptor can be emitted after the function itself has
    been lowered to LLVM, when tensor types are gone.
  }];
}

def FuseElementwisePass : Pass<"xfc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg producers into consumers that read each element once";
  let description = [{
    Like upstream `linalg-fuse-elementwise-ops`, but a producer is fused only
    where it is consumed by that one op, which reads every produced element
    exactly once (its indexing map for the operand is a permutation).
    Upstream fuses into any generic, which turns `layer_norm → matmul` into a
    matmul that recomputes the normalization for every output column (and is
    no longer recognizable as a contraction), and duplicates producers with
    several users, which along a transformer's residual stream makes every
    layer recompute the layers before it.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def DistinctResultsPass : Pass<"xfc-distinct-results", "mlir::func::FuncOp"> {
  let summary = "Give every returned tensor its own buffer";
  let description = [{
    A function may return one value several times (two graph outputs that
    CSE found equal, e.g. `a = Relu(x); b = Relu(x)`). After bufferization
    each result becomes a caller-provided output buffer, and upstream
    `buffer-results-to-out-params` cannot write one allocation into two
    out-parameters (it crashes). This pass returns a copy
    (`bufferization.alloc_tensor() copy(...)`) for every repetition, so each
    result is a distinct value. Run it right before bufferization: the
    copies are real data movement that canonicalization must not fold away.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def SplitEmptyTensorsPass : Pass<"xfc-split-empty-tensors", "mlir::func::FuncOp"> {
  let summary = "Bound how many ops share one empty (or zero-filled) destination";
  let description = [{
    CSE merges identical `tensor.empty` ops, and identical `linalg.fill`s of
    them, so all destination-style ops of one shape end up with the same
    init value. One-Shot Bufferize puts all of their results into one alias
    class and checks every write of the class against every read of it: its
    time grows with the cube of the number of same-shaped ops (an unrolled
    bidirectional LSTM of 128 steps spent minutes there). Sharing also lets
    an op write into the buffer of an earlier one whose value is dead, which
    small models measurably gain from. So the users of each seed, in program
    order, are split into groups of `group-size`: each group gets its own
    copy of the seed, placed next to the original. Run it after the last
    CSE before bufferization.
  }];
  let options = [
    Option<"groupSize", "group-size", "unsigned", "16",
           "how many users share one copy of a seed">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def LoopCarriedInPlacePass : Pass<"xfc-loop-carried-in-place", "mlir::func::FuncOp"> {
  let summary = "Write each loop-carried tensor back into its iteration argument";
  let description = [{
    One-Shot Bufferize gives a loop-carried tensor one buffer for the whole
    loop only when the value an `scf.for` or `scf.while` yields is written
    into that iteration's argument (an insert_slice into it, a linalg op
    with it as destination, ...). A loop body imported from ONNX computes
    its next value into a fresh tensor instead; bufferizing that needs a new
    allocation per iteration (`allow-return-allocs-from-loops`), and for
    `scf.while` also a copy of every carried tensor per iteration, the
    per-iteration outputs of a Loop included, which makes a loop of n steps
    cost O(n²). This pass ends such a body with a `linalg.copy` of the value
    into the iteration argument, which the CPU strategy vectorizes like any
    other copy. Values already written into their argument are left alone,
    and so are the loops that tiling creates: run it before the strategy.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ReadOnlyInputsPass : Pass<"xfc-read-only-inputs", "mlir::func::FuncOp"> {
  let summary = "Keep bufferization from writing into public functions' inputs";
  let description = [{
    Marks every tensor argument of a public function
    `bufferization.writable = false`. The inputs of `@main` are the caller's
    buffers (possibly read-only memory); without the mark One-Shot Bufferize
    updates a loop-carried value in place in the input it starts from.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def DynamicOutputsPass : Pass<"xfc-dynamic-outputs", "mlir::ModuleOp"> {
  let summary = "Write outputs with dynamic dimensions into runtime buffers";
  let description = [{
    A graph output whose shape is only known at run time cannot be a
    caller-provided buffer sized in advance. For each such result of
    `@main`, this pass asks the runtime for the buffer once the sizes are
    known (`xf.output_buffer`, bound by the CPU target to
    `xfrt_exec_env.allocate_output`), makes the op chain that produces the
    result write into it (the destination `tensor.empty` at the root of the
    chain becomes a `bufferization.to_tensor` of the buffer, so One-Shot
    Bufferize computes in place), stores the result there with
    `bufferization.materialize_in_destination` (a copy only where the
    result could not be computed in place) and drops it from `@main`'s
    results. Results with static shapes are left to
    `buffer-results-to-out-params`. Run it right before bufferization.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "xfc::xf::XfDialect"];
}

def FillLargeSplatsPass : Pass<"xfc-fill-large-splats", "mlir::func::FuncOp"> {
  let summary = "Fill large splat constants at run time instead of storing them";
  let description = [{
    A splat constant (`ConstantOfShape`, a folded `Expand` of a scalar) of
    more than `min-elements` elements becomes `linalg.fill` of a
    `tensor.empty`. Bufferized as a constant it would be a global of its
    full size in the binary (LLVM materializes every element: a 10^12
    element splat never finishes compiling) and a buffer the runtime never
    has to check; filled, it is an allocation the runtime checks like any
    other (xfc-check-allocations) and a loop the strategy vectorizes.
  }];
  let options = [
    Option<"minElements", "min-elements", "uint64_t", "65536",
           "splats with more elements than this are filled">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def CheckAllocationsPass : Pass<"xfc-check-allocations", "mlir::func::FuncOp"> {
  let summary = "Report heap allocations that cannot be made instead of crashing";
  let description = [{
    After bufferization, every `memref.alloc` of `@main` (not the per-tile
    scratch inside loops that become parallel tasks) is guarded: sizes
    computed at run time are checked before the allocation (their byte
    count must stay within 2^62, each size checked against what the
    others leave, so that a product that would wrap fails), and the buffer
    is checked for null after it. A failed check reports "node 'NAME' (Op):
    cannot allocate ..." as the call's status and returns from `@main`
    (`@__xfc_shape_check_failed`), as the checks of run-time sizes do;
    without it a Tile or Expand to sizes read from the model's inputs
    writes through a null or too small buffer.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect"];
}

#endif // XFC_TRANSFORMS_PASSES_TD
