//===- unittests.cpp - unit tests of xfc-run's pieces ---------------------===//
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "Benchmark.h"
#include "Compare.h"
#include "Options.h"
#include "SequenceIO.h"
#include "TensorProtoIO.h"
#include "ValueGroups.h"
#include "Values.h"
#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"

using namespace xfc::run;

namespace {

HostTensor makeFloats(std::vector<int64_t> shape, std::vector<float> values) {
  HostTensor tensor = HostTensor::allocate(XFRT_ELEMENT_TYPE_FLOAT32, shape, "");
  std::memcpy(tensor.data(), values.data(), values.size() * sizeof(float));
  return tensor;
}

template <typename T>
HostTensor makeTyped(int32_t type, std::vector<int64_t> shape,
                     std::vector<T> values) {
  HostTensor tensor = HostTensor::allocate(type, shape, "");
  std::memcpy(tensor.data(), values.data(), values.size() * sizeof(T));
  return tensor;
}

//===--- Values -----------------------------------------------------------===//

TEST(Values, HalfRoundTrip) {
  for (float value : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f,
                      5.9604645e-08f, 0.333251953125f}) {
    EXPECT_EQ(halfToFloat(floatToHalf(value)), value) << value;
  }
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(70000.0f), 0x7c00); // overflow to inf
  EXPECT_TRUE(std::isinf(halfToFloat(0xfc00)));
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  // Round to nearest even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
  EXPECT_EQ(floatToHalf(1.0f + 0.00048828125f), 0x3c00);
}

TEST(Values, Bfloat16) {
  EXPECT_EQ(bfloat16ToFloat(floatToBfloat16(1.0f)), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(floatToBfloat16(-3.5f)), -3.5f);
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(NAN))));
}

TEST(Values, Formatting) {
  float f = 0.1f;
  EXPECT_EQ(formatElement(XFRT_ELEMENT_TYPE_FLOAT32, &f, 0), "0.1");
  uint8_t b[2] = {1, 0};
  EXPECT_EQ(formatElement(XFRT_ELEMENT_TYPE_BOOL, b, 1), "false");
  uint64_t big = UINT64_MAX;
  EXPECT_EQ(formatElement(XFRT_ELEMENT_TYPE_UINT64, &big, 0), "18446744073709551615");
  int8_t negative = -7;
  EXPECT_EQ(formatElement(XFRT_ELEMENT_TYPE_INT8, &negative, 0), "-7");
}

//===--- Compare ----------------------------------------------------------===//

TEST(Compare, AllcloseRule) {
  HostTensor want = makeFloats({3}, {1.0f, 100.0f, 0.0f});
  // |a-b| <= atol + rtol*|b|: 1e-4 + 1e-3 * 100 = 0.1001 allowed at [1].
  HostTensor close = makeFloats({3}, {1.0005f, 100.1f, 5e-5f});
  Comparison ok = compareTensors(close.raw(), want.raw(), Tolerance{});
  EXPECT_TRUE(ok.match);
  EXPECT_NEAR(ok.maxAbsError, 0.1, 1e-4);
  EXPECT_TRUE(std::isinf(ok.maxRelError)); // 5e-5 vs 0
  HostTensor far = makeFloats({3}, {1.0f, 100.2f, 0.0f});
  Comparison bad = compareTensors(far.raw(), want.raw(), Tolerance{});
  EXPECT_FALSE(bad.match);
  EXPECT_EQ(bad.mismatches, 1);
  EXPECT_EQ(bad.firstMismatch, 1);
  EXPECT_TRUE(compareTensors(far.raw(), want.raw(), Tolerance{0.01, 0}).match);
}

TEST(Compare, NanAndInfinity) {
  HostTensor want = makeFloats({3}, {NAN, INFINITY, -INFINITY});
  HostTensor same = makeFloats({3}, {NAN, INFINITY, -INFINITY});
  EXPECT_TRUE(compareTensors(same.raw(), want.raw(), Tolerance{}).match);
  HostTensor notNan = makeFloats({3}, {0.0f, INFINITY, -INFINITY});
  EXPECT_FALSE(compareTensors(notNan.raw(), want.raw(), Tolerance{}).match);
  HostTensor flipped = makeFloats({3}, {NAN, -INFINITY, -INFINITY});
  EXPECT_FALSE(compareTensors(flipped.raw(), want.raw(), Tolerance{}).match);
  HostTensor finite = makeFloats({1}, {1.0f});
  HostTensor nan = makeFloats({1}, {NAN});
  EXPECT_FALSE(compareTensors(nan.raw(), finite.raw(), Tolerance{}).match);
}

TEST(Compare, IntegersAreExact) {
  HostTensor want = makeTyped<int64_t>(XFRT_ELEMENT_TYPE_INT64, {2}, {5, 1000000});
  HostTensor got = makeTyped<int64_t>(XFRT_ELEMENT_TYPE_INT64, {2}, {5, 1000001});
  Comparison result = compareTensors(got.raw(), want.raw(), Tolerance{1.0, 1.0});
  EXPECT_FALSE(result.match);
  EXPECT_EQ(result.maxAbsError, 1.0);
  HostTensor u1 = makeTyped<uint64_t>(XFRT_ELEMENT_TYPE_UINT64, {1}, {UINT64_MAX});
  HostTensor u2 = makeTyped<uint64_t>(XFRT_ELEMENT_TYPE_UINT64, {1}, {UINT64_MAX - 1});
  EXPECT_FALSE(compareTensors(u1.raw(), u2.raw(), Tolerance{}).match);
  EXPECT_TRUE(compareTensors(u1.raw(), u1.raw(), Tolerance{}).match);
}

TEST(Compare, BoolCompareAsTruthValues) {
  HostTensor want = makeTyped<uint8_t>(XFRT_ELEMENT_TYPE_BOOL, {3}, {1, 0, 1});
  HostTensor got = makeTyped<uint8_t>(XFRT_ELEMENT_TYPE_BOOL, {3}, {1, 0, 0});
  EXPECT_FALSE(compareTensors(got.raw(), want.raw(), Tolerance{}).match);
  EXPECT_TRUE(compareTensors(want.raw(), want.raw(), Tolerance{}).match);
}

TEST(Compare, StructuralDifferences) {
  HostTensor a = makeFloats({2, 3}, std::vector<float>(6));
  HostTensor b = makeFloats({3, 2}, std::vector<float>(6));
  Comparison shape = compareTensors(a.raw(), b.raw(), Tolerance{});
  EXPECT_FALSE(shape.match);
  EXPECT_EQ(shape.structuralProblem, "shape is [2,3], the reference is [3,2]");
  HostTensor d = makeTyped<double>(XFRT_ELEMENT_TYPE_FLOAT64, {2, 3}, std::vector<double>(6));
  Comparison type = compareTensors(a.raw(), d.raw(), Tolerance{});
  EXPECT_EQ(type.structuralProblem, "element type is float32, the reference is float64");
}

TEST(Compare, FormatIndexAndValues) {
  EXPECT_EQ(formatIndex({2, 3, 4}, 23), "[1,2,3]");
  EXPECT_EQ(formatIndex({}, 0), "[]");
  HostTensor t = makeFloats({5}, {1, 2, 3, 4, 5});
  EXPECT_EQ(formatValues(t.raw(), 3), "[1, 2, 3, ... (5 values)]");
  EXPECT_EQ(formatValues(t.raw(), 8), "[1, 2, 3, 4, 5]");
}

//===--- TensorProto decoding ---------------------------------------------===//

onnx::TensorProto proto(int type, std::vector<int64_t> dims) {
  onnx::TensorProto p;
  p.set_data_type(type);
  for (int64_t d : dims)
    p.add_dims(d);
  return p;
}

TEST(TensorProto, TypedFieldsOfEveryType) {
  {
    auto p = proto(onnx::TensorProto_DataType_INT8, {3});
    for (int v : {-1, 2, -128})
      p.add_int32_data(v);
    HostTensor t = decodeTensorProto(p, "x").tensor;
    const int8_t *d = static_cast<const int8_t *>(t.data());
    EXPECT_EQ(d[0], -1);
    EXPECT_EQ(d[2], -128);
  }
  {
    auto p = proto(onnx::TensorProto_DataType_FLOAT16, {2});
    p.add_int32_data(0x3c00);
    p.add_int32_data(0xc000);
    HostTensor t = decodeTensorProto(p, "x").tensor;
    EXPECT_EQ(loadFloat(XFRT_ELEMENT_TYPE_FLOAT16, t.data(), 0), 1.0);
    EXPECT_EQ(loadFloat(XFRT_ELEMENT_TYPE_FLOAT16, t.data(), 1), -2.0);
  }
  {
    auto p = proto(onnx::TensorProto_DataType_BOOL, {2});
    p.add_int32_data(0);
    p.add_int32_data(7);
    HostTensor t = decodeTensorProto(p, "x").tensor;
    EXPECT_EQ(static_cast<const uint8_t *>(t.data())[1], 1);
  }
  {
    auto p = proto(onnx::TensorProto_DataType_UINT32, {1});
    p.add_uint64_data(4000000000u);
    HostTensor t = decodeTensorProto(p, "x").tensor;
    EXPECT_EQ(static_cast<const uint32_t *>(t.data())[0], 4000000000u);
  }
  {
    auto p = proto(onnx::TensorProto_DataType_DOUBLE, {1, 1});
    p.add_double_data(0.25);
    HostTensor t = decodeTensorProto(p, "x").tensor;
    EXPECT_EQ(static_cast<const double *>(t.data())[0], 0.25);
    EXPECT_EQ(t.shape(), (std::vector<int64_t>{1, 1}));
  }
  {
    auto p = proto(onnx::TensorProto_DataType_UINT8, {0, 3}); // empty
    HostTensor t = decodeTensorProto(p, "x").tensor;
    EXPECT_EQ(t.numElements(), 0);
  }
  {
    auto p = proto(onnx::TensorProto_DataType_FLOAT, {}); // scalar
    p.add_float_data(3.0f);
    p.set_name("s");
    NamedTensor t = decodeTensorProto(p, "x");
    EXPECT_EQ(t.name, "s");
    EXPECT_EQ(t.tensor.raw().rank, 0);
    EXPECT_EQ(static_cast<const float *>(t.tensor.data())[0], 3.0f);
  }
}

void expectDecodeError(const onnx::TensorProto &p, const std::string &substring) {
  try {
    decodeTensorProto(p, "file.pb");
    ADD_FAILURE() << "expected an error containing '" << substring << "'";
  } catch (const Error &error) {
    EXPECT_EQ(error.file(), "file.pb");
    EXPECT_NE(std::string(error.what()).find(substring), std::string::npos)
        << error.what();
  }
}

TEST(TensorProto, Errors) {
  expectDecodeError(onnx::TensorProto(), "no data_type");
  expectDecodeError(proto(onnx::TensorProto_DataType_STRING, {1}),
                    "element type STRING is not supported");
  expectDecodeError(proto(onnx::TensorProto_DataType_FLOAT, {-3}), "dimension 0 is -3");
  auto few = proto(onnx::TensorProto_DataType_INT64, {3});
  few.add_int64_data(1);
  expectDecodeError(few, "int64_data has 1 values, the shape needs 3");
  auto raw = proto(onnx::TensorProto_DataType_INT32, {2});
  raw.set_raw_data(std::string(7, '\0'));
  expectDecodeError(raw, "raw_data has 7 bytes");
  auto huge = proto(onnx::TensorProto_DataType_FLOAT, {1LL << 40, 1LL << 40});
  expectDecodeError(huge, "too large");
  auto external = proto(onnx::TensorProto_DataType_FLOAT, {2});
  external.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto *entry = external.add_external_data();
  entry->set_key("location");
  entry->set_value("../escape.bin");
  expectDecodeError(external, "must be a relative path inside the tensor file's directory");
}

TEST(TensorProto, ExternalDataStaysInItsDirectory) {
  // A symlink beside the .pb file that leads out of its directory, a FIFO
  // (reading it would block) and a directory are all refused.
  std::string dir = ::testing::TempDir() + "xfc_run_contained/";
  std::string outside = ::testing::TempDir() + "xfc_run_outside.bin";
  ::mkdir(dir.c_str(), 0700);
  {
    std::ofstream stream(outside, std::ios::binary);
    stream.write("12345678", 8);
  }
  std::remove((dir + "link.bin").c_str());
  ASSERT_EQ(::symlink(outside.c_str(), (dir + "link.bin").c_str()), 0);
  std::remove((dir + "fifo.bin").c_str());
  ASSERT_EQ(::mkfifo((dir + "fifo.bin").c_str(), 0600), 0);
  ::mkdir((dir + "sub.bin").c_str(), 0700);
  auto p = proto(onnx::TensorProto_DataType_FLOAT, {2});
  p.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto *entry = p.add_external_data();
  entry->set_key("location");
  for (auto [location, message] :
       {std::pair<const char *, const char *>{"link.bin", "leads outside"},
        {"fifo.bin", "is not a regular file"},
        {"sub.bin", "is a directory"}}) {
    entry->set_value(location);
    try {
      decodeTensorProto(p, dir + "tensor.pb");
      ADD_FAILURE() << location << " was read";
    } catch (const Error &error) {
      EXPECT_NE(std::string(error.what()).find(message), std::string::npos)
          << error.what();
    }
  }
  std::remove((dir + "link.bin").c_str());
  std::remove((dir + "fifo.bin").c_str());
  ::rmdir((dir + "sub.bin").c_str());
  std::remove(outside.c_str());
}

TEST(TensorProto, ExternalData) {
  std::string dir = ::testing::TempDir();
  std::string bin = dir + "xfc_run_external.bin";
  {
    std::ofstream stream(bin, std::ios::binary);
    float values[3] = {9.0f, 1.5f, -2.0f};
    stream.write(reinterpret_cast<const char *>(values), sizeof values);
  }
  auto p = proto(onnx::TensorProto_DataType_FLOAT, {2});
  p.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto add = [&](const char *key, const char *value) {
    auto *entry = p.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  };
  add("location", "xfc_run_external.bin");
  add("offset", "4");
  add("length", "8");
  HostTensor t = decodeTensorProto(p, dir + "tensor.pb").tensor;
  EXPECT_EQ(static_cast<const float *>(t.data())[0], 1.5f);
  EXPECT_EQ(static_cast<const float *>(t.data())[1], -2.0f);
  p.mutable_external_data(1)->set_value("8");
  try {
    decodeTensorProto(p, dir + "tensor.pb");
    ADD_FAILURE() << "expected an out-of-range error";
  } catch (const Error &error) {
    EXPECT_NE(std::string(error.what()).find("exceed"), std::string::npos) << error.what();
  }
  std::remove(bin.c_str());
}

TEST(TensorProto, FileErrors) {
  try {
    readTensorProtoFile("/no/such/file.pb");
    ADD_FAILURE();
  } catch (const Error &error) {
    EXPECT_EQ(error.file(), "/no/such/file.pb");
    EXPECT_NE(std::string(error.what()).find("cannot open"), std::string::npos);
  }
}

TEST(TensorProto, SequenceFileIsNamedAsSuch) {
  // The backend suite's sequence tests store SequenceProto files, which parse
  // as (nonsensical) TensorProtos; the error must say what they are.
  onnx::SequenceProto sequence;
  sequence.set_name("seq");
  sequence.set_elem_type(onnx::SequenceProto_DataType_TENSOR);
  auto *value = sequence.add_tensor_values();
  value->set_data_type(onnx::TensorProto_DataType_FLOAT);
  value->add_dims(1);
  value->add_float_data(1.0f);
  std::string path = ::testing::TempDir() + "xfc_run_sequence.pb";
  {
    std::ofstream stream(path, std::ios::binary);
    stream << sequence.SerializeAsString();
  }
  try {
    readTensorProtoFile(path);
    ADD_FAILURE() << "a SequenceProto decoded as a tensor";
  } catch (const Error &error) {
    EXPECT_NE(std::string(error.what()).find("looks like an ONNX SequenceProto"),
              std::string::npos)
        << error.what();
  }
  std::remove(path.c_str());
}

TEST(TensorProto, WriteReadRoundTrip) {
  // --output-dir writes what readTensorProtoFile reads back, bit for bit:
  // scalars, booleans and 16-bit floats included.
  std::string path = ::testing::TempDir() + "xfc_run_written.pb";
  auto roundTrip = [&](const char *name, const HostTensor &tensor) {
    writeTensorProtoFile(path, name, tensor.raw());
    NamedTensor back = readTensorProtoFile(path);
    EXPECT_EQ(back.name, name);
    EXPECT_EQ(back.tensor.elementType(), tensor.elementType()) << name;
    EXPECT_EQ(back.tensor.shape(), tensor.shape()) << name;
    size_t bytes = static_cast<size_t>(tensor.numElements()) * tensor.elementSize();
    if (bytes > 0)
      EXPECT_EQ(std::memcmp(back.tensor.data(), tensor.data(), bytes), 0) << name;
  };
  roundTrip("f32", makeFloats({2, 3}, {1, -2, 3.5f, NAN, INFINITY, 0}));
  roundTrip("i64", makeTyped<int64_t>(XFRT_ELEMENT_TYPE_INT64, {}, {-7}));
  roundTrip("bool", makeTyped<uint8_t>(XFRT_ELEMENT_TYPE_BOOL, {3}, {1, 0, 1}));
  roundTrip("f16", makeTyped<uint16_t>(XFRT_ELEMENT_TYPE_FLOAT16, {2}, {0x3c00, 0xc000}));
  roundTrip("empty", HostTensor::allocate(XFRT_ELEMENT_TYPE_FLOAT32, {0, 4}, ""));
  std::remove(path.c_str());
  try {
    writeTensorProtoFile("/no/such/dir/t.pb", "t", makeFloats({1}, {1}).raw());
    ADD_FAILURE() << "wrote into a missing directory";
  } catch (const Error &error) {
    EXPECT_EQ(error.file(), "/no/such/dir/t.pb");
  }
}

//===--- Options and statistics -------------------------------------------===//

TEST(Options, DesignForms) {
  Options o = parseOptions({"m.so", "--test-data-dir", "d", "--rtol=0.5", "--atol=0"});
  EXPECT_EQ(o.modelPath, "m.so");
  EXPECT_EQ(o.testDataDir, "d");
  EXPECT_EQ(o.tolerance.rtol, 0.5);
  EXPECT_EQ(o.tolerance.atol, 0.0);
  o = parseOptions({"m.so", "--test-data-dir=d", "--benchmark=10", "--warmup=0",
                    "--threads=3", "--json"});
  EXPECT_EQ(o.benchmarkRuns, 10);
  EXPECT_EQ(o.warmupRuns, 0);
  EXPECT_EQ(o.threads, 3);
  EXPECT_TRUE(o.json);
}

TEST(Options, Errors) {
  auto expectUsageError = [](std::vector<std::string> args, const std::string &substring) {
    try {
      parseOptions(args);
      ADD_FAILURE() << "no error for " << substring;
    } catch (const Error &error) {
      EXPECT_NE(std::string(error.what()).find(substring), std::string::npos) << error.what();
    }
  };
  expectUsageError({}, "no model given");
  expectUsageError({"a.so", "b.so"}, "more than one model");
  expectUsageError({"a.so", "--benchmark=0"}, "--benchmark needs an integer");
  expectUsageError({"a.so", "--benchmark=5x"}, "--benchmark needs an integer");
  expectUsageError({"a.so", "--rtol=-1"}, "non-negative");
  expectUsageError({"a.so", "--test-data-dir"}, "needs a value");
  expectUsageError({"a.so", "--json"}, "--json needs --benchmark");
  expectUsageError({"a.so", "--json=1", "--benchmark=1"}, "takes no value");
  expectUsageError({"a.so", "-x"}, "unknown option '-x'");
}

//===--- Sequences and optionals -------------------------------------------===//

TEST(ValueGroups, SequenceElementsCheckTheShapes) {
  HostTensor data = makeFloats({5}, {1, 2, 3, 4, 5});
  HostTensor shapes = makeTyped<int64_t>(XFRT_ELEMENT_TYPE_INT64, {2, 1}, {2, 3});
  std::vector<xfrt_tensor> elements =
      sequenceElements(data.raw(), shapes.raw(), "m");
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[1].shape[0], 3);
  EXPECT_EQ(static_cast<const float *>(elements[1].data)[0], 3.0f);
  EXPECT_EQ(elements[1].flags, 0u); // a view: releasing it frees nothing
  HostTensor short_shapes = makeTyped<int64_t>(XFRT_ELEMENT_TYPE_INT64, {2, 1}, {2, 2});
  try {
    sequenceElements(data.raw(), short_shapes.raw(), "m");
    ADD_FAILURE() << "shapes covering 4 of 5 values accepted";
  } catch (const Error &error) {
    EXPECT_EQ(std::string(error.what()),
              "the sequence's element shapes cover 4 of its 5 values");
  }
}

TEST(SequenceIO, OptionalOfTheWrongKind) {
  // An OptionalProto holding a sequence, for a model whose optional holds a
  // tensor: the error names the file and both kinds.
  static const int64_t vec[1] = {-1};
  xfrt_tensor_desc payload = {"o", XFRT_ELEMENT_TYPE_FLOAT32, 1, vec, nullptr,
                              XFRT_VALUE_TENSOR};
  xfrt_tensor_desc flag = {"o.has_value", XFRT_ELEMENT_TYPE_BOOL, 0, nullptr,
                           nullptr, XFRT_VALUE_OPTIONAL_FLAG};
  ValueGroup group;
  group.name = "o";
  group.optional = true;
  group.entries = {&payload, &flag};
  onnx::OptionalProto optional;
  optional.set_name("o");
  optional.set_elem_type(onnx::OptionalProto_DataType_SEQUENCE);
  optional.mutable_sequence_value()->set_elem_type(
      onnx::SequenceProto_DataType_TENSOR);
  std::string path = ::testing::TempDir() + "xfc_run_optional.pb";
  {
    std::ofstream stream(path, std::ios::binary);
    stream << optional.SerializeAsString();
  }
  try {
    readValueFile(path, group);
    ADD_FAILURE() << "an optional sequence read as an optional tensor";
  } catch (const Error &error) {
    EXPECT_EQ(error.file(), path);
    EXPECT_EQ(std::string(error.what()),
              "the optional holds elem_type 3, but the model's 'o' is an "
              "optional tensor");
  }
  // An absent optional tensor: dynamic dimensions 0 and a false flag.
  std::vector<HostTensor> absent = absentValue(group, "m");
  ASSERT_EQ(absent.size(), 2u);
  EXPECT_EQ(absent[0].shape(), std::vector<int64_t>{0});
  EXPECT_FALSE(flagIsSet(absent[1].raw()));
  std::remove(path.c_str());
}

TEST(Benchmark, Statistics) {
  LatencyStats stats = computeStats({4, 1, 3, 2});
  EXPECT_EQ(stats.runs, 4);
  EXPECT_EQ(stats.minMs, 1);
  EXPECT_EQ(stats.maxMs, 4);
  EXPECT_EQ(stats.meanMs, 2.5);
  EXPECT_EQ(stats.p50Ms, 2.5);                 // numpy.percentile([1,2,3,4], 50)
  EXPECT_NEAR(stats.p90Ms, 3.7, 1e-12);        // numpy.percentile([1,2,3,4], 90)
  EXPECT_EQ(computeStats({7}).p90Ms, 7);
  EXPECT_EQ(computeStats({}).runs, 0);
}

TEST(Benchmark, Json) {
  EXPECT_EQ(jsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(jsonNumber(0.5), "0.5");
  EXPECT_EQ(jsonNumber(INFINITY), "null");
}

} // namespace
