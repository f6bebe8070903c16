//===- InitAll.h - every dialect, interface, pass and target of xfc -------===//
//
// The one place that lists what xfc registers; the tools call these and
// nothing else.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_INITALL_H
#define XFC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace xfc {

/// Dialects xfc uses, with the interface models its pipelines need.
void registerAllDialects(mlir::DialectRegistry &registry);

/// xfc's passes, the upstream passes its pipelines name, and the targets.
void registerAllPasses();

} // namespace xfc

#endif // XFC_INITALL_H
