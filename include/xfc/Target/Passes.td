//===- Passes.td - passes of the code-generation targets -----*- tablegen -*-===//

#ifndef XFC_TARGET_PASSES_TD
#define XFC_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def EmitCpuEntryPointPass : Pass<"xfc-cpu-emit-entry-point", "mlir::ModuleOp"> {
  let summary = "Emit the runtime ABI: entry point and model descriptor";
  let description = [{
    On an LLVM-dialect module whose `@main` takes the inputs and then the
    outputs as expanded memref descriptors, emits `<prefix>_run(env, inputs,
    outputs)` that builds those descriptors from `xfrt_buffer_ref`s, the
    `xfrt_model_desc` constant, `<prefix>_descriptor()` and the weak
    `xfrt_model_descriptor()` used by dlopen (runtime/include/xfrt/model_abi.h).
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"model\"",
           "Symbol prefix of the exported functions">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // XFC_TARGET_PASSES_TD
