//===- Passes.h - passes of the code-generation targets -------------------===//

#ifndef XFC_TARGET_PASSES_H
#define XFC_TARGET_PASSES_H

#include "mlir/Pass/Pass.h"

namespace xfc {

#define GEN_PASS_DECL
#include "xfc/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xfc/Target/Passes.h.inc"

} // namespace xfc

#endif // XFC_TARGET_PASSES_H
