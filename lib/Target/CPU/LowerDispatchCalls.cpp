//===- LowerDispatchCalls.cpp - runtime calls → the env's services -------===//
//
// Dispatch calls become env->parallel_for, the calls of failed run-time
// checks (xf.assert, and the checks of dynamic sizes, which also return from
// @main) env->check_failed, and the requests for output buffers
// env->allocate_output (returning from @main when it gives none).
//
// After conversion to LLVM every captured memref has been expanded into
// scalars, so a closure is a plain struct of scalars: it lives on the stack
// of the calling function for the (synchronous) duration of parallel_for.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/Passes.h"
#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace xfc {
#define GEN_PASS_DEF_CPULOWERDISPATCHCALLSPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

constexpr llvm::StringLiteral kDispatchPrefix = "__xfc_dispatch__";

/// Field indices of xfrt_exec_env {u32 abi, i32 threads, ptr state,
/// ptr parallel_for, ptr check_failed, ptr call_state, ptr allocate_output}.
constexpr int32_t kEnvStateField = 2, kEnvParallelForField = 3,
                  kEnvCheckFailedField = 4, kEnvCallStateField = 5,
                  kEnvAllocateOutputField = 6;

/// Loads field `index` (a pointer) of the xfrt_exec_env at `env`.
Value envField(OpBuilder &b, Location loc, LLVM::LLVMStructType envTy,
               Value env, int32_t index) {
  Type ptrTy = LLVM::LLVMPointerType::get(b.getContext());
  Value addr = LLVM::GEPOp::create(b, loc, ptrTy, envTy, env,
                                   ArrayRef<LLVM::GEPArg>{0, index});
  return LLVM::LoadOp::create(b, loc, ptrTy, addr);
}

/// Makes `op`'s function return right after `op` when `stop` is true (or
/// always, for a null `stop`). The function returns nothing: @main, whose
/// results have all become out-parameters. Buffers allocated before are not
/// freed (only an error ends a call this way).
void returnAfter(Operation *op, Value stop) {
  Block *block = op->getBlock();
  Block *rest = block->splitBlock(op->getNextNode());
  OpBuilder b = OpBuilder::atBlockEnd(block);
  Location loc = op->getLoc();
  if (!stop) {
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return;
  }
  Block *exit = b.createBlock(rest);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  b.setInsertionPointToEnd(block);
  LLVM::CondBrOp::create(b, loc, stop, exit, rest);
}

struct CpuLowerDispatchCallsPass
    : impl::CpuLowerDispatchCallsPassBase<CpuLowerDispatchCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    Type i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
    auto envTy = LLVM::LLVMStructType::getLiteral(
        ctx, {i32, i32, ptrTy, ptrTy, ptrTy, ptrTy, ptrTy});
    if (failed(lowerCheckCalls(module, envTy)) ||
        failed(lowerOutputBufferCalls(module, envTy)))
      return signalPassFailure();

    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee(); callee && callee->starts_with(kDispatchPrefix))
        calls.push_back(call);
    });
    llvm::StringMap<LLVM::LLVMFuncOp> thunks;
    for (LLVM::CallOp call : calls) {
      StringRef taskName = call.getCallee()->drop_front(kDispatchPrefix.size());
      auto task = module.lookupSymbol<LLVM::LLVMFuncOp>(taskName);
      if (!task) {
        call.emitError("dispatch of unknown task ") << taskName;
        return signalPassFailure();
      }
      Location loc = call.getLoc();
      ValueRange args = call.getArgOperands();
      Value count = args[0], env = args[1];
      SmallVector<Type> fieldTypes;
      for (Value v : args.drop_front(2))
        fieldTypes.push_back(v.getType());
      auto closureTy = LLVM::LLVMStructType::getLiteral(ctx, fieldTypes);

      LLVM::LLVMFuncOp &thunk = thunks[taskName];
      if (!thunk)
        thunk = buildThunk(module, task, closureTy, loc);

      // Allocas belong in the entry block so they are not repeated in loops.
      auto parent = call->getParentOfType<LLVM::LLVMFuncOp>();
      OpBuilder eb = OpBuilder::atBlockBegin(&parent.getBody().front());
      Value one = LLVM::ConstantOp::create(eb, loc, i64, eb.getI64IntegerAttr(1));
      Value closure = LLVM::AllocaOp::create(eb, loc, ptrTy, closureTy, one);

      OpBuilder b(call);
      for (auto [i, v] : llvm::enumerate(args.drop_front(2))) {
        Value slot = LLVM::GEPOp::create(b, loc, ptrTy, closureTy, closure,
                                         ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
        LLVM::StoreOp::create(b, loc, v, slot);
      }
      auto field = [&](int32_t index) {
        Value addr = LLVM::GEPOp::create(b, loc, ptrTy, envTy, env,
                                         ArrayRef<LLVM::GEPArg>{0, index});
        return LLVM::LoadOp::create(b, loc, ptrTy, addr).getResult();
      };
      Value state = field(kEnvStateField), parallelFor = field(kEnvParallelForField);
      Value thunkAddr = LLVM::AddressOfOp::create(b, loc, ptrTy, thunk.getSymName());
      auto pfTy = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                              {ptrTy, i64, ptrTy, ptrTy});
      LLVM::CallOp::create(b, loc, pfTy,
                           ValueRange{parallelFor, state, count, thunkAddr, closure});
      call.erase();
    }
    // The declarations have served their purpose.
    for (auto fn : llvm::make_early_inc_range(module.getOps<LLVM::LLVMFuncOp>()))
      if (fn.getSymName().starts_with(kDispatchPrefix) && fn.isExternal())
        fn.erase();
  }

  /// `call @__xfc_check_failed(code)` → env->check_failed(env->call_state,
  /// code), and the same plus a return for @__xfc_shape_check_failed.
  /// Checks live in @main (they are not part of any dispatched loop nest),
  /// whose first argument is the env.
  LogicalResult lowerCheckCalls(ModuleOp module, LLVM::LLVMStructType envTy) {
    MLIRContext *ctx = module.getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee();
          callee && (*callee == kCheckFailedFnName || *callee == kShapeCheckFailedFnName))
        calls.push_back(call);
    });
    for (LLVM::CallOp call : calls) {
      auto parent = call->getParentOfType<LLVM::LLVMFuncOp>();
      if (parent.getSymName() != "main" || parent.getNumArguments() == 0 ||
          !isa<LLVM::LLVMPointerType>(parent.getArgument(0).getType()))
        return call.emitError("a run-time check outside @main cannot reach "
                              "the runtime environment");
      Location loc = call.getLoc();
      OpBuilder b(call);
      Value env = parent.getArgument(0);
      Value fn = envField(b, loc, envTy, env, kEnvCheckFailedField);
      Value state = envField(b, loc, envTy, env, kEnvCallStateField);
      auto fnTy = LLVM::LLVMFunctionType::get(
          LLVM::LLVMVoidType::get(ctx), {ptrTy, IntegerType::get(ctx, 32)});
      auto report = LLVM::CallOp::create(
          b, loc, fnTy, ValueRange{fn, state, call.getArgOperands()[0]});
      if (*call.getCallee() == kShapeCheckFailedFnName)
        returnAfter(report, /*stop=*/nullptr);
      call.erase();
    }
    for (StringRef name : {kCheckFailedFnName, kShapeCheckFailedFnName})
      if (auto decl = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        decl.erase();
    return success();
  }

  /// `call @__xfc_output_buffer<i>(env, dims...)` returning a memref
  /// descriptor → env->allocate_output(env->call_state, i, dims) and a
  /// dense row-major descriptor over the pointer it returns; @main returns
  /// when it returns null.
  LogicalResult lowerOutputBufferCalls(ModuleOp module, LLVM::LLVMStructType envTy) {
    MLIRContext *ctx = module.getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    Type i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee(); callee && callee->starts_with(kOutputBufferFnPrefix))
        calls.push_back(call);
    });
    for (LLVM::CallOp call : calls) {
      int32_t index = 0;
      if (call.getCallee()->drop_front(kOutputBufferFnPrefix.size()).getAsInteger(10, index) ||
          call.getNumResults() != 1 || call.getArgOperands().empty())
        return call.emitError("malformed output buffer request");
      Location loc = call.getLoc();
      auto parent = call->getParentOfType<LLVM::LLVMFuncOp>();
      Value env = call.getArgOperands()[0];
      ValueRange dims = call.getArgOperands().drop_front();
      int64_t rank = dims.size();
      // The shape array lives in the entry block's frame, like closures.
      OpBuilder eb = OpBuilder::atBlockBegin(&parent.getBody().front());
      Value one = LLVM::ConstantOp::create(eb, loc, i64, eb.getI64IntegerAttr(1));
      auto shapeTy = LLVM::LLVMArrayType::get(i64, std::max<int64_t>(rank, 1));
      Value shape = LLVM::AllocaOp::create(eb, loc, ptrTy, shapeTy, one);

      OpBuilder b(call);
      for (auto [d, dim] : llvm::enumerate(dims)) {
        Value slot = LLVM::GEPOp::create(b, loc, ptrTy, i64, shape,
                                         ArrayRef<LLVM::GEPArg>{(int32_t)d});
        LLVM::StoreOp::create(b, loc, dim, slot);
      }
      Value fn = envField(b, loc, envTy, env, kEnvAllocateOutputField);
      Value state = envField(b, loc, envTy, env, kEnvCallStateField);
      auto fnTy = LLVM::LLVMFunctionType::get(ptrTy, {ptrTy, i32, ptrTy});
      Value indexValue = LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(index));
      auto data = LLVM::CallOp::create(b, loc, fnTy, ValueRange{fn, state, indexValue, shape});
      // {allocated, aligned, offset, sizes[rank], strides[rank]}
      Type descTy = call.getResult().getType();
      Value desc = LLVM::UndefOp::create(b, loc, descTy);
      desc = LLVM::InsertValueOp::create(b, loc, desc, data.getResult(),
                                         ArrayRef<int64_t>{0});
      desc = LLVM::InsertValueOp::create(b, loc, desc, data.getResult(),
                                         ArrayRef<int64_t>{1});
      desc = LLVM::InsertValueOp::create(
          b, loc, desc, LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(0)),
          ArrayRef<int64_t>{2});
      Value stride = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(1));
      for (int64_t d = rank - 1; d >= 0; --d) {
        desc = LLVM::InsertValueOp::create(b, loc, desc, dims[d], ArrayRef<int64_t>{3, d});
        desc = LLVM::InsertValueOp::create(b, loc, desc, stride, ArrayRef<int64_t>{4, d});
        if (d > 0)
          stride = LLVM::MulOp::create(b, loc, stride, dims[d]);
      }
      call.getResult().replaceAllUsesWith(desc);
      Value null = LLVM::ZeroOp::create(b, loc, ptrTy);
      Value failed = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq,
                                          data.getResult(), null);
      Operation *last = failed.getDefiningOp();
      call.erase();
      returnAfter(last, failed);
    }
    for (auto fn : llvm::make_early_inc_range(module.getOps<LLVM::LLVMFuncOp>()))
      if (fn.getSymName().starts_with(kOutputBufferFnPrefix) && fn.isExternal())
        fn.erase();
    return success();
  }

  /// void <task>_thunk(ptr closure, i64 index) { <task>(index, closure...); }
  LLVM::LLVMFuncOp buildThunk(ModuleOp module, LLVM::LLVMFuncOp task,
                              LLVM::LLVMStructType closureTy, Location loc) {
    MLIRContext *ctx = module.getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    Type i64 = IntegerType::get(ctx, 64);
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrTy, i64});
    auto thunk = LLVM::LLVMFuncOp::create(b, loc, (task.getSymName() + "_thunk").str(),
                                          type, LLVM::Linkage::Internal);
    Block *entry = thunk.addEntryBlock(b);
    OpBuilder tb = OpBuilder::atBlockBegin(entry);
    SmallVector<Value> operands{entry->getArgument(1)};
    for (auto [i, t] : llvm::enumerate(closureTy.getBody())) {
      Value slot = LLVM::GEPOp::create(tb, loc, ptrTy, closureTy, entry->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
      operands.push_back(LLVM::LoadOp::create(tb, loc, t, slot));
    }
    LLVM::CallOp::create(tb, loc, task, operands);
    LLVM::ReturnOp::create(tb, loc, ValueRange{});
    return thunk;
  }
};

} // namespace
} // namespace xfc
