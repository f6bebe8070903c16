// xfrt_context_run: input checks, output handling, model errors.
#include <string.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_util.h"

namespace {

using xfrt_test::ContextPtr;
using xfrt_test::CreateContext;
using xfrt_test::CreatePool;
using xfrt_test::LoadModel;
using xfrt_test::ModelPtr;
using xfrt_test::PoolPtr;
using xfrt_test::Tensor;

const int64_t kShape23[2] = {2, 3};

class AddModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = LoadModel(XFRT_TEST_ADD_MODEL);
    ASSERT_TRUE(model_);
    pool_ = CreatePool(2);
    ASSERT_TRUE(pool_);
    context_ = CreateContext(model_.get(), pool_.get());
    ASSERT_TRUE(context_);
    for (int i = 0; i < 6; ++i) {
      a_[i] = static_cast<float>(i);
      b_[i] = 10.0f * static_cast<float>(i);
    }
    ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape23, a_, sizeof a_,
                               &inputs_[0]));
    ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape23, b_, sizeof b_,
                               &inputs_[1]));
  }

  xfrt_status Run(xfrt_tensor *output) {
    return xfrt_context_run(context_.get(), inputs_, 2, output, 1);
  }

  void ExpectSum(const xfrt_tensor &y) {
    ASSERT_EQ(y.element_type, XFRT_ELEMENT_TYPE_FLOAT32);
    ASSERT_EQ(y.rank, 2);
    EXPECT_EQ(y.shape[0], 2);
    EXPECT_EQ(y.shape[1], 3);
    const float *values = static_cast<const float *>(y.data);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(values[i], 11.0f * i) << "at " << i;
  }

  ModelPtr model_;
  PoolPtr pool_;
  ContextPtr context_;
  float a_[6], b_[6];
  xfrt_tensor inputs_[2];
};

TEST_F(AddModelTest, RunAllocatesOutputs) {
  Tensor y;
  ASSERT_OK(Run(&y.t));
  EXPECT_NE(y.t.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(y.t.data) % 64, 0u);
  ExpectSum(y.t);
  // Running again reuses the buffer the first run allocated.
  void *first = y.t.data;
  ASSERT_OK(Run(&y.t));
  EXPECT_EQ(y.t.data, first);
  ExpectSum(y.t);
}

TEST_F(AddModelTest, RunIntoCallerBuffer) {
  float out[6] = {};
  xfrt_tensor y{};
  y.data = out;
  y.byte_size = sizeof out;
  ASSERT_OK(Run(&y));
  EXPECT_EQ(y.data, out);
  EXPECT_EQ(y.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  ExpectSum(y);
}

TEST_F(AddModelTest, CallerOutputTooSmall) {
  float out[5];
  xfrt_tensor y{};
  y.data = out;
  y.byte_size = sizeof out;
  EXPECT_ERROR(Run(&y), XFRT_STATUS_INVALID_ARGUMENT,
               "output 'y': buffer has 20 bytes, shape [2,3] of float32 needs 24");
}

TEST_F(AddModelTest, CallerOutputWrongType) {
  int32_t out[6];
  xfrt_tensor y{};
  y.element_type = XFRT_ELEMENT_TYPE_INT32;
  y.data = out;
  y.byte_size = sizeof out;
  EXPECT_ERROR(Run(&y), XFRT_STATUS_INVALID_ARGUMENT,
               "output 'y': element type is int32, the model produces float32");
}

TEST_F(AddModelTest, RunWithoutPool) {
  ContextPtr serial = CreateContext(model_.get(), nullptr);
  ASSERT_TRUE(serial);
  Tensor y;
  ASSERT_OK(xfrt_context_run(serial.get(), inputs_, 2, &y.t, 1));
  ExpectSum(y.t);
  EXPECT_EQ(xfrt_context_model(serial.get()), model_.get());
}

TEST_F(AddModelTest, WrongInputCount) {
  Tensor y;
  EXPECT_ERROR(xfrt_context_run(context_.get(), inputs_, 1, &y.t, 1),
               XFRT_STATUS_INVALID_ARGUMENT, "model 'add' takes 2 inputs, got 1");
  EXPECT_EQ(y.t.data, nullptr);
}

TEST_F(AddModelTest, WrongOutputCount) {
  xfrt_tensor outputs[2] = {};
  EXPECT_ERROR(xfrt_context_run(context_.get(), inputs_, 2, outputs, 2),
               XFRT_STATUS_INVALID_ARGUMENT, "model 'add' produces 1 output, got 2");
}

TEST_F(AddModelTest, WrongElementType) {
  int64_t ints[6] = {};
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 2, kShape23, ints, sizeof ints,
                             &inputs_[1]));
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT,
               "input 'b': element type is int64, the model expects float32");
  EXPECT_EQ(y.t.data, nullptr);
}

TEST_F(AddModelTest, WrongRank) {
  const int64_t shape[3] = {1, 2, 3};
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 3, shape, a_, sizeof a_,
                             &inputs_[0]));
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT,
               "input 'a': rank is 3 (shape [1,2,3]), the model expects rank 2 "
               "(shape [2,3])");
}

TEST_F(AddModelTest, WrongDimension) {
  float big[14] = {};
  const int64_t shape[2] = {2, 7};
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, big, sizeof big,
                             &inputs_[1]));
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT,
               "input 'b': dimension 1 is 7, the model expects 3");
}

TEST_F(AddModelTest, InputBufferTooSmall) {
  inputs_[0].byte_size = 8;  // a caller that built the struct by hand
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT,
               "input 'a': buffer has 8 bytes, shape [2,3] of float32 needs 24");
}

TEST_F(AddModelTest, InputNullData) {
  inputs_[0].data = nullptr;
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT, "input 'a': data is NULL");
}

TEST_F(AddModelTest, GarbageInputRank) {
  inputs_[0].rank = 1000;
  Tensor y;
  EXPECT_ERROR(Run(&y.t), XFRT_STATUS_INVALID_ARGUMENT, "input 'a': rank is 1000");
}

TEST_F(AddModelTest, NullArguments) {
  Tensor y;
  EXPECT_ERROR(xfrt_context_run(nullptr, inputs_, 2, &y.t, 1),
               XFRT_STATUS_INVALID_ARGUMENT, "NULL");
  EXPECT_ERROR(xfrt_context_run(context_.get(), nullptr, 2, &y.t, 1),
               XFRT_STATUS_INVALID_ARGUMENT, "NULL");
  xfrt_context *context = nullptr;
  EXPECT_ERROR(xfrt_context_create(nullptr, nullptr, &context),
               XFRT_STATUS_INVALID_ARGUMENT, "NULL");
}

TEST_F(AddModelTest, ContextKeepsModelAlive) {
  // Dropping the caller's references must not unload the library under a
  // live context.
  xfrt_model *model = model_.release();
  pool_.reset();
  xfrt_model_release(model);
  Tensor y;
  ASSERT_OK(Run(&y.t));
  ExpectSum(y.t);
}

class GatherModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = LoadModel(XFRT_TEST_GATHER_MODEL);
    ASSERT_TRUE(model_);
    context_ = CreateContext(model_.get(), nullptr);
    ASSERT_TRUE(context_);
  }
  ModelPtr model_;
  ContextPtr context_;
};

TEST_F(GatherModelTest, DynamicDimensionAndInt64Input) {
  for (int64_t rows : {1, 3, 17}) {
    std::vector<float> x(static_cast<size_t>(rows * 4));
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
    int64_t idx[2] = {rows - 1, 0};
    const int64_t x_shape[2] = {rows, 4};
    const int64_t idx_shape[1] = {2};
    xfrt_tensor inputs[2];
    ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, x_shape, x.data(),
                               x.size() * sizeof(float), &inputs[0]));
    ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 1, idx_shape, idx, sizeof idx,
                               &inputs[1]));
    Tensor y;
    ASSERT_OK(xfrt_context_run(context_.get(), inputs, 2, &y.t, 1));
    const float *values = static_cast<const float *>(y.t.data);
    for (int j = 0; j < 4; ++j) {
      EXPECT_EQ(values[j], static_cast<float>((rows - 1) * 4 + j));
      EXPECT_EQ(values[4 + j], static_cast<float>(j));
    }
  }
}

TEST_F(GatherModelTest, ModelErrorBecomesStatus) {
  float x[8] = {};
  int64_t idx[2] = {0, 5};  // row 5 of 2
  const int64_t x_shape[2] = {2, 4};
  const int64_t idx_shape[1] = {2};
  xfrt_tensor inputs[2];
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, x_shape, x, sizeof x, &inputs[0]));
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 1, idx_shape, idx, sizeof idx,
                             &inputs[1]));
  xfrt_tensor y{};
  EXPECT_ERROR(xfrt_context_run(context_.get(), inputs, 2, &y, 1), XFRT_STATUS_MODEL_ERROR,
               "model 'gather' failed with error code 3");
  // The output allocated for the failed call was freed again.
  EXPECT_EQ(y.data, nullptr);
  EXPECT_EQ(y.flags, 0u);
}

TEST_F(GatherModelTest, NegativeDimensionInInput) {
  float x[8] = {};
  int64_t idx[2] = {0, 0};
  xfrt_tensor inputs[2] = {};
  inputs[0].element_type = XFRT_ELEMENT_TYPE_FLOAT32;
  inputs[0].rank = 2;
  inputs[0].shape[0] = -1;
  inputs[0].shape[1] = 4;
  inputs[0].data = x;
  inputs[0].byte_size = sizeof x;
  const int64_t idx_shape[1] = {2};
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 1, idx_shape, idx, sizeof idx,
                             &inputs[1]));
  Tensor y;
  EXPECT_ERROR(xfrt_context_run(context_.get(), inputs, 2, &y.t, 1),
               XFRT_STATUS_INVALID_ARGUMENT, "input 'x': dimension 0 is -1");
}

// Models defined in the test itself (wrapped descriptors) for behaviours no
// well-behaved compiled model shows.
namespace inline_models {

const int64_t kDynamic[1] = {-1};
const int64_t kFour[1] = {4};
const xfrt_tensor_desc kScalarIn[1] = {{"n", XFRT_ELEMENT_TYPE_INT32, 0, nullptr}};
const xfrt_tensor_desc kDynamicOut[1] = {{"seq", XFRT_ELEMENT_TYPE_INT32, 1, kDynamic}};
const xfrt_tensor_desc kFourOut[1] = {{"v", XFRT_ELEMENT_TYPE_INT32, 1, kFour}};

// seq = [0, 1, ..., n-1]: an output whose size depends on an input value,
// obtained from the runtime once the size is known.
int32_t RangeRun(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                 xfrt_buffer_ref *) {
  int32_t n = *static_cast<const int32_t *>(inputs[0].data);
  int64_t shape[1] = {n};
  auto *seq = static_cast<int32_t *>(env->allocate_output(env->call_state, 0, shape));
  if (!seq) return 0;
  for (int32_t i = 0; i < n; ++i) seq[i] = i;
  return 0;
}
const xfrt_model_desc kRange = {XFRT_MODEL_ABI_VERSION, 0, "range", 1, 1,
                                kScalarIn, kDynamicOut, RangeRun};

// Two inputs whose first dimensions are both called "batch".
const int64_t kBatchBy2[2] = {-1, 2};
const int64_t kBatchByAny[2] = {-1, -1};
const char *const kBatch[2] = {"batch", nullptr};
const xfrt_tensor_desc kBatchIn[2] = {
    {"a", XFRT_ELEMENT_TYPE_FLOAT32, 2, kBatchBy2, kBatch, XFRT_VALUE_TENSOR},
    {"b", XFRT_ELEMENT_TYPE_FLOAT32, 2, kBatchByAny, kBatch, XFRT_VALUE_TENSOR}};
int32_t NothingRun(const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *) {
  return 0;
}
const xfrt_model_desc kBatched = {XFRT_MODEL_ABI_VERSION, 0, "batched", 2, 0,
                                  kBatchIn, nullptr, NothingRun};

// Reports a shape that contradicts its own descriptor.
int32_t LyingRun(const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *outputs) {
  outputs[0].shape[0] = 5;
  return 0;
}
const xfrt_model_desc kLying = {XFRT_MODEL_ABI_VERSION, 0, "lying", 1, 1,
                                kScalarIn, kFourOut, LyingRun};

// Blocks until released, to hold a context busy.
std::atomic<bool> g_blocking_started{false};
std::atomic<bool> g_blocking_release{false};
int32_t BlockingRun(const xfrt_exec_env *, const xfrt_buffer_ref *, xfrt_buffer_ref *) {
  g_blocking_started = true;
  while (!g_blocking_release) std::this_thread::yield();
  return 0;
}
const xfrt_model_desc kBlocking = {XFRT_MODEL_ABI_VERSION, 0, "blocking", 1, 1,
                                   kScalarIn, kFourOut, BlockingRun};

// Fails run-time check n when input n is 1..2 (and check 1 after it, which
// must not win), like compiled code that verifies a shape-like input.
int32_t CheckingRun(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                    xfrt_buffer_ref *) {
  int32_t n = *static_cast<const int32_t *>(inputs[0].data);
  if (n != 0) {
    env->check_failed(env->call_state, n);
    env->check_failed(env->call_state, 1);
  }
  return 0;
}
const char *const kCheckMessages[2] = {"node 'a' (Reshape): first",
                                       "node 'b' (Expand): second"};
const xfrt_model_desc kChecking = {XFRT_MODEL_ABI_VERSION, 0, "checking", 1, 1,
                                   kScalarIn, kFourOut, CheckingRun, 2,
                                   kCheckMessages};

}  // namespace inline_models

ModelPtr Wrap(const xfrt_model_desc *desc) {
  xfrt_model *model = nullptr;
  EXPECT_OK(xfrt_model_wrap(desc, &model));
  return ModelPtr(model);
}

TEST(ContextOutputs, DynamicOutputIsAllocatedOnceItsShapeIsKnown) {
  ModelPtr model = Wrap(&inline_models::kRange);
  ContextPtr context = CreateContext(model.get(), nullptr);
  int32_t n = 5;
  xfrt_tensor input;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT32, 0, nullptr, &n, sizeof n, &input));
  Tensor out;
  ASSERT_OK(xfrt_context_run(context.get(), &input, 1, &out.t, 1));
  ASSERT_EQ(out.t.rank, 1);
  EXPECT_EQ(out.t.shape[0], 5);
  EXPECT_NE(out.t.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  EXPECT_EQ(static_cast<int32_t *>(out.t.data)[4], 4);
}

TEST(ContextOutputs, DynamicOutputIntoCallerBuffer) {
  ModelPtr model = Wrap(&inline_models::kRange);
  ContextPtr context = CreateContext(model.get(), nullptr);
  int32_t n = 5;
  xfrt_tensor input;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT32, 0, nullptr, &n, sizeof n, &input));
  int32_t buffer[16] = {0};
  xfrt_tensor out{};
  out.data = buffer;
  out.byte_size = sizeof buffer;
  ASSERT_OK(xfrt_context_run(context.get(), &input, 1, &out, 1));
  ASSERT_EQ(out.rank, 1);
  EXPECT_EQ(out.shape[0], 5);
  EXPECT_EQ(buffer[4], 4);
  EXPECT_EQ(out.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  // A result larger than the caller's buffer is an error; the model wrote
  // into a scratch buffer, not past the caller's.
  n = 20;
  EXPECT_ERROR(xfrt_context_run(context.get(), &input, 1, &out, 1),
               XFRT_STATUS_INVALID_ARGUMENT,
               "output 'seq': buffer has 64 bytes, shape [20] of int32 needs 80");
  EXPECT_EQ(buffer[5], 0);
}

TEST(ContextInputs, NamedDimensionsMustAgree) {
  ModelPtr model = Wrap(&inline_models::kBatched);
  ContextPtr context = CreateContext(model.get(), nullptr);
  float a[6] = {0}, b[12] = {0};
  const int64_t a_shape[2] = {3, 2}, b_shape[2] = {3, 4}, bad_shape[2] = {2, 6};
  xfrt_tensor inputs[2];
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, a_shape, a, sizeof a, &inputs[0]));
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, b_shape, b, sizeof b, &inputs[1]));
  EXPECT_OK(xfrt_context_run(context.get(), inputs, 2, nullptr, 0));
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, bad_shape, b, sizeof b, &inputs[1]));
  EXPECT_ERROR(xfrt_context_run(context.get(), inputs, 2, nullptr, 0),
               XFRT_STATUS_INVALID_ARGUMENT,
               "input 'b': dimension 0 ('batch') is 2, but dimension 0 of input 'a', "
               "which the model names the same, is 3");
}

TEST(ModelWrap, StaticDimensionsHaveNoNames) {
  static const int64_t shape[2] = {4, -1};
  static const char *const names[2] = {"batch", nullptr};
  static const xfrt_tensor_desc in[1] = {
      {"x", XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, names, XFRT_VALUE_TENSOR}};
  xfrt_model_desc desc = inline_models::kBatched;
  desc.num_inputs = 1;
  desc.inputs = in;
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "names its static dimension 0");
}

TEST(ContextOutputs, ReportedShapeIsChecked) {
  ModelPtr model = Wrap(&inline_models::kLying);
  ContextPtr context = CreateContext(model.get(), nullptr);
  int32_t n = 0;
  xfrt_tensor input;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT32, 0, nullptr, &n, sizeof n, &input));
  xfrt_tensor out{};
  EXPECT_ERROR(xfrt_context_run(context.get(), &input, 1, &out, 1), XFRT_STATUS_INTERNAL,
               "output 'v': the model reported shape [5], its descriptor says [4]");
  EXPECT_EQ(out.data, nullptr);
}

TEST(ContextOutputs, FailedCheckIsReportedWithItsMessage) {
  ModelPtr model = Wrap(&inline_models::kChecking);
  ContextPtr context = CreateContext(model.get(), nullptr);
  int32_t n = 2;
  xfrt_tensor input;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT32, 0, nullptr, &n, sizeof n, &input));
  xfrt_tensor out{};
  EXPECT_ERROR(xfrt_context_run(context.get(), &input, 1, &out, 1),
               XFRT_STATUS_INVALID_ARGUMENT,
               "model 'checking': node 'b' (Expand): second");
  EXPECT_EQ(out.data, nullptr);
  // The report belongs to one call: the next one starts clean.
  n = 0;
  Tensor ok;
  EXPECT_OK(xfrt_context_run(context.get(), &input, 1, &ok.t, 1));
}

TEST(ModelWrap, CheckMessagesAreValidated) {
  xfrt_model_desc desc = inline_models::kChecking;
  desc.check_messages = nullptr;
  xfrt_model *model = nullptr;
  EXPECT_ERROR(xfrt_model_wrap(&desc, &model), XFRT_STATUS_INVALID_ARGUMENT,
               "2 check messages");
}

TEST(ContextConcurrency, SharedContextIsRejected) {
  inline_models::g_blocking_started = false;
  inline_models::g_blocking_release = false;
  ModelPtr model = Wrap(&inline_models::kBlocking);
  ContextPtr context = CreateContext(model.get(), nullptr);
  int32_t n = 0;
  xfrt_tensor input;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT32, 0, nullptr, &n, sizeof n, &input));
  Tensor out1, out2;
  std::thread first([&] { EXPECT_OK(xfrt_context_run(context.get(), &input, 1, &out1.t, 1)); });
  while (!inline_models::g_blocking_started) std::this_thread::yield();
  EXPECT_ERROR(xfrt_context_run(context.get(), &input, 1, &out2.t, 1),
               XFRT_STATUS_FAILED_PRECONDITION, "create one context per thread");
  inline_models::g_blocking_release = true;
  first.join();
}

}  // namespace
