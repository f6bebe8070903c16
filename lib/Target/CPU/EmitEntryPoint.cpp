//===- EmitEntryPoint.cpp - the runtime ABI of a compiled CPU model -------===//
//
// Emits, in the LLVM dialect, what runtime/include/xfrt/model_abi.h
// promises: `<prefix>_run(env, inputs, outputs)` that turns xfrt_buffer_refs
// into the memref descriptors `@main` takes, the constant xfrt_model_desc,
// `<prefix>_descriptor()` and the weak `xfrt_model_descriptor()`. `@main`
// becomes internal so that several models link into one program.
//
// Dynamic input dimensions are read from the buffer refs' shape arrays.
// Outputs with dynamic dimensions are not @main arguments: @main obtains
// their buffers from env->allocate_output (xfc-dynamic-outputs), and the
// runtime learns their shapes there.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/Passes.h"
#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSwitch.h"

#include "xfrt/model_abi.h"

namespace xfc {
#define GEN_PASS_DEF_EMITCPUENTRYPOINTPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// ONNX TensorProto data type code of an element type, 0 if none.
int32_t elementTypeCode(Type t) {
  if (t.isF32())
    return XFRT_ELEMENT_TYPE_FLOAT32;
  if (t.isF64())
    return XFRT_ELEMENT_TYPE_FLOAT64;
  if (t.isF16())
    return XFRT_ELEMENT_TYPE_FLOAT16;
  if (t.isBF16())
    return XFRT_ELEMENT_TYPE_BFLOAT16;
  if (t.isInteger(1))
    return XFRT_ELEMENT_TYPE_BOOL;
  if (t.isUnsignedInteger(8))
    return XFRT_ELEMENT_TYPE_UINT8;
  if (t.isUnsignedInteger(16))
    return XFRT_ELEMENT_TYPE_UINT16;
  if (t.isUnsignedInteger(32))
    return XFRT_ELEMENT_TYPE_UINT32;
  if (t.isUnsignedInteger(64))
    return XFRT_ELEMENT_TYPE_UINT64;
  if (t.isInteger(8))
    return XFRT_ELEMENT_TYPE_INT8;
  if (t.isInteger(16))
    return XFRT_ELEMENT_TYPE_INT16;
  if (t.isInteger(32))
    return XFRT_ELEMENT_TYPE_INT32;
  if (t.isInteger(64))
    return XFRT_ELEMENT_TYPE_INT64;
  return 0;
}

struct IoValue {
  std::string name;
  RankedTensorType type;
  /// ONNX's dim_param per dimension ("" where none), or empty.
  SmallVector<std::string> dimNames;
  /// xfrt_value_kind: which part of a sequence or optional this is.
  int32_t valueKind = XFRT_VALUE_TENSOR;
};

/// The xfrt_value_kind named by an `xf.value_kind` string, if any.
std::optional<int32_t> parseValueKind(StringRef kind) {
  return llvm::StringSwitch<std::optional<int32_t>>(kind)
      .Case("sequence_data", XFRT_VALUE_SEQUENCE_DATA)
      .Case("sequence_shapes", XFRT_VALUE_SEQUENCE_SHAPES)
      .Case("optional_flag", XFRT_VALUE_OPTIONAL_FLAG)
      .Default(std::nullopt);
}

class EntryPointBuilder {
public:
  EntryPointBuilder(ModuleOp module, StringRef prefix)
      : module(module), b(module.getContext()), prefix(prefix.str()),
        loc(module.getLoc()) {
    ctx = module.getContext();
    ptrTy = LLVM::LLVMPointerType::get(ctx);
    i32 = IntegerType::get(ctx, 32);
    i64 = IntegerType::get(ctx, 64);
    b.setInsertionPointToEnd(module.getBody());
  }

  LogicalResult build(LLVM::LLVMFuncOp main, ArrayRef<IoValue> inputs,
                      ArrayRef<IoValue> outputs) {
    LLVM::LLVMFuncOp run = buildRun(main, inputs, outputs);
    if (!run)
      return failure();
    buildDescriptor(run, inputs, outputs);
    return success();
  }

private:
  Value i64Const(OpBuilder &ob, int64_t v) {
    return LLVM::ConstantOp::create(ob, loc, i64, ob.getI64IntegerAttr(v));
  }
  Value i32Const(OpBuilder &ob, int32_t v) {
    return LLVM::ConstantOp::create(ob, loc, i32, ob.getI32IntegerAttr(v));
  }

  /// `<prefix>_run`: unpack xfrt_buffer_refs into memref descriptors.
  LLVM::LLVMFuncOp buildRun(LLVM::LLVMFuncOp main, ArrayRef<IoValue> inputs,
                            ArrayRef<IoValue> outputs) {
    auto fnType = LLVM::LLVMFunctionType::get(i32, {ptrTy, ptrTy, ptrTy});
    auto run = LLVM::LLVMFuncOp::create(b, loc, prefix + "_run", fnType);
    Block *entry = run.addEntryBlock(b);
    OpBuilder ob = OpBuilder::atBlockBegin(entry);
    auto bufferRefTy = LLVM::LLVMStructType::getLiteral(ctx, {ptrTy, ptrTy});
    // @main's first argument is the runtime environment (added by
    // xfc-cpu-outline-dispatches).
    SmallVector<Value> callArgs{entry->getArgument(0)};
    auto unpack = [&](Value base, ArrayRef<IoValue> values, bool isOutput) {
      for (auto [i, io] : llvm::enumerate(values)) {
        ArrayRef<int64_t> shape = io.type.getShape();
        // Dynamic outputs get their buffers from env->allocate_output.
        if (isOutput && !io.type.hasStaticShape())
          continue;
        int32_t idx = static_cast<int32_t>(i);
        Value dataAddr = LLVM::GEPOp::create(ob, loc, ptrTy, bufferRefTy, base,
                                             ArrayRef<LLVM::GEPArg>{idx, 0});
        Value data = LLVM::LoadOp::create(ob, loc, ptrTy, dataAddr);
        Value shapePtr;
        if (!shape.empty()) {
          Value shapeAddr = LLVM::GEPOp::create(ob, loc, ptrTy, bufferRefTy, base,
                                                ArrayRef<LLVM::GEPArg>{idx, 1});
          shapePtr = LLVM::LoadOp::create(ob, loc, ptrTy, shapeAddr);
        }
        auto slot = [&](int64_t d) {
          return LLVM::GEPOp::create(ob, loc, ptrTy, i64, shapePtr,
                                     ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(d)});
        };
        callArgs.append({data, data, i64Const(ob, 0)});
        // Sizes: static ones as constants, dynamic ones from the input's
        // shape array (the runtime has checked them against each other).
        SmallVector<Value> sizes;
        for (auto [d, size] : llvm::enumerate(shape))
          sizes.push_back(ShapedType::isDynamic(size)
                              ? (Value)LLVM::LoadOp::create(ob, loc, i64, slot(d))
                              : i64Const(ob, size));
        callArgs.append(sizes.begin(), sizes.end());
        // Dense row-major strides; constants while the suffix is static.
        SmallVector<Value> strides(shape.size());
        std::optional<int64_t> staticStride = 1;
        Value stride;
        for (int64_t d = shape.size() - 1; d >= 0; --d) {
          strides[d] = staticStride ? i64Const(ob, *staticStride) : stride;
          if (staticStride && !ShapedType::isDynamic(shape[d])) {
            *staticStride *= shape[d];
            continue;
          }
          if (d > 0)
            stride = LLVM::MulOp::create(ob, loc, strides[d], sizes[d]);
          staticStride.reset();
        }
        callArgs.append(strides.begin(), strides.end());
        if (!isOutput)
          continue;
        // Static outputs report their shape through the caller's array.
        for (auto [d, size] : llvm::enumerate(shape))
          LLVM::StoreOp::create(ob, loc, i64Const(ob, size), slot(d));
      }
    };
    unpack(entry->getArgument(1), inputs, /*isOutput=*/false);
    unpack(entry->getArgument(2), outputs, /*isOutput=*/true);
    if (callArgs.size() != main.getNumArguments()) {
      main.emitError("@main takes ")
          << main.getNumArguments() << " LLVM arguments, the ABI expects "
          << callArgs.size();
      return nullptr;
    }
    LLVM::CallOp::create(ob, loc, main, callArgs);
    LLVM::ReturnOp::create(ob, loc, i32Const(ob, 0));
    return run;
  }

  /// A private constant global with an initializer region built by `body`.
  LLVM::GlobalOp global(StringRef name, Type type,
                        function_ref<Value(OpBuilder &)> body) {
    auto g = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                    LLVM::Linkage::Private, name, Attribute());
    Block *block = b.createBlock(&g.getInitializerRegion());
    OpBuilder ob = OpBuilder::atBlockBegin(block);
    LLVM::ReturnOp::create(ob, loc, body(ob));
    b.setInsertionPointToEnd(module.getBody());
    return g;
  }

  LLVM::GlobalOp stringGlobal(StringRef name, StringRef value) {
    std::string withNul = value.str();
    withNul.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), withNul.size());
    return LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                  LLVM::Linkage::Private, name,
                                  b.getStringAttr(withNul));
  }

  Value addressOf(OpBuilder &ob, LLVM::GlobalOp g) {
    return LLVM::AddressOfOp::create(ob, loc, g);
  }

  /// `const char *[]` of the dimension names of `io`, or null when it has
  /// none.
  LLVM::GlobalOp dimNames(const std::string &base, const IoValue &io) {
    if (llvm::all_of(io.dimNames, [](const std::string &n) { return n.empty(); }))
      return nullptr;
    SmallVector<LLVM::GlobalOp> strings;
    for (auto [d, n] : llvm::enumerate(io.dimNames))
      strings.push_back(n.empty() ? nullptr
                                  : stringGlobal(base + "_dim" + std::to_string(d), n));
    auto arrTy = LLVM::LLVMArrayType::get(ptrTy, strings.size());
    return global(base + "_dim_names", arrTy, [&](OpBuilder &ob) {
      Value arr = LLVM::UndefOp::create(ob, loc, arrTy);
      for (auto [d, str] : llvm::enumerate(strings))
        arr = LLVM::InsertValueOp::create(
            ob, loc, arr,
            str ? addressOf(ob, str) : (Value)LLVM::ZeroOp::create(ob, loc, ptrTy),
            (int64_t)d);
      return arr;
    });
  }

  /// Array of xfrt_tensor_desc {name, element_type, rank, shape, dim_names,
  /// value_kind}.
  LLVM::GlobalOp tensorDescs(StringRef kind, ArrayRef<IoValue> values,
                             Type descTy) {
    SmallVector<LLVM::GlobalOp> names, shapes, dimNameLists;
    for (auto [i, io] : llvm::enumerate(values)) {
      std::string base = prefix + "_" + kind.str() + std::to_string(i);
      names.push_back(stringGlobal(base + "_name", io.name));
      dimNameLists.push_back(dimNames(base, io));
      ArrayRef<int64_t> shape = io.type.getShape();
      if (shape.empty()) {
        shapes.push_back(nullptr);
        continue;
      }
      auto arrTy = LLVM::LLVMArrayType::get(i64, shape.size());
      SmallVector<int64_t> dims(shape);
      for (int64_t &d : dims)
        if (ShapedType::isDynamic(d))
          d = -1;
      shapes.push_back(LLVM::GlobalOp::create(
          b, loc, arrTy, true, LLVM::Linkage::Private, base + "_shape",
          DenseIntElementsAttr::get(
              RankedTensorType::get({(int64_t)dims.size()}, i64), dims)));
    }
    auto arrTy = LLVM::LLVMArrayType::get(descTy, std::max<size_t>(values.size(), 1));
    return global(prefix + "_" + kind.str() + "s", arrTy, [&](OpBuilder &ob) {
      Value arr = LLVM::UndefOp::create(ob, loc, arrTy);
      for (auto [i, io] : llvm::enumerate(values)) {
        Value d = LLVM::UndefOp::create(ob, loc, descTy);
        d = LLVM::InsertValueOp::create(ob, loc, d, addressOf(ob, names[i]),
                                        ArrayRef<int64_t>{0});
        d = LLVM::InsertValueOp::create(
            ob, loc, d, i32Const(ob, elementTypeCode(io.type.getElementType())), 1);
        d = LLVM::InsertValueOp::create(ob, loc, d, i32Const(ob, io.type.getRank()), 2);
        Value shape = shapes[i] ? addressOf(ob, shapes[i])
                                : (Value)LLVM::ZeroOp::create(ob, loc, ptrTy);
        d = LLVM::InsertValueOp::create(ob, loc, d, shape, 3);
        Value dims = dimNameLists[i] ? addressOf(ob, dimNameLists[i])
                                     : (Value)LLVM::ZeroOp::create(ob, loc, ptrTy);
        d = LLVM::InsertValueOp::create(ob, loc, d, dims, 4);
        d = LLVM::InsertValueOp::create(ob, loc, d, i32Const(ob, io.valueKind), 5);
        arr = LLVM::InsertValueOp::create(ob, loc, arr, d, (int64_t)i);
      }
      return arr;
    });
  }

  ArrayAttr checkMessageList() {
    return module->getAttrOfType<ArrayAttr>(kCheckMessagesAttrName);
  }
  int32_t numCheckMessages() {
    ArrayAttr list = checkMessageList();
    return list ? static_cast<int32_t>(list.size()) : 0;
  }

  /// The messages of the run-time checks (`const char *[]`), or null.
  LLVM::GlobalOp checkMessages() {
    ArrayAttr list = checkMessageList();
    if (!list || list.empty())
      return nullptr;
    SmallVector<LLVM::GlobalOp> strings;
    for (auto [i, m] : llvm::enumerate(list))
      strings.push_back(stringGlobal(prefix + "_check" + std::to_string(i + 1),
                                     cast<StringAttr>(m).getValue()));
    auto arrTy = LLVM::LLVMArrayType::get(ptrTy, strings.size());
    return global(prefix + "_check_messages", arrTy, [&](OpBuilder &ob) {
      Value arr = LLVM::UndefOp::create(ob, loc, arrTy);
      for (auto [i, str] : llvm::enumerate(strings))
        arr = LLVM::InsertValueOp::create(ob, loc, arr, addressOf(ob, str),
                                          (int64_t)i);
      return arr;
    });
  }

  void buildDescriptor(LLVM::LLVMFuncOp run, ArrayRef<IoValue> inputs,
                       ArrayRef<IoValue> outputs) {
    auto descTy =
        LLVM::LLVMStructType::getLiteral(ctx, {ptrTy, i32, i32, ptrTy, ptrTy, i32});
    LLVM::GlobalOp in = tensorDescs("input", inputs, descTy);
    LLVM::GlobalOp out = tensorDescs("output", outputs, descTy);
    LLVM::GlobalOp name = stringGlobal(prefix + "_model_name", prefix);
    LLVM::GlobalOp messages = checkMessages();
    auto modelTy = LLVM::LLVMStructType::getLiteral(
        ctx, {i32, i32, ptrTy, i32, i32, ptrTy, ptrTy, ptrTy, i32, ptrTy});
    LLVM::GlobalOp desc = global(prefix + "_model_desc", modelTy, [&](OpBuilder &ob) {
      Value d = LLVM::UndefOp::create(ob, loc, modelTy);
      Value fields[] = {i32Const(ob, XFRT_MODEL_ABI_VERSION),
                        i32Const(ob, 0),
                        addressOf(ob, name),
                        i32Const(ob, inputs.size()),
                        i32Const(ob, outputs.size()),
                        addressOf(ob, in),
                        addressOf(ob, out),
                        LLVM::AddressOfOp::create(ob, loc, ptrTy, run.getSymName()),
                        i32Const(ob, numCheckMessages()),
                        messages ? addressOf(ob, messages)
                                 : (Value)LLVM::ZeroOp::create(ob, loc, ptrTy)};
      for (auto [i, f] : llvm::enumerate(fields))
        d = LLVM::InsertValueOp::create(ob, loc, d, f, (int64_t)i);
      return d;
    });
    auto getterTy = LLVM::LLVMFunctionType::get(ptrTy, {});
    for (auto [symbol, linkage] :
         {std::pair<std::string, LLVM::Linkage>{prefix + "_descriptor",
                                                LLVM::Linkage::External},
          {"xfrt_model_descriptor", LLVM::Linkage::Weak}}) {
      auto fn = LLVM::LLVMFuncOp::create(b, loc, symbol, getterTy, linkage);
      OpBuilder ob = OpBuilder::atBlockBegin(fn.addEntryBlock(b));
      LLVM::ReturnOp::create(ob, loc, addressOf(ob, desc));
      b.setInsertionPointToEnd(module.getBody());
    }
  }

  ModuleOp module;
  OpBuilder b;
  std::string prefix;
  Location loc;
  MLIRContext *ctx;
  Type ptrTy, i32, i64;
};

/// `key` is "inputs" or "outputs".
LogicalResult readIo(ModuleOp module, StringRef key, SmallVectorImpl<IoValue> &out) {
  auto abi = module->getAttrOfType<DictionaryAttr>(kAbiAttrName);
  auto list = abi ? abi.getAs<ArrayAttr>(key) : nullptr;
  if (!list)
    return module.emitError("missing `") << kAbiAttrName << "` (run xfc-record-abi first)";
  for (Attribute a : list) {
    auto dict = cast<DictionaryAttr>(a);
    auto type = cast<RankedTensorType>(dict.getAs<TypeAttr>("type").getValue());
    if (!elementTypeCode(type.getElementType()))
      return module.emitError("unsupported element type ") << type;
    IoValue io{dict.getAs<StringAttr>("name").str(), type, {}};
    // Only dynamic dimensions keep a name (the runtime relies on it).
    if (auto dims = dict.getAs<ArrayAttr>(kDimNamesAttrName))
      for (auto [d, n] : llvm::enumerate(dims.getAsValueRange<StringAttr>()))
        io.dimNames.push_back(
            d < (size_t)type.getRank() && type.isDynamicDim(d) ? n.str() : "");
    if (auto kind = dict.getAs<StringAttr>(kValueKindAttrName)) {
      std::optional<int32_t> code = parseValueKind(kind.getValue());
      if (!code)
        return module.emitError("@main ")
               << key.drop_back() << " '" << io.name << "' has "
               << kValueKindAttrName << " \"" << kind.getValue()
               << "\"; expected \"sequence_data\", \"sequence_shapes\" or "
                  "\"optional_flag\"";
      io.valueKind = *code;
    }
    out.push_back(std::move(io));
  }
  return success();
}

struct EmitCpuEntryPointPass
    : impl::EmitCpuEntryPointPassBase<EmitCpuEntryPointPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<LLVM::LLVMFuncOp>("main");
    if (!main) {
      module.emitError("no llvm.func @main to wrap");
      return signalPassFailure();
    }
    SmallVector<IoValue> inputs, outputs;
    if (failed(readIo(module, "inputs", inputs)) ||
        failed(readIo(module, "outputs", outputs)))
      return signalPassFailure();
    // Keep @main out of the library's exports.
    std::string internalName = prefix + "_main";
    if (failed(SymbolTable::replaceAllSymbolUses(main, StringAttr::get(&getContext(), internalName), module)))
      return signalPassFailure();
    SymbolTable::setSymbolName(main, internalName);
    main.setLinkage(LLVM::Linkage::Internal);
    EntryPointBuilder builder(module, prefix);
    if (failed(builder.build(main, inputs, outputs)))
      return signalPassFailure();
    // Only the ABI is exported, so that models link side by side.
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
      StringRef name = fn.getSymName();
      if (fn.isExternal() || name == prefix + "_run" ||
          name == prefix + "_descriptor" || name == "xfrt_model_descriptor")
        continue;
      fn.setLinkage(LLVM::Linkage::Internal);
    }
    module->removeAttr(kAbiAttrName);
    module->removeAttr(kCheckMessagesAttrName);
  }
};

} // namespace
} // namespace xfc
