//===- make_test_data.cpp - backend-test directories for xfc-run tests ----===//
//
// Writes small ONNX backend-test style directories (input_<i>.pb,
// output_<i>.pb) for the runtime's fake models:
//   add:    y = a + b, float32 [2,3]          (runtime/tests/models/add_model.c)
//   gather: y = x[idx], x float32 [?,4], idx int64 [2]
// Each directory exercises one behaviour of xfc-run; see
// tools/xfc-run/test/CMakeLists.txt for what each test expects.
//
//===----------------------------------------------------------------------===//
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "onnx/onnx_pb.h"

namespace {

std::string g_root;

void makeDir(const std::string &path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    std::perror(path.c_str());
    std::exit(1);
  }
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << bytes;
  if (!stream) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

onnx::TensorProto header(const char *name, int type,
                         std::initializer_list<int64_t> dims) {
  onnx::TensorProto proto;
  if (name)
    proto.set_name(name);
  proto.set_data_type(type);
  for (int64_t dim : dims)
    proto.add_dims(dim);
  return proto;
}

template <typename T>
onnx::TensorProto rawTensor(const char *name, int type,
                            std::initializer_list<int64_t> dims,
                            const std::vector<T> &values) {
  onnx::TensorProto proto = header(name, type, dims);
  proto.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                                 values.size() * sizeof(T)));
  return proto;
}

onnx::TensorProto floats(const char *name, std::initializer_list<int64_t> dims,
                         const std::vector<float> &values) {
  return rawTensor(name, onnx::TensorProto_DataType_FLOAT, dims, values);
}

void write(const std::string &dir, const std::string &file,
           const onnx::TensorProto &proto) {
  makeDir(g_root + "/" + dir);
  writeFile(g_root + "/" + dir + "/" + file, proto.SerializeAsString());
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  makeDir(g_root);

  std::vector<float> a(6), b(6), y(6);
  for (int i = 0; i < 6; ++i) {
    a[i] = static_cast<float>(i);
    b[i] = 10.0f * static_cast<float>(i);
    y[i] = a[i] + b[i];
  }
  auto writeAddInputs = [&](const std::string &dir) {
    write(dir, "input_0.pb", floats("a", {2, 3}, a));
    write(dir, "input_1.pb", floats("b", {2, 3}, b));
  };

  writeAddInputs("add_match");
  write("add_match", "output_0.pb", floats("y", {2, 3}, y));

  // Typed fields instead of raw_data, and no names.
  {
    onnx::TensorProto pa = header(nullptr, onnx::TensorProto_DataType_FLOAT, {2, 3});
    onnx::TensorProto pb = pa, py = pa;
    for (int i = 0; i < 6; ++i) {
      pa.add_float_data(a[i]);
      pb.add_float_data(b[i]);
      py.add_float_data(y[i]);
    }
    write("add_typed", "input_0.pb", pa);
    write("add_typed", "input_1.pb", pb);
    write("add_typed", "output_0.pb", py);
  }

  {
    std::vector<float> an = a, yn = y;
    an[2] = NAN;
    yn[2] = NAN;
    write("add_nan", "input_0.pb", floats("a", {2, 3}, an));
    write("add_nan", "input_1.pb", floats("b", {2, 3}, b));
    write("add_nan", "output_0.pb", floats("y", {2, 3}, yn));
  }

  {
    std::vector<float> wrong = y;
    wrong[5] += 1.0f; // 55 -> 56 at [1,2]
    writeAddInputs("add_mismatch");
    write("add_mismatch", "output_0.pb", floats("y", {2, 3}, wrong));
  }

  {
    std::vector<float> scaled = y;
    for (float &value : scaled)
      value *= 1.005f; // relative error 5e-3
    writeAddInputs("add_tolerance");
    write("add_tolerance", "output_0.pb", floats("y", {2, 3}, scaled));
  }

  writeAddInputs("add_output_shape");
  write("add_output_shape", "output_0.pb", floats("y", {3, 2}, y));

  writeAddInputs("add_no_reference");

  write("add_wrong_shape", "input_0.pb", floats("a", {2, 3}, a));
  write("add_wrong_shape", "input_1.pb", floats("b", {2, 7}, std::vector<float>(14)));

  write("add_wrong_type", "input_0.pb",
        rawTensor("a", onnx::TensorProto_DataType_DOUBLE, {2, 3},
                  std::vector<double>(6)));
  write("add_wrong_type", "input_1.pb", floats("b", {2, 3}, b));

  write("add_short_raw", "input_0.pb", floats("a", {2, 3}, a));
  write("add_short_raw", "input_1.pb",
        rawTensor("b", onnx::TensorProto_DataType_FLOAT, {2, 3},
                  std::vector<float>(5)));

  write("add_one_input", "input_0.pb", floats("a", {2, 3}, a));

  write("add_bad_name", "input_0.pb", floats("q", {2, 3}, a));
  write("add_bad_name", "input_1.pb", floats("b", {2, 3}, b));

  makeDir(g_root + "/add_corrupt");
  writeFile(g_root + "/add_corrupt/input_0.pb",
            std::string("\x0f\xff\xff\xff\xff garbage, not protobuf"));
  write("add_corrupt", "input_1.pb", floats("b", {2, 3}, b));

  // gather: x float32 [5,4] (raw), idx int64 [2] (typed, one negative).
  {
    std::vector<float> x(20), out(8);
    for (int i = 0; i < 20; ++i)
      x[i] = 0.5f * static_cast<float>(i);
    for (int j = 0; j < 4; ++j) {
      out[j] = x[4 * 4 + j]; // idx 4
      out[4 + j] = x[j];     // idx -5 -> 0
    }
    onnx::TensorProto idx = header("idx", onnx::TensorProto_DataType_INT64, {2});
    idx.add_int64_data(4);
    idx.add_int64_data(-5);
    write("gather", "input_0.pb", floats("x", {5, 4}, x));
    write("gather", "input_1.pb", idx);
    write("gather", "output_0.pb", floats("y", {2, 4}, out));
  }
  return 0;
}
