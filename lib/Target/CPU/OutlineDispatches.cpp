//===- OutlineDispatches.cpp - scf.forall bodies → thread-pool tasks ------===//
//
// Multi-threading without an OpenMP runtime: every outermost scf.forall of
// @main becomes a task function over one linear index, and the loop becomes
// a call that xfc-cpu-lower-dispatch-calls later turns into the runtime's
// parallel_for. The runtime environment pointer becomes @main's first
// argument, which the entry point passes through; the requests for output
// buffers (xf.output_buffer) become calls that take it.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/Passes.h"
#include "xfc/Transforms/Passes.h"

#include "dialects/Xf/IR/XfDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace xfc {
#define GEN_PASS_DEF_CPUOUTLINEDISPATCHESPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {

/// `@__xfc_dispatch__<task>` calls `<task>` through the runtime's pool.
inline constexpr llvm::StringLiteral kDispatchPrefix = "__xfc_dispatch__";

namespace {

struct CpuOutlineDispatchesPass
    : impl::CpuOutlineDispatchesPassBase<CpuOutlineDispatchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal()) {
      module.emitError("no @main to outline dispatches from");
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    if (failed(main.insertArgument(0, ptrTy, {}, main.getLoc())))
      return signalPassFailure();
    Value env = main.getArgument(0);

    SmallVector<scf::ForallOp> loops;
    main.walk([&](scf::ForallOp loop) {
      if (!loop->getParentOfType<scf::ForallOp>())
        loops.push_back(loop);
    });
    SymbolTable symbols(module);
    for (auto [n, loop] : llvm::enumerate(loops))
      outline(loop, env, symbols, main.getName().str() + "_task" + std::to_string(n));
    WalkResult walk = main.walk([&](xf::OutputBufferOp op) {
      return failed(bindOutputBuffer(op, env, symbols)) ? WalkResult::interrupt()
                                                        : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }

  /// xf.output_buffer → call @__xfc_output_buffer<i>(env, every dimension).
  LogicalResult bindOutputBuffer(xf::OutputBufferOp op, Value env,
                                 SymbolTable &symbols) {
    if (op->getParentOp() != env.getParentBlock()->getParentOp())
      return op.emitError("an output buffer must be requested in @main itself");
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto type = cast<MemRefType>(op.getType());
    SmallVector<Value> operands{env};
    auto dynamicSizes = op.getDynamicSizes().begin();
    for (int64_t size : type.getShape())
      operands.push_back(ShapedType::isDynamic(size)
                             ? *dynamicSizes++
                             : arith::ConstantIndexOp::create(b, loc, size));
    std::string name = (kOutputBufferFnPrefix + Twine(op.getIndex())).str();
    auto fnType = b.getFunctionType(ValueRange(operands).getTypes(), type);
    auto decl = symbols.lookup<func::FuncOp>(name);
    if (!decl) {
      OpBuilder mb(op->getParentOfType<func::FuncOp>());
      decl = func::FuncOp::create(mb, loc, name, fnType);
      decl.setPrivate();
      symbols.insert(decl);
    }
    op.replaceAllUsesWith(func::CallOp::create(b, loc, decl, operands).getResult(0));
    op.erase();
    return success();
  }

  void outline(scf::ForallOp loop, Value env, SymbolTable &symbols,
               const std::string &taskName) {
    // Loops with results stay serial (scf-forall-to-for).
    if (loop.getNumResults() != 0)
      return;
    // Trip counts, computed before the loop (folded to constants when the
    // bounds are; run-time sizes give run-time counts).
    Location loc = loop.getLoc();
    OpBuilder lb(loop);
    auto value = [&](OpFoldResult v) { return getValueOrCreateConstantIndexOp(lb, loc, v); };
    SmallVector<Value> lbs, steps, counts;
    Value total = arith::ConstantIndexOp::create(lb, loc, 1);
    Value zero = arith::ConstantIndexOp::create(lb, loc, 0);
    for (auto [l, u, s] : llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                                    loop.getMixedStep())) {
      lbs.push_back(value(l));
      steps.push_back(value(s));
      Value span = lb.createOrFold<arith::MaxSIOp>(
          loc, lb.createOrFold<arith::SubIOp>(loc, value(u), lbs.back()), zero);
      counts.push_back(lb.createOrFold<arith::CeilDivSIOp>(loc, span, steps.back()));
      total = lb.createOrFold<arith::MulIOp>(loc, total, counts.back());
    }
    llvm::SetVector<Value> used, captures;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    // The delinearization needs the bounds and inner counts (the outermost
    // count is not needed) that are not constants.
    for (Value v : llvm::concat<Value>(lbs, steps,
                                       MutableArrayRef<Value>(counts).drop_front()))
      used.insert(v);
    // Constants are rematerialized in the task instead of being passed.
    SmallVector<Operation *> constants;
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>() && def->getNumOperands() == 0)
        constants.push_back(def);
      else
        captures.insert(v);
    }

    OpBuilder b(loop->getParentOfType<func::FuncOp>());
    SmallVector<Type> taskArgs{b.getIndexType()};
    for (Value v : captures)
      taskArgs.push_back(v.getType());
    auto task = func::FuncOp::create(b, loc, taskName,
                                     b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    symbols.insert(task);
    Block *entry = task.addEntryBlock();
    OpBuilder tb = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (auto [i, v] : llvm::enumerate(captures))
      mapping.map(v, entry->getArgument(i + 1));
    for (Operation *c : constants)
      tb.clone(*c, mapping);
    // Delinearize the task index, innermost loop fastest.
    Value rem = entry->getArgument(0);
    SmallVector<Value> ivs(counts.size());
    for (int64_t d = counts.size() - 1; d >= 0; --d) {
      // The outermost index is what remains; its count was not passed.
      Value idx = rem;
      if (d > 0) {
        Value count = mapping.lookup(counts[d]);
        idx = arith::RemUIOp::create(tb, loc, rem, count);
        rem = arith::DivUIOp::create(tb, loc, rem, count);
      }
      Value scaled = arith::MulIOp::create(tb, loc, idx, mapping.lookup(steps[d]));
      ivs[d] = arith::AddIOp::create(tb, loc, scaled, mapping.lookup(lbs[d]));
    }
    for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
      mapping.map(iv, value);
    for (Operation &op : loop.getBody()->without_terminator())
      tb.clone(op, mapping);
    func::ReturnOp::create(tb, loc);

    // The declaration the LLVM-level pass recognizes by name.
    SmallVector<Type> dispatchArgs{b.getIndexType(), env.getType()};
    for (Value v : captures)
      dispatchArgs.push_back(v.getType());
    auto dispatch = func::FuncOp::create(b, loc, (kDispatchPrefix + taskName).str(),
                                         b.getFunctionType(dispatchArgs, {}));
    dispatch.setPrivate();
    symbols.insert(dispatch);

    SmallVector<Value> operands{total, env};
    operands.append(captures.begin(), captures.end());
    func::CallOp::create(lb, loc, dispatch, operands);
    loop.erase();
  }
};

} // namespace
} // namespace xfc
