//===- XfOps.td - the xf (Transformer) dialect ---------------*- tablegen -*-===//
//
// The graph-level IR of xfc. ONNX nodes map onto a small number of op
// families (elementwise unary/binary with an enum kind, reductions, data
// movement, convolution, pooling) plus the transformer-level ops that the
// fusion and quantization passes reason about. All ops work on ranked
// tensors with value semantics; shapes follow ONNX (numpy) broadcasting.
//
//===----------------------------------------------------------------------===//

#ifndef XF_OPS_TD
#define XF_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Xf_Dialect : Dialect {
  let name = "xf";
  let cppNamespace = "::xfc::xf";
  let summary = "The xfc Transformer dialect: ONNX semantics at graph level";
  let description = [{
    Value-semantics tensor ops that cover the ONNX operator set with a few op
    families, and transformer-level ops (`xf.attention`, `xf.layer_norm`,
    `xf.linear`, ...) that fusion passes raise decomposed subgraphs into.
    Every op lowers to linalg/tensor through one shared conversion, which is
    also the reference semantics of the op.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  // Folds produce arith.constant.
  let hasConstantMaterializer = 1;
}

// Base class: every xf op is pure (no side effects) and works on tensors.
class Xf_Op<string mnemonic, list<Trait> traits = []>
    : Op<Xf_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def Xf_Tensor : RankedTensorOf<[AnyType]>;
def Xf_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Xf_IntTensor : RankedTensorOf<[AnySignlessInteger]>;
def Xf_NumTensor : RankedTensorOf<[AnyFloat, AnySignlessInteger]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Xf_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise unary function", [
    I32EnumAttrCase<"neg", 0>, I32EnumAttrCase<"abs", 1>,
    I32EnumAttrCase<"exp", 2>, I32EnumAttrCase<"log", 3>,
    I32EnumAttrCase<"sqrt", 4>, I32EnumAttrCase<"rsqrt", 5>,
    I32EnumAttrCase<"reciprocal", 6>, I32EnumAttrCase<"erf", 7>,
    I32EnumAttrCase<"tanh", 8>, I32EnumAttrCase<"sigmoid", 9>,
    I32EnumAttrCase<"relu", 10>, I32EnumAttrCase<"leaky_relu", 11>,
    I32EnumAttrCase<"elu", 12>, I32EnumAttrCase<"ceil", 13>,
    I32EnumAttrCase<"floor", 14>, I32EnumAttrCase<"round", 15>,
    I32EnumAttrCase<"sin", 16>, I32EnumAttrCase<"cos", 17>,
    I32EnumAttrCase<"not_", 18, "not">, I32EnumAttrCase<"sign", 19>,
    I32EnumAttrCase<"softplus", 20>, I32EnumAttrCase<"softsign", 21>,
    I32EnumAttrCase<"hard_sigmoid", 22>, I32EnumAttrCase<"hard_swish", 23>,
    I32EnumAttrCase<"selu", 24>, I32EnumAttrCase<"celu", 25>,
    I32EnumAttrCase<"mish", 26>, I32EnumAttrCase<"is_nan", 27>,
    I32EnumAttrCase<"is_inf", 28>, I32EnumAttrCase<"thresholded_relu", 29>,
    I32EnumAttrCase<"tan", 30>, I32EnumAttrCase<"atan", 31>,
    I32EnumAttrCase<"asin", 32>, I32EnumAttrCase<"acos", 33>,
    I32EnumAttrCase<"sinh", 34>, I32EnumAttrCase<"cosh", 35>,
    I32EnumAttrCase<"asinh", 36>, I32EnumAttrCase<"acosh", 37>,
    I32EnumAttrCase<"atanh", 38>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary function", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>,
    I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"div", 3>,
    I32EnumAttrCase<"pow", 4>, I32EnumAttrCase<"max", 5>,
    I32EnumAttrCase<"min", 6>, I32EnumAttrCase<"mod", 7>,
    I32EnumAttrCase<"fmod", 8>, I32EnumAttrCase<"and_", 9, "and">,
    I32EnumAttrCase<"or_", 10, "or">, I32EnumAttrCase<"xor_", 11, "xor">,
    I32EnumAttrCase<"eq", 12>, I32EnumAttrCase<"lt", 13>,
    I32EnumAttrCase<"le", 14>, I32EnumAttrCase<"gt", 15>,
    I32EnumAttrCase<"ge", 16>, I32EnumAttrCase<"bitand_", 17, "bitand">,
    I32EnumAttrCase<"bitor_", 18, "bitor">, I32EnumAttrCase<"bitxor_", 19, "bitxor">,
    I32EnumAttrCase<"shl", 20>, I32EnumAttrCase<"shr", 21>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
    I32EnumAttrCase<"prod", 4>, I32EnumAttrCase<"sum_square", 5>,
    I32EnumAttrCase<"l1", 6>, I32EnumAttrCase<"l2", 7>,
    I32EnumAttrCase<"log_sum", 8>, I32EnumAttrCase<"log_sum_exp", 9>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_PoolKind : I32EnumAttr<"PoolKind", "pooling", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>,
    I32EnumAttrCase<"argmax", 2>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_PadMode : I32EnumAttr<"PadMode", "padding mode", [
    I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
    I32EnumAttrCase<"edge", 2>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_ScatterReduction : I32EnumAttr<"ScatterReduction",
    "how a scatter combines an update with the element it lands on", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"add", 1>,
    I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"max", 3>,
    I32EnumAttrCase<"min", 4>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_ResizeMode : I32EnumAttr<"ResizeMode", "resize interpolation", [
    I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>,
    I32EnumAttrCase<"cubic", 2>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_GridPadding : I32EnumAttr<"GridPadding",
    "what a grid sample reads outside the input (ONNX GridSample)", [
    I32EnumAttrCase<"zeros", 0>, I32EnumAttrCase<"border", 1>,
    I32EnumAttrCase<"reflection", 2>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_CoordinateMode : I32EnumAttr<"CoordinateMode",
    "how a resized coordinate maps back to the input (ONNX Resize)", [
    I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"pytorch_half_pixel", 1>,
    I32EnumAttrCase<"align_corners", 2>, I32EnumAttrCase<"asymmetric", 3>,
    I32EnumAttrCase<"tf_half_pixel_for_nn", 4>,
    I32EnumAttrCase<"tf_crop_and_resize", 5>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_NearestMode : I32EnumAttr<"NearestMode",
    "rounding of a source coordinate to the nearest pixel", [
    I32EnumAttrCase<"round_prefer_floor", 0>,
    I32EnumAttrCase<"round_prefer_ceil", 1>, I32EnumAttrCase<"floor", 2>,
    I32EnumAttrCase<"ceil", 3>]> {
  let cppNamespace = "::xfc::xf";
}

def Xf_Activation : I32EnumAttr<"Activation", "fused epilogue activation", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"relu", 1>,
    I32EnumAttrCase<"gelu", 2>, I32EnumAttrCase<"gelu_tanh", 3>]> {
  let cppNamespace = "::xfc::xf";
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Xf_UnaryOp : Xf_Op<"unary"> {
  let summary = "elementwise unary function";
  let description = [{
    Applies `kind` to every element. `alpha` and `beta` parameterize the
    kinds that need them (`leaky_relu`, `elu`, `selu`, `celu`,
    `hard_sigmoid`, `thresholded_relu`); ONNX defaults are filled in by the
    importer. `not` works on i1; `is_nan`/`is_inf` produce i1.

    ```mlir
    %y = xf.unary exp %x : tensor<2x3xf32> -> tensor<2x3xf32>
    %z = xf.unary leaky_relu %x {alpha = 0.1 : f32} : tensor<4xf32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Xf_UnaryKind:$kind, Xf_Tensor:$input,
                       OptionalAttr<F32Attr>:$alpha,
                       OptionalAttr<F32Attr>:$beta);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat =
      "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_BinaryOp : Xf_Op<"binary"> {
  let summary = "elementwise binary function with numpy broadcasting";
  let description = [{
    Applies `kind` to every pair of elements after broadcasting `lhs` and
    `rhs` to the result shape (ONNX multidirectional broadcasting).
    Comparisons (`eq`, `lt`, `le`, `gt`, `ge`) produce i1; logical ops work
    on i1. Both operands have the same element type.

    ```mlir
    %y = xf.binary add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
    %c = xf.binary lt %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Xf_BinaryKind:$kind, Xf_Tensor:$lhs, Xf_Tensor:$rhs);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$kind $lhs `,` $rhs attr-dict `:` type($lhs) `,` "
                       "type($rhs) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_SelectOp : Xf_Op<"select"> {
  let summary = "elementwise choice with broadcasting (ONNX Where)";
  let description = [{
    ```mlir
    %y = xf.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<f32> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, Xf_Tensor:$on_true,
                       Xf_Tensor:$on_false);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$condition `,` $on_true `,` $on_false attr-dict `:` "
      "type($condition) `,` type($on_true) `,` type($on_false) `->` type($result)";
  let hasVerifier = 1;
}

// Not Pure (unlike every other xf op): it must survive dead-code elimination.
def Xf_AssertOp : Op<Xf_Dialect, "assert", [MemoryEffects<[MemWrite]>]> {
  let summary = "a run-time check with a message for the user";
  let description = [{
    Reports `message` (which names the node and what its inputs must
    satisfy) through the runtime when any element of `condition` is false.
    Execution goes on: a check guards run-time values that the compiled
    shapes already assume (a shape operand, a count), so the rest of the
    program stays in bounds, and the runtime returns an error instead of
    the outputs. The op has no results and is kept because it has effects.

    ```mlir
    xf.assert %ok, "node 'r' (Reshape): the shape input must be [2, 6]" : tensor<2xi1>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
  let hasVerifier = 1;
}

// A call into the runtime: read and write effects keep it from being
// removed or merged. No allocation effect: the runtime owns the buffer, so
// MLIR's buffer deallocation must never free it.
def Xf_OutputBufferOp : Op<Xf_Dialect, "output_buffer",
                           [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "the runtime's buffer for an output with dynamic dimensions";
  let description = [{
    The memory of graph output `index`, whose shape is only known at run
    time, obtained from the runtime once `dynamic_sizes` (one per `?` of the
    result type, in order) are known. Compiled code writes the output there
    instead of returning it. The CPU target binds it to
    `xfrt_exec_env.allocate_output`.

    ```mlir
    %buf = xf.output_buffer 0 (%batch) : memref<?x16xf32>
    ```
  }];
  let arguments = (ins I32Attr:$index, Variadic<Index>:$dynamic_sizes);
  let results = (outs AnyMemRef:$result);
  let assemblyFormat =
      "$index `(` $dynamic_sizes `)` attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Xf_CastOp : Xf_Op<"cast"> {
  let summary = "element type conversion (ONNX Cast)";
  let description = [{
    Float→int truncates toward zero; int/float→i1 compares with zero;
    i1→number gives 0 or 1. The shape is unchanged.

    ```mlir
    %y = xf.cast %x : tensor<2xi64> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_ClampOp : Xf_Op<"clamp", [SameOperandsAndResultType]> {
  let summary = "clamp every element into [min, max] (ONNX Clip)";
  let description = [{
    Bounds are attributes; a missing bound means unbounded on that side.

    ```mlir
    %y = xf.clamp %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

def Xf_ReduceOp : Xf_Op<"reduce"> {
  let summary = "reduction over a set of axes";
  let description = [{
    Reduces `input` over `axes` (non-negative, sorted, unique). With
    `keep_dims` the reduced axes stay as size 1. An empty `axes` reduces
    nothing (ONNX `noop_with_empty_axes`); the importer expands ONNX's
    "all axes" default.

    ```mlir
    %m = xf.reduce mean %x {axes = array<i64: 1>, keep_dims = true}
         : tensor<2x8xf32> -> tensor<2x1xf32>
    ```
  }];
  let arguments = (ins Xf_ReduceKind:$kind, Xf_Tensor:$input,
                       DenseI64ArrayAttr:$axes, BoolAttr:$keep_dims);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat =
      "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_ArgReduceOp : Xf_Op<"arg_reduce"> {
  let summary = "index of the max or min along an axis (ArgMax/ArgMin)";
  let description = [{
    `is_max` picks ArgMax; `select_last_index` breaks ties towards the last.

    ```mlir
    %i = xf.arg_reduce %x {axis = 1 : i64, is_max = true, keep_dims = false,
           select_last_index = false} : tensor<2x8xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, I64Attr:$axis, BoolAttr:$is_max,
                       BoolAttr:$keep_dims, BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_CumSumOp : Xf_Op<"cumsum", [SameOperandsAndResultType]> {
  let summary = "cumulative sum along an axis (ONNX CumSum)";
  let description = [{
    `result[..., i, ...] = sum of input[..., j, ...]` for `j <= i` (`j < i`
    when `exclusive`); `reverse` sums from the end of the axis instead. The
    lowering is a sequential scan over the axis, one slice at a time.

    ```mlir
    %y = xf.cumsum %x {axis = 1 : i64, exclusive = false, reverse = true}
         : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Xf_TopKOp : Xf_Op<"topk"> {
  let summary = "the k largest (or smallest) elements along an axis";
  let description = [{
    ONNX TopK with a compile-time `k`: `values` holds the selected elements
    in sorted order (best first) and `indices` their positions along `axis`.
    Equal values keep their input order (lower index first).

    A k known only at run time is the 0-D operand `k_value` instead (the
    attribute `k` is then 0 and the results are dynamic along `axis`); the
    lowering checks that it is within the axis.

    ```mlir
    %v, %i = xf.topk %x {axis = 1 : i64, k = 3 : i64, largest = true}
             : tensor<3x4xf32> -> tensor<3x3xf32>, tensor<3x3xi64>
    %w, %j = xf.topk %x, %k {axis = 1 : i64, k = 0 : i64, largest = true}
             : tensor<?x?xf32>, tensor<i64> -> tensor<?x?xf32>, tensor<?x?xi64>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, I64Attr:$axis, I64Attr:$k,
                       BoolAttr:$largest,
                       Optional<0DTensorOf<[I64]>>:$k_value);
  let results = (outs Xf_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "$input (`,` $k_value^)? attr-dict `:` type($input) "
                       "(`,` type($k_value)^)? `->` type($values) `,` "
                       "type($indices)";
  let hasVerifier = 1;
}

def Xf_SoftmaxOp : Xf_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "softmax (or log-softmax) along one axis";
  let description = [{
    Numerically stable: subtracts the maximum before exponentiating.

    ```mlir
    %p = xf.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
    %l = xf.softmax %x {axis = 1 : i64, log} : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, I64Attr:$axis, UnitAttr:$log);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Xf_LayerNormOp : Xf_Op<"layer_norm"> {
  let summary = "layer normalization over the trailing axes from `axis`";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` where mean and variance
    are taken over the dimensions `axis..rank-1`. `scale` and `bias`
    broadcast to those dimensions.

    ```mlir
    %y = xf.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32}
         : tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, Xf_FloatTensor:$scale,
                       Optional<Xf_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` "
      "type($input) `,` type($scale) (`,` type($bias)^)? `->` type($result)";
  let hasVerifier = 1;
}

def Xf_RmsNormOp : Xf_Op<"rms_norm"> {
  let summary = "root-mean-square normalization over trailing axes";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale` over the dimensions
    `axis..rank-1`.

    ```mlir
    %y = xf.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-6 : f32}
         : tensor<4x64xf32>, tensor<64xf32> -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, Xf_FloatTensor:$scale,
                       I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input `,` $scale attr-dict `:` type($input) `,` "
                       "type($scale) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_GeluOp : Xf_Op<"gelu", [SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    Exact (erf) form by default; `tanh` selects the tanh approximation.

    ```mlir
    %y = xf.gelu %x : tensor<4x64xf32>
    %z = xf.gelu %x {tanh} : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, UnitAttr:$tanh);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Linear algebra and attention
//===----------------------------------------------------------------------===//

def Xf_MatMulOp : Xf_Op<"matmul"> {
  let summary = "batched matrix product with numpy semantics";
  let description = [{
    ONNX MatMul: 1-D operands are promoted (and the added dimension removed
    from the result); leading batch dimensions broadcast.

    ```mlir
    %c = xf.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$lhs, Xf_Tensor:$rhs);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) "
                       "`->` type($result)";
  let hasVerifier = 1;
}

def Xf_LinearOp : Xf_Op<"linear"> {
  let summary = "x · Wᵀ + b with a fused activation epilogue";
  let description = [{
    `input` is `[..., K]`, `weight` is `[N, K]` (PyTorch's layout), the
    optional `bias` is `[N]`; the result is `[..., N]` after `activation`.
    Fusion raises MatMul/Gemm + Add (+ activation) into this op, which is the
    unit the CPU strategy tiles, packs and vectorizes.

    ```mlir
    %y = xf.linear %x, %w, %b activation(gelu)
         : tensor<16x64xf32>, tensor<256x64xf32>, tensor<256xf32> -> tensor<16x256xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, Xf_FloatTensor:$weight,
                       Optional<Xf_FloatTensor>:$bias,
                       DefaultValuedAttr<Xf_Activation, "Activation::none">:$activation);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? (`activation` `(` $activation^ `)`)? "
      "attr-dict `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)";
  let hasVerifier = 1;
}

def Xf_AttentionOp : Xf_Op<"attention"> {
  let summary = "scaled dot-product attention";
  let description = [{
    `softmax(q · kᵀ * scale + mask) · v` with `q: [B, H, Sq, D]`,
    `k: [B, H, Sk, D]`, `v: [B, H, Sk, Dv]`; the optional additive `mask`
    broadcasts to `[B, H, Sq, Sk]`. `causal` masks keys after the query
    position.

    ```mlir
    %o = xf.attention %q, %k, %v {scale = 0.125 : f32}
         : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
         -> tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$query, Xf_FloatTensor:$key,
                       Xf_FloatTensor:$value, Optional<Xf_FloatTensor>:$mask,
                       F32Attr:$scale, UnitAttr:$causal);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$query `,` $key `,` $value (`,` $mask^)? attr-dict `:` "
      "type($query) `,` type($key) `,` type($value) (`,` type($mask)^)? "
      "`->` type($result)";
  let hasVerifier = 1;
}

def Xf_ConvOp : Xf_Op<"conv"> {
  let summary = "N-d grouped, strided, dilated, padded convolution (NCHW)";
  let description = [{
    `input: [N, C, spatial...]`, `weight: [F, C/group, kernel...]`, optional
    `bias: [F]`. `pads` holds the low pads of every spatial dimension and
    then the high pads (ONNX order). All operands and the result have one
    element type, floating point or integer (not i1); integer convolutions
    (ConvInteger, QLinearConv, on operands widened to i32) accumulate
    exactly in that type. The kernel size may be dynamic (a run-time
    weight); the loops then take it from the weight.

    `auto_pad` ("same_upper" or "same_lower", with all `pads` zero) asks for
    ONNX's SAME padding computed when the model runs, for spatial or kernel
    sizes only known then (the importer resolves static ones into `pads`).

    ```mlir
    %y = xf.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
           dilations = array<i64: 1, 1>, group = 1 : i64}
         : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Xf_NumTensor:$input, Xf_NumTensor:$weight,
                       Optional<Xf_NumTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       OptionalAttr<StrAttr>:$auto_pad);
  let results = (outs Xf_NumTensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` "
      "type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)";
  let hasVerifier = 1;
}

def Xf_PoolOp : Xf_Op<"pool"> {
  let summary = "N-d max or average pooling (NCHW)";
  let description = [{
    `pads` and `auto_pad` as in `xf.conv`. Average pooling divides by the
    full window when `count_include_pad`, else by the number of in-bounds
    elements. `ceil_mode` (set only where a spatial size is dynamic; static
    ones are resolved by the importer) rounds the output size up, with
    ONNX's rule that the last window starts inside the input or the low
    padding.

    `argmax` (MaxPool's Indices) gives an i64 result: the row-major flat
    index, over the whole input, of the first maximum of each window.

    ```mlir
    %y = xf.pool max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
           count_include_pad = false}
         : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
    ```
  }];
  let arguments = (ins Xf_PoolKind:$kind, Xf_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       BoolAttr:$count_include_pad,
                       OptionalAttr<StrAttr>:$auto_pad, UnitAttr:$ceil_mode);
  let results = (outs RankedTensorOf<[AnyFloat, I64]>:$result);
  let assemblyFormat =
      "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_ConvTransposeOp : Xf_Op<"conv_transpose"> {
  let summary = "N-d grouped transposed convolution (NCHW) with run-time sizes";
  let description = [{
    ONNX ConvTranspose for inputs or weights whose shapes are only known at
    run time (static ones are rewritten into an `xf.conv` by the importer).
    `input: [N, C, in...]`, `weight: [C, F/group, kernel...]`, optional
    `bias: [F]`. The full output of spatial dimension i has
    `stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1`
    elements; `pads` (low pads, then high pads) crop it. With `auto_pad`
    ("same_upper" or "same_lower") the output has `in * stride` elements,
    and with `output_shape` that many; the crop is then split in two halves,
    the odd unit at the end for same_upper and at the start otherwise.

    ```mlir
    %y = xf.conv_transpose %x, %w {strides = array<i64: 2, 2>,
           dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
           output_padding = array<i64: 0, 0>, group = 1 : i64}
         : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$input, Xf_FloatTensor:$weight,
                       Optional<Xf_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$output_padding,
                       I64Attr:$group, OptionalAttr<StrAttr>:$auto_pad,
                       OptionalAttr<DenseI64ArrayAttr>:$output_shape);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` "
      "type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Xf_ReshapeOp : Xf_Op<"reshape"> {
  let summary = "reinterpret the row-major element order under a new shape";
  let description = [{
    ```mlir
    %y = xf.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_TransposeOp : Xf_Op<"transpose"> {
  let summary = "permute dimensions: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %y = xf.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_BroadcastOp : Xf_Op<"broadcast"> {
  let summary = "numpy-broadcast a tensor to the result shape (ONNX Expand)";
  let description = [{
    ```mlir
    %y = xf.broadcast %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_ExpandOp : Xf_Op<"expand"> {
  let summary = "broadcast a tensor to sizes known at run time (ONNX Expand)";
  let description = [{
    The result's sizes are the elements of `shape` (a vector as long as the
    result's rank; a static result dimension must match it). The input is
    aligned with the trailing result dimensions; each input dimension is 1,
    read at index 0 whatever the result size, or equals the result size.
    Unlike xf.broadcast, a dynamic input dimension broadcasts when it is 1 at
    run time. The importer checks the sizes (xf.assert) before it builds the
    op; the lowering reads an input dimension that is neither 1 nor the
    result size clamped, so it stays in bounds.

    ```mlir
    %y = xf.expand %x, %shape : tensor<?x?xf32>, tensor<3xi64> -> tensor<?x?x?xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, 1DTensorOf<[I64]>:$shape);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat =
      "$input `,` $shape attr-dict `:` type($input) `,` type($shape) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_IotaOp : Xf_Op<"iota"> {
  let summary = "each element's index along one axis, of sizes known at run time";
  let description = [{
    The result's sizes are the elements of `shape` (as for xf.expand);
    element `i` holds `i[axis]` converted to the element type. Range, the
    window functions and EyeLike build on it when their sizes are run-time
    values.

    ```mlir
    %i = xf.iota %shape {axis = 0 : i64} : tensor<1xi64> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins 1DTensorOf<[I64]>:$shape, I64Attr:$axis);
  let results = (outs Xf_NumTensor:$result);
  let assemblyFormat = "$shape attr-dict `:` type($shape) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_ConcatOp : Xf_Op<"concat"> {
  let summary = "join tensors along an axis";
  let description = [{
    ```mlir
    %y = xf.concat %a, %b {axis = 1 : i64}
         : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Xf_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat =
      "$inputs attr-dict `:` `(` type($inputs) `)` `->` type($result)";
  let hasVerifier = 1;
}

def Xf_SliceOp : Xf_Op<"slice"> {
  let summary = "strided window: result[i] = input[start + i * step]";
  let description = [{
    One `start` and `step` per dimension (normalized by the importer:
    non-negative start, non-zero step, sizes in the result type).

    ```mlir
    %y = xf.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>}
         : tensor<4x8xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Xf_GatherOp : Xf_Op<"gather"> {
  let summary = "take slices along an axis at the given indices";
  let description = [{
    ONNX Gather: negative indices count from the end of `axis`. The result
    shape is `data[:axis] + indices + data[axis+1:]`.

    ```mlir
    %y = xf.gather %t, %i {axis = 0 : i64}
         : tensor<100x64xf32>, tensor<1x16xi64> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$data, Xf_IntTensor:$indices, I64Attr:$axis);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_GatherElementsOp : Xf_Op<"gather_elements"> {
  let summary = "element-wise gather along an axis (ONNX GatherElements)";
  let description = [{
    `result[i] = data[i with i[axis] replaced by indices[i]]`; the result has
    the shape of `indices`, which has the rank of `data`. Negative indices
    count from the end of `axis`; out-of-range indices are clamped (never a
    read outside `data`).

    ```mlir
    %y = xf.gather_elements %d, %i {axis = 1 : i64}
         : tensor<2x2xf32>, tensor<2x3xi64> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$data, Xf_IntTensor:$indices, I64Attr:$axis);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_GatherNDOp : Xf_Op<"gather_nd"> {
  let summary = "gather slices addressed by index tuples (ONNX GatherND)";
  let description = [{
    The last dimension of `indices` (size `m`) holds tuples that address the
    `m` dimensions of `data` after the first `batch_dims`, which `data` and
    `indices` share. The result shape is
    `indices.shape[:-1] + data.shape[batch_dims + m:]`. Indices wrap once when
    negative and are clamped.

    ```mlir
    %y = xf.gather_nd %d, %i {batch_dims = 0 : i64}
         : tensor<2x2xf32>, tensor<2x1xi64> -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$data, Xf_IntTensor:$indices,
                       I64Attr:$batch_dims);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` type($data) `,` "
                       "type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_ScatterElementsOp : Xf_Op<"scatter_elements"> {
  let summary = "element-wise scatter along an axis (ONNX ScatterElements)";
  let description = [{
    A copy of `data` where, for every position `i` of `updates`, the element
    at `i` with `i[axis]` replaced by `indices[i]` is combined with
    `updates[i]` by `reduction` (`none` overwrites). Updates apply in
    row-major order. `indices` and `updates` have the same shape and the rank
    of `data`; negative indices count from the end, out-of-range ones are
    clamped.

    ```mlir
    %y = xf.scatter_elements add %d, %i, %u {axis = 0 : i64}
         : tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32> -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Xf_ScatterReduction:$reduction, Xf_Tensor:$data,
                       Xf_IntTensor:$indices, Xf_Tensor:$updates,
                       I64Attr:$axis);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$reduction $data `,` $indices `,` $updates attr-dict "
      "`:` type($data) `,` type($indices) `,` type($updates) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_ScatterNDOp : Xf_Op<"scatter_nd"> {
  let summary = "scatter slices addressed by index tuples (ONNX ScatterND)";
  let description = [{
    A copy of `data` where the slice addressed by each tuple in the last
    dimension of `indices` (size `m`) is combined with the matching slice of
    `updates` (shape `indices.shape[:-1] + data.shape[m:]`) by `reduction`.
    Updates apply in row-major order; indices wrap once when negative and are
    clamped.

    ```mlir
    %y = xf.scatter_nd none %d, %i, %u
         : tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32> -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Xf_ScatterReduction:$reduction, Xf_Tensor:$data,
                       Xf_IntTensor:$indices, Xf_Tensor:$updates);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$reduction $data `,` $indices `,` $updates attr-dict "
      "`:` type($data) `,` type($indices) `,` type($updates) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_EmbeddingOp : Xf_Op<"embedding"> {
  let summary = "row lookup in a [V, D] table";
  let description = [{
    `result[..., :] = table[indices[...], :]`; negative indices count from V.

    ```mlir
    %e = xf.embedding %table, %ids
         : tensor<100x64xf32>, tensor<1x16xi64> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Xf_Tensor:$table, Xf_IntTensor:$indices);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` type($table) `,` "
                       "type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_PadOp : Xf_Op<"pad", [AttrSizedOperandSegments]> {
  let summary = "pad with a constant, by reflection or by edge replication";
  let description = [{
    `pads` holds the low pad of every dimension, then the high pads (ONNX
    order). Negative pads crop.

    Pads known only at run time are the operand `runtime_pads` (a vector of
    2 * rank i64, same order; `pads` is then empty), and a run-time
    constant value the 0-D operand `runtime_value` (which replaces
    `value`). The lowering keeps every read inside the input whatever the
    values are; the importer checks them.

    ```mlir
    %y = xf.pad constant %x {pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f64}
         : tensor<2x3xf32> -> tensor<2x5xf32>
    %z = xf.pad edge %x pads %p : tensor<4xi64> {pads = array<i64>,
           value = 0.0 : f64} : tensor<?x3xf32> -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Xf_PadMode:$mode, Xf_Tensor:$input,
                       DenseI64ArrayAttr:$pads, F64Attr:$value,
                       Optional<RankedTensorOf<[I64]>>:$runtime_pads,
                       Optional<Xf_Tensor>:$runtime_value);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat =
      "$mode $input (`pads` $runtime_pads^ `:` type($runtime_pads))? "
      "(`value` $runtime_value^ `:` type($runtime_value))? "
      "attr-dict `:` type($input) `->` type($result)";
  let builders = [
    // Compile-time pads and value.
    OpBuilder<(ins "::mlir::Type":$result, "::xfc::xf::PadMode":$mode,
                   "::mlir::Value":$input, "::llvm::ArrayRef<int64_t>":$pads,
                   "const ::llvm::APFloat &":$value), [{
      build($_builder, $_state, result, mode, input, pads, value,
            ::mlir::Value(), ::mlir::Value());
    }]>
  ];
  let hasVerifier = 1;
}

def Xf_GridSampleOp : Xf_Op<"grid_sample"> {
  let summary = "sample the input at the points of a grid (ONNX GridSample)";
  let description = [{
    `input` is `[N, C, d1, ..., dr]` and `grid` is `[N, D1, ..., Dr, r]`;
    the result is `[N, C, D1, ..., Dr]`. `grid[n, o..., :]` holds the
    position to read, normalized to [-1, 1] and innermost dimension first
    (x, y, ...). `align_corners` maps -1 and 1 to the centers of the corner
    pixels instead of their outer edges. `nearest` reads the pixel at the
    position rounded half to even, `linear` the 2 and `cubic` (Keys,
    a = -0.75) the 4 nearest per dimension. `padding` gives what positions
    and taps outside the input read: `zeros`, the `border` pixel, or the
    `reflection` of the position at the borders.

    ```mlir
    %y = xf.grid_sample linear %x, %grid padding zeros {align_corners = false}
         : tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32> -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = (ins Xf_ResizeMode:$mode, Xf_FloatTensor:$input,
                       Xf_FloatTensor:$grid, Xf_GridPadding:$padding,
                       BoolAttr:$align_corners);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$mode $input `,` $grid `padding` $padding attr-dict "
      "`:` type($input) `,` type($grid) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_RoiAlignOp : Xf_Op<"roi_align"> {
  let summary = "average or max of bilinear samples in regions (ONNX RoiAlign)";
  let description = [{
    `input` is `[N, C, H, W]`, `rois` `[R, 4]` boxes `(x1, y1, x2, y2)` in
    input coordinates times `spatial_scale`, `batch_indices` `[R]` the image
    of each box. The result `[R, C, oh, ow]` splits every box into oh x ow
    bins and pools `sampling_ratio` x `sampling_ratio` bilinear samples per
    bin (`avg`, or `max` of the weighted corner values, as ONNX Runtime
    does). `half_pixel` shifts the box by half a pixel; without it boxes are
    at least one pixel wide and high.

    ```mlir
    %y = xf.roi_align avg %x, %rois, %idx {half_pixel = true,
           sampling_ratio = 2 : i64, spatial_scale = 1.0 : f64}
         : tensor<1x3x10x10xf32>, tensor<4x4xf32>, tensor<4xi64> -> tensor<4x3x5x5xf32>
    ```
  }];
  let arguments = (ins Xf_PoolKind:$mode, Xf_FloatTensor:$input,
                       Xf_FloatTensor:$rois, Xf_IntTensor:$batch_indices,
                       I64Attr:$sampling_ratio, F64Attr:$spatial_scale,
                       BoolAttr:$half_pixel);
  let results = (outs Xf_FloatTensor:$result);
  let assemblyFormat = "$mode $input `,` $rois `,` $batch_indices attr-dict "
      "`:` type($input) `,` type($rois) `,` type($batch_indices) `->` type($result)";
  let hasVerifier = 1;
}

def Xf_NmsOp : Xf_Op<"nms"> {
  let summary = "greedy non-maximum suppression per image and class";
  let description = [{
    For every image `b` and class `c`, repeatedly picks the box of highest
    `scores[b, c, :]` (above `score_threshold`, the lower index on ties)
    among those not yet picked or suppressed, and suppresses the remaining
    boxes whose IoU with it exceeds `iou_threshold`, until
    `max_per_class` are picked. `boxes[b, i]` is `(y1, x1, y2, x2)` (any two
    opposite corners) or, with `center_point_box`, `(xc, yc, w, h)`.
    `result[b, c, s]` is the index of the s-th pick, -1 past the last one.

    ```mlir
    %p = xf.nms %boxes, %scores, %max, %iou, %score {center_point_box = false}
         : tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>
         -> tensor<1x2x6xi64>
    ```
  }];
  let arguments = (ins Xf_FloatTensor:$boxes, Xf_FloatTensor:$scores,
                       Xf_IntTensor:$max_per_class, Xf_FloatTensor:$iou_threshold,
                       Xf_FloatTensor:$score_threshold, BoolAttr:$center_point_box);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$boxes `,` $scores `,` $max_per_class `,` $iou_threshold `,` "
      "$score_threshold attr-dict `:` type($boxes) `,` type($scores) `,` "
      "type($max_per_class) `,` type($iou_threshold) `,` type($score_threshold) "
      "`->` type($result)";
  let hasVerifier = 1;
}

def Xf_ResizeOp : Xf_Op<"resize", [AttrSizedOperandSegments]> {
  let summary = "nearest, N-linear or cubic resampling (ONNX Resize)";
  let description = [{
    Output element `o` reads the input around `x[d] = f(o[d])` in every
    dimension, where `f` is the `coordinate_mode` mapping with the scale
    `scales[d]` (a 1-D float tensor, read at run time when it is not a
    constant: the mapping depends on the scale value itself, not only on the
    ratio of the sizes). `nearest` takes one pixel (`nearest_mode` rounds
    `x`), `linear` the 2 and `cubic` the 4 nearest per dimension with
    Keys-cubic weights (`cubic_coeff_a`; `exclude_outside` drops and
    renormalizes taps outside the input). Taps outside the input read the
    nearest edge. `tf_crop_and_resize` reads the window given by `roi`
    (`[starts..., ends...]`, normalized) and yields `extrapolation_value`
    where the window leaves the input.

    A result with dynamic dimensions takes their sizes from `output_sizes`
    (one index per `?` of the result type, in order): the importer computes
    them from the run-time scales or sizes, since they are values, not a
    function of the input's shape. A `roi` of unknown length is checked at
    run time to have `2 * rank` elements.

    ```mlir
    %y = xf.resize linear %x, %scales coordinates half_pixel
           nearest round_prefer_floor {cubic_coeff_a = -7.5e-01 : f64,
           exclude_outside = false, extrapolation_value = 0.0 : f64}
         : tensor<1x1x2x2xf32>, tensor<4xf64> -> tensor<1x1x4x4xf32>
    %z = xf.resize nearest %d, %s2 sizes(%h, %w) coordinates asymmetric
           nearest floor {cubic_coeff_a = -7.5e-01 : f64,
           exclude_outside = false, extrapolation_value = 0.0 : f64}
         : tensor<1x1x?x?xf32>, tensor<4xf32> -> tensor<1x1x?x?xf32>
    ```
  }];
  let arguments = (ins Xf_ResizeMode:$mode, Xf_Tensor:$input,
                       Xf_FloatTensor:$scales, Optional<Xf_FloatTensor>:$roi,
                       Variadic<Index>:$output_sizes,
                       Xf_CoordinateMode:$coordinate_mode,
                       Xf_NearestMode:$nearest_mode, F64Attr:$cubic_coeff_a,
                       BoolAttr:$exclude_outside, F64Attr:$extrapolation_value);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$mode $input `,` $scales (`,` `roi` $roi^)? "
      "(`sizes` `(` $output_sizes^ `)`)? `coordinates` $coordinate_mode `nearest` $nearest_mode attr-dict "
      "`:` type($input) `,` type($scales) (`,` type($roi)^)? `->` type($result)";
  let hasVerifier = 1;
}

def Xf_TriluOp : Xf_Op<"trilu", [AllTypesMatch<["input", "result"]>]> {
  let summary = "keep the upper or lower triangle of the last two dims";
  let description = [{
    Keeps `j - i >= k` (upper) or `j - i <= k` (lower); zeroes the rest.
    `k` is a 0-D i64 tensor, so the diagonal may be a run-time value (ONNX
    Trilu's `k` is an input).

    ```mlir
    %y = xf.trilu %x, %k {upper = true} : tensor<4x4xf32>, tensor<i64>
    ```
  }];
  let arguments = (ins Xf_Tensor:$input, 0DTensorOf<[I64]>:$k, BoolAttr:$upper);
  let results = (outs Xf_Tensor:$result);
  let assemblyFormat = "$input `,` $k attr-dict `:` type($input) `,` type($k)";
  let hasVerifier = 1;
}

#endif // XF_OPS_TD
