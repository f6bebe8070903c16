//===- LowerDispatchCalls.cpp - runtime calls → the env's services -------===//
//
// Dispatch calls become env->parallel_for, and the calls of failed run-time
// checks (xf.assert) env->check_failed.
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
/// ptr parallel_for, ptr check_failed, ptr call_state}.
constexpr int32_t kEnvStateField = 2, kEnvParallelForField = 3,
                  kEnvCheckFailedField = 4, kEnvCallStateField = 5;

struct CpuLowerDispatchCallsPass
    : impl::CpuLowerDispatchCallsPassBase<CpuLowerDispatchCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    Type i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
    auto envTy = LLVM::LLVMStructType::getLiteral(
        ctx, {i32, i32, ptrTy, ptrTy, ptrTy, ptrTy});
    if (failed(lowerCheckCalls(module, envTy)))
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
  /// code). Checks live in @main (they are not part of any dispatched
  /// loop nest), whose first argument is the env.
  LogicalResult lowerCheckCalls(ModuleOp module, LLVM::LLVMStructType envTy) {
    MLIRContext *ctx = module.getContext();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee(); callee && *callee == kCheckFailedFnName)
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
      auto field = [&](int32_t index) {
        Value addr = LLVM::GEPOp::create(b, loc, ptrTy, envTy, env,
                                         ArrayRef<LLVM::GEPArg>{0, index});
        return LLVM::LoadOp::create(b, loc, ptrTy, addr).getResult();
      };
      Value fn = field(kEnvCheckFailedField), state = field(kEnvCallStateField);
      auto fnTy = LLVM::LLVMFunctionType::get(
          LLVM::LLVMVoidType::get(ctx), {ptrTy, IntegerType::get(ctx, 32)});
      LLVM::CallOp::create(b, loc, fnTy,
                           ValueRange{fn, state, call.getArgOperands()[0]});
      call.erase();
    }
    if (auto decl = module.lookupSymbol<LLVM::LLVMFuncOp>(kCheckFailedFnName))
      decl.erase();
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
