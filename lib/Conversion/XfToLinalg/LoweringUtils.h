//===- LoweringUtils.h - helpers shared by the xf→linalg patterns ---------===//
//
// The building blocks every op family uses: empty result tensors with their
// dynamic sizes, numpy-broadcast indexing maps, elementwise and reduction
// linalg.generic builders, scalar constants and reshapes. Each piece of
// lowering logic lives here once.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CONVERSION_XFTOLINALG_LOWERINGUTILS_H
#define XFC_LIB_CONVERSION_XFTOLINALG_LOWERINGUTILS_H

#include "xfc/Transforms/RunTimeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace xfc::lowering {

using BodyBuilder =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>;

/// A tensor.empty of `type`, the size of each dynamic dimension d given by
/// `dynamicSize(d)`.
mlir::Value createEmptySized(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type,
                             llvm::function_ref<mlir::Value(int64_t)> dynamicSize);

/// A tensor.empty of `type` for a result that numpy-broadcasts `sources`:
/// each dynamic size is read (tensor.dim) from the first source whose
/// trailing-aligned dimension is not statically 1.
///
/// The broadcasting rule for dynamic dimensions (as in onnx-mlir and IREE):
/// a dimension broadcasts only when it is 1 at compile time; a dynamic one
/// is assumed to equal the other operands' sizes there, which
/// checkBroadcastSizes verifies at run time.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange sources = {});

/// buildSizeCheck that dimension `ad` of `a` and `bd` of `b` compare with
/// `pred` (e.g. eq, ule).
void checkDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a, int64_t ad,
               mlir::arith::CmpIPredicate pred, mlir::Value other, int64_t od,
               const llvm::Twine &what);

/// Whether createEmpty(type, sources) finds a source for every dynamic
/// dimension of `type`.
bool broadcastSizesKnown(mlir::RankedTensorType type, mlir::ValueRange sources);

/// Run-time checks (buildSizeCheck) that `sources` agree on every dimension
/// of `type` that involves a dynamic size, under createEmpty's rule.
void checkBroadcastSizes(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::ValueRange sources);

/// Run-time broadcasting (ONNX's rule) where a dynamic dimension may be 1
/// while another operand's is not: computes those result sizes, checks each
/// operand's size is 1 or that (buildSizeCheck), and replaces each such
/// operand in `operands` by an scf.if that yields the operand itself when
/// its sizes already match (the common case) or else a copy broadcast to
/// the result's sizes there. Returns the result's tensor.empty, or null
/// when no dimension needs it (static shapes, or dynamic sizes of one
/// provable origin: the same input dimension through elementwise ops):
/// then createEmpty/checkBroadcastSizes apply as before.
mlir::Value broadcastAtRunTime(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type,
                               llvm::SmallVectorImpl<mlir::Value> &operands);

/// Indexing map that reads an operand of `operandShape` numpy-broadcast to
/// `resultShape`: leading dims dropped, size-1 dims read at 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// An elementwise linalg.generic producing `resultType` from `inputs`, each
/// broadcast to the result shape; `body` maps scalar inputs to the result.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyBuilder body);

/// Reduces `input` over `axes` (sorted) with `combine(element, acc)`,
/// starting from `init`. The result drops the reduced dimensions.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> axes,
                           mlir::TypedAttr init, BodyBuilder combine);

/// Broadcasts a tensor whose `axes` were reduced away back over `like`'s
/// shape, for use as an operand of an elementwise op with `like`.
mlir::AffineMap reducedOperandMap(mlir::MLIRContext *ctx, int64_t rank,
                                  llvm::ArrayRef<int64_t> axes);

/// Scalar constant of float or integer type `type`.
mlir::Value scalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                   double value);

/// Typed attribute holding `value` for float or integer `type`.
mlir::TypedAttr scalarAttr(mlir::Type type, double value);

/// The largest / smallest value of `type` (±inf for floats).
mlir::TypedAttr lowestAttr(mlir::Type type);
mlir::TypedAttr highestAttr(mlir::Type type);

/// Reshapes `input` (row-major) to `type` with collapse/expand_shape. The
/// sizes of `type`'s dynamic dimensions are `dynamicSizes` (in order) when
/// given, else inferred where each expanded group has at most one dynamic
/// dimension; null when they cannot be.
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                    mlir::RankedTensorType type,
                    mlir::ValueRange dynamicSizes = {});

/// Element-wise max/min that propagate NaN like ONNX (arith.maximumf).
mlir::Value buildMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                     mlir::Value y);
mlir::Value buildMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                     mlir::Value y);

/// Converts a scalar between element types with ONNX Cast semantics.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, mlir::Type to);

/// An index read from an indices tensor (any integer type), wrapped once
/// into [0, size) when negative and clamped so that a bad index can never
/// address outside the dimension.
mlir::Value normalizeIndex(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value raw, int64_t size);
/// The same for a size known only at run time (an index value).
mlir::Value normalizeIndex(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value raw, mlir::Value size);

/// Keys cubic convolution weights (coefficient `a`) of the taps at
/// floor(x) - 1 ... floor(x) + 2 for the f64 fraction `r` = x - floor(x), in
/// the ONNX reference's order of operations (Resize and GridSample).
llvm::SmallVector<mlir::Value> cubicWeights(mlir::OpBuilder &b,
                                            mlir::Location loc, mlir::Value r,
                                            double a);

/// The op families' pattern sets.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateLinearAlgebraPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns);
void populateConvPoolPatterns(mlir::RewritePatternSet &patterns);
void populateSequentialPatterns(mlir::RewritePatternSet &patterns);
void populateCheckPatterns(mlir::RewritePatternSet &patterns);

/// Lists the messages of `module`'s xf.assert ops in its check-messages
/// attribute and declares the function failed checks call; run before the
/// check patterns.
void numberCheckMessages(mlir::ModuleOp module);

/// Run-time checks of sizes the lowering relies on (e.g. two dynamic
/// dimensions that broadcasting assumes equal).
using xfc::buildSizeCheck;
void populateResizePatterns(mlir::RewritePatternSet &patterns);
void populateGridSamplePatterns(mlir::RewritePatternSet &patterns);
void populateRoiAlignPatterns(mlir::RewritePatternSet &patterns);
void populateDetectionPatterns(mlir::RewritePatternSet &patterns);

} // namespace xfc::lowering

#endif // XFC_LIB_CONVERSION_XFTOLINALG_LOWERINGUTILS_H
