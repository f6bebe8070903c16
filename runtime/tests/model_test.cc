// Loading compiled model libraries and querying their descriptors.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_util.h"

extern "C" const xfrt_model_desc *add_descriptor(void);

namespace {

using xfrt_test::LoadModel;
using xfrt_test::ModelPtr;

TEST(ModelLoad, LoadsByPath) {
  ModelPtr model = LoadModel(XFRT_TEST_ADD_MODEL);
  ASSERT_TRUE(model);
  EXPECT_STREQ(xfrt_model_name(model.get()), "add");
  EXPECT_STREQ(xfrt_model_path(model.get()), XFRT_TEST_ADD_MODEL);
  EXPECT_EQ(xfrt_model_num_inputs(model.get()), 2);
  EXPECT_EQ(xfrt_model_num_outputs(model.get()), 1);
}

TEST(ModelLoad, RelativePathIsNotSearchedOnLibraryPath) {
  // "xfrt_test_add.so" must mean ./xfrt_test_add.so.
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(XFRT_TEST_MODEL_DIR), 0);
  xfrt_model *model = nullptr;
  xfrt_status status = xfrt_model_load("xfrt_test_add.so", &model);
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_OK(status);
  EXPECT_STREQ(xfrt_model_name(model), "add");
  xfrt_model_release(model);
}

TEST(ModelLoad, SeveralModelsSideBySide) {
  // Each library exports the same weak xfrt_model_descriptor; RTLD_LOCAL
  // keeps them apart.
  ModelPtr add = LoadModel(XFRT_TEST_ADD_MODEL);
  ModelPtr gather = LoadModel(XFRT_TEST_GATHER_MODEL);
  ModelPtr add_again = LoadModel(XFRT_TEST_ADD_MODEL);
  ASSERT_TRUE(add && gather && add_again);
  EXPECT_STREQ(xfrt_model_name(add.get()), "add");
  EXPECT_STREQ(xfrt_model_name(gather.get()), "gather");
  EXPECT_EQ(xfrt_model_get_desc(add.get()), xfrt_model_get_desc(add_again.get()));
}

TEST(ModelLoad, MissingFile) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load("/no/such/model.so", &model), XFRT_STATUS_NOT_FOUND,
               "/no/such/model.so: cannot open the model: No such file or directory");
  EXPECT_EQ(model, nullptr);
}

TEST(ModelLoad, Directory) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_MODEL_DIR, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "not a regular file");
}

TEST(ModelLoad, NotALibrary) {
  std::string path = ::testing::TempDir() + "xfrt_not_a_library.so";
  FILE *file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("this is not an ELF file\n", file);
  fclose(file);
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(path.c_str(), &model), XFRT_STATUS_INVALID_ARGUMENT,
               "not a loadable model library");
  remove(path.c_str());
}

TEST(ModelLoad, LibraryWithoutDescriptor) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_NO_SYMBOL_MODEL, &model),
               XFRT_STATUS_INVALID_ARGUMENT,
               "not an xfc model: it has no 'xfrt_model_descriptor' symbol");
}

TEST(ModelLoad, WrongAbiVersion) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_BAD_ABI_MODEL, &model), XFRT_STATUS_INCOMPATIBLE,
               "compiled for model ABI version 5, this runtime supports version 4");
}

TEST(ModelLoad, MalformedDescriptor) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_MALFORMED_MODEL, &model),
               XFRT_STATUS_INVALID_ARGUMENT, "no run function");
}

TEST(ModelLoad, NullDescriptor) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_NULL_DESC_MODEL, &model),
               XFRT_STATUS_INVALID_ARGUMENT, "returned NULL");
}

TEST(ModelLoad, NullArguments) {
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_load(nullptr, &model), XFRT_STATUS_INVALID_ARGUMENT, "NULL");
  EXPECT_ERROR(xfrt_model_load(XFRT_TEST_ADD_MODEL, nullptr), XFRT_STATUS_INVALID_ARGUMENT,
               "NULL");
  EXPECT_ERROR(xfrt_model_wrap(nullptr, &model), XFRT_STATUS_INVALID_ARGUMENT, "NULL");
}

TEST(ModelWrap, StaticallyLinkedDescriptor) {
  xfrt_model *model = nullptr;
  ASSERT_OK(xfrt_model_wrap(add_descriptor(), &model));
  EXPECT_STREQ(xfrt_model_name(model), "add");
  EXPECT_STREQ(xfrt_model_path(model), "");
  EXPECT_EQ(xfrt_model_get_desc(model), add_descriptor());
  xfrt_model_retain(model);
  xfrt_model_release(model);
  xfrt_model_release(model);
}

TEST(ModelWrap, RejectsBadDescriptors) {
  static const int64_t shape[1] = {3};
  static const int64_t bad_shape[1] = {-2};
  static const xfrt_tensor_desc bad_type[1] = {{"t", 8 /*string*/, 1, shape}};
  static const xfrt_tensor_desc bad_dim[1] = {{"t", XFRT_ELEMENT_TYPE_FLOAT32, 1, bad_shape}};
  static const xfrt_tensor_desc no_name[1] = {{nullptr, XFRT_ELEMENT_TYPE_FLOAT32, 1, shape}};
  auto run = [](const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *) {
    return int32_t{0};
  };
  xfrt_model_desc desc = {XFRT_MODEL_ABI_VERSION, 0, "m", 1, 0, bad_type, nullptr, run};
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "input 't' has element type code 8");
  desc.inputs = bad_dim;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "dimension 0 is -2");
  desc.inputs = no_name;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT, "no name");
  desc.inputs = nullptr;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "input list is NULL");
  desc.num_inputs = -1;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT, "-1 inputs");
  EXPECT_EQ(model, nullptr);
}

// Sequences and optionals are groups of consecutive entries (model_abi.h).
TEST(ModelWrap, AcceptsSequenceAndOptionalGroups) {
  static const int64_t data_shape[1] = {-1};
  static const int64_t shapes_shape[2] = {-1, 2};
  static const int64_t x_shape[1] = {3};
  static const xfrt_tensor_desc inputs[6] = {
      {"s", XFRT_ELEMENT_TYPE_FLOAT32, 1, data_shape, nullptr, XFRT_VALUE_SEQUENCE_DATA},
      {"s.shapes", XFRT_ELEMENT_TYPE_INT64, 2, shapes_shape, nullptr,
       XFRT_VALUE_SEQUENCE_SHAPES},
      {"o", XFRT_ELEMENT_TYPE_FLOAT32, 1, x_shape, nullptr, XFRT_VALUE_TENSOR},
      {"o.has_value", XFRT_ELEMENT_TYPE_BOOL, 0, nullptr, nullptr, XFRT_VALUE_OPTIONAL_FLAG},
      {"q", XFRT_ELEMENT_TYPE_INT32, 1, data_shape, nullptr, XFRT_VALUE_SEQUENCE_DATA},
      {"q.shapes", XFRT_ELEMENT_TYPE_INT64, 2, shapes_shape, nullptr,
       XFRT_VALUE_SEQUENCE_SHAPES},
  };
  static const xfrt_tensor_desc outputs[3] = {
      {"p", XFRT_ELEMENT_TYPE_INT32, 1, data_shape, nullptr, XFRT_VALUE_SEQUENCE_DATA},
      {"p.shapes", XFRT_ELEMENT_TYPE_INT64, 2, shapes_shape, nullptr,
       XFRT_VALUE_SEQUENCE_SHAPES},
      {"p.has_value", XFRT_ELEMENT_TYPE_BOOL, 0, nullptr, nullptr, XFRT_VALUE_OPTIONAL_FLAG},
  };
  auto run = [](const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *) {
    return int32_t{0};
  };
  xfrt_model_desc desc = {XFRT_MODEL_ABI_VERSION, 0, "m", 6, 3, inputs, outputs, run};
  xfrt_model *model = nullptr;
  ASSERT_OK(xfrt_model_wrap(&desc, &model));
  const xfrt_tensor_desc *entry = nullptr;
  ASSERT_OK(xfrt_model_input_desc(model, 1, &entry));
  EXPECT_EQ(entry->value_kind, XFRT_VALUE_SEQUENCE_SHAPES);
  ASSERT_OK(xfrt_model_output_desc(model, 2, &entry));
  EXPECT_EQ(entry->value_kind, XFRT_VALUE_OPTIONAL_FLAG);
  xfrt_model_release(model);
}

// One broken grouping per case: a model whose entries do not group into
// values must be refused at load, not misread later.
TEST(ModelWrap, RejectsBadValueKinds) {
  static const int64_t vec[1] = {-1};
  static const int64_t mat[2] = {-1, 2};
  const xfrt_tensor_desc data = {"s", XFRT_ELEMENT_TYPE_FLOAT32, 1, vec, nullptr,
                                 XFRT_VALUE_SEQUENCE_DATA};
  const xfrt_tensor_desc shapes = {"s.shapes", XFRT_ELEMENT_TYPE_INT64, 2, mat, nullptr,
                                   XFRT_VALUE_SEQUENCE_SHAPES};
  const xfrt_tensor_desc flag = {"o.has_value", XFRT_ELEMENT_TYPE_BOOL, 0, nullptr,
                                 nullptr, XFRT_VALUE_OPTIONAL_FLAG};
  const xfrt_tensor_desc tensor = {"t", XFRT_ELEMENT_TYPE_FLOAT32, 1, vec};
  xfrt_tensor_desc bad_kind = tensor;
  bad_kind.value_kind = 4;
  xfrt_tensor_desc data_rank2 = data;
  data_rank2.rank = 2;
  data_rank2.shape = mat;
  xfrt_tensor_desc shapes_i32 = shapes;
  shapes_i32.element_type = XFRT_ELEMENT_TYPE_INT32;
  xfrt_tensor_desc shapes_rank1 = shapes;
  shapes_rank1.rank = 1;
  xfrt_tensor_desc flag_f32 = flag;
  flag_f32.element_type = XFRT_ELEMENT_TYPE_FLOAT32;
  xfrt_tensor_desc flag_rank1 = flag;
  flag_rank1.rank = 1;
  flag_rank1.shape = vec;
  struct Case {
    std::vector<xfrt_tensor_desc> entries;
    const char *message;
  };
  const Case cases[] = {
      {{bad_kind}, "malformed model descriptor: output 't' has value kind 4"},
      {{shapes}, "sequence shapes output 's.shapes' does not follow sequence data"},
      {{tensor, shapes}, "sequence shapes output 's.shapes' does not follow sequence data"},
      {{data}, "sequence data output 's' is not followed by its shapes"},
      {{data, tensor}, "sequence data output 's' is not followed by its shapes"},
      {{data_rank2, shapes}, "sequence data output 's' has rank 2, not 1"},
      {{data, shapes_i32}, "sequence shapes output 's.shapes' must be int64 of rank 2"},
      {{data, shapes_rank1}, "sequence shapes output 's.shapes' must be int64 of rank 2"},
      {{flag}, "optional flag output 'o.has_value' does not follow a tensor or a sequence"},
      {{tensor, flag, flag},
       "optional flag output 'o.has_value' does not follow a tensor or a sequence"},
      {{tensor, flag_f32}, "optional flag output 'o.has_value' must be bool of rank 0"},
      {{tensor, flag_rank1}, "optional flag output 'o.has_value' must be bool of rank 0"},
  };
  auto run = [](const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *) {
    return int32_t{0};
  };
  for (const Case &c : cases) {
    xfrt_model_desc desc = {XFRT_MODEL_ABI_VERSION, 0, "m", 0,
                            static_cast<int32_t>(c.entries.size()), nullptr,
                            c.entries.data(), run};
    xfrt_model *model = nullptr;
    EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
                 c.message);
    EXPECT_EQ(model, nullptr) << c.message;
  }
}

TEST(ModelQuery, TensorDescriptors) {
  ModelPtr model = LoadModel(XFRT_TEST_GATHER_MODEL);
  ASSERT_TRUE(model);
  const xfrt_tensor_desc *desc = nullptr;
  ASSERT_OK(xfrt_model_input_desc(model.get(), 0, &desc));
  EXPECT_STREQ(desc->name, "x");
  EXPECT_EQ(desc->element_type, XFRT_ELEMENT_TYPE_FLOAT32);
  ASSERT_EQ(desc->rank, 2);
  EXPECT_EQ(desc->shape[0], -1);
  EXPECT_EQ(desc->shape[1], 4);
  ASSERT_OK(xfrt_model_input_desc(model.get(), 1, &desc));
  EXPECT_STREQ(desc->name, "idx");
  EXPECT_EQ(desc->element_type, XFRT_ELEMENT_TYPE_INT64);
  ASSERT_OK(xfrt_model_output_desc(model.get(), 0, &desc));
  EXPECT_STREQ(desc->name, "y");
  EXPECT_ERROR(xfrt_model_input_desc(model.get(), 2, &desc), XFRT_STATUS_INVALID_ARGUMENT,
               "input index 2 is out of range; the model has 2 inputs");
  EXPECT_ERROR(xfrt_model_output_desc(model.get(), -1, &desc),
               XFRT_STATUS_INVALID_ARGUMENT, "out of range");
}

TEST(ModelQuery, FindByName) {
  ModelPtr model = LoadModel(XFRT_TEST_GATHER_MODEL);
  ASSERT_TRUE(model);
  int32_t index = -1;
  ASSERT_OK(xfrt_model_find_input(model.get(), "idx", &index));
  EXPECT_EQ(index, 1);
  ASSERT_OK(xfrt_model_find_output(model.get(), "y", &index));
  EXPECT_EQ(index, 0);
  EXPECT_ERROR(xfrt_model_find_input(model.get(), "y", &index), XFRT_STATUS_NOT_FOUND,
               "no input named 'y'");
  EXPECT_ERROR(xfrt_model_find_output(model.get(), "nope", &index), XFRT_STATUS_NOT_FOUND,
               "no output named 'nope'");
}

}  // namespace

extern "C" int xfrt_c_api_smoke(const char *model_path);

TEST(CApi, SmokeFromC) { EXPECT_EQ(xfrt_c_api_smoke(XFRT_TEST_ADD_MODEL), 0); }
