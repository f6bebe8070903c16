//===- CheckAllocations.cpp - heap buffers that may not exist -------------===//

#include "xfc/Transforms/Passes.h"
#include "xfc/Transforms/RunTimeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace xfc {
#define GEN_PASS_DEF_CHECKALLOCATIONSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// No buffer is larger than this: it keeps the byte count, and the
/// alignment padding the allocation adds to it, far from overflow.
constexpr int64_t kMaxBufferBytes = int64_t(1) << 62;

struct CheckAllocationsPass
    : impl::CheckAllocationsPassBase<CheckAllocationsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    // Only @main can report and return; the allocations inside loops that
    // are later outlined into parallel tasks are per-tile scratch of
    // static size.
    if (fn.getSymName() != "main")
      return;
    SmallVector<memref::AllocOp> allocs;
    fn.walk([&](memref::AllocOp op) {
      if (!op->getParentOfType<scf::ForallOp>() &&
          !op->getParentOfType<scf::ParallelOp>())
        allocs.push_back(op);
    });
    for (memref::AllocOp op : allocs)
      check(op);
  }

  void check(memref::AllocOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    MemRefType type = op.getType();
    // Index, vector and complex elements too: their size is the data
    // layout's.
    int64_t eltBytes = std::max<int64_t>(
        1, DataLayout::closest(op).getTypeSize(type.getElementType()));
    int64_t staticBytes = eltBytes;
    for (int64_t d : type.getShape())
      if (!ShapedType::isDynamic(d))
        staticBytes = d != 0 && staticBytes > kMaxBufferBytes / d
                          ? kMaxBufferBytes + 1
                          : staticBytes * d;
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    // Sizes computed at run time (an Expand or Tile to values the model
    // read) may not fit in the address space, or their product may wrap:
    // checked before the byte count is formed, each size against what the
    // others leave (unsigned, so a negative size fails too).
    if (!op.getDynamicSizes().empty()) {
      Value ok = arith::ConstantIntOp::create(b, loc, staticBytes <= kMaxBufferBytes, 1);
      Value bytes = index(std::min(staticBytes, kMaxBufferBytes));
      Value one = index(1);
      for (Value size : op.getDynamicSizes()) {
        Value room = arith::DivUIOp::create(
            b, loc, index(kMaxBufferBytes), arith::MaxUIOp::create(b, loc, bytes, one));
        ok = arith::AndIOp::create(
            b, loc, ok,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, size, room));
        bytes = arith::MulIOp::create(b, loc, bytes, size);
      }
      buildSizeCheck(b, loc, ok,
                     "cannot allocate a buffer of the sizes computed at run "
                     "time (more than 2^62 bytes)");
    }
    // The allocation itself may fail: a null buffer is reported before
    // anything writes to it.
    b.setInsertionPointAfter(op);
    Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, op);
    Value allocated = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                            address, index(0));
    buildSizeCheck(b, loc, allocated,
                   "out of memory: cannot allocate a buffer of " +
                       (op.getDynamicSizes().empty()
                            ? llvm::Twine(staticBytes) + " bytes"
                            : llvm::Twine("the sizes computed at run time")));
  }
};

} // namespace
} // namespace xfc
