//===- Passes.h - xfc conversion passes -----------------------------------===//

#ifndef XFC_CONVERSION_PASSES_H
#define XFC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace xfc {

#define GEN_PASS_DECL
#include "xfc/Conversion/Passes.h.inc"

/// Patterns lowering every xf op to linalg/tensor/arith/math.
void populateXfToLinalgPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "xfc/Conversion/Passes.h.inc"

} // namespace xfc

#endif // XFC_CONVERSION_PASSES_H
