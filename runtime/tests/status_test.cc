// Status objects and element-type helpers.
#include <string.h>

#include "test_util.h"

namespace {

TEST(Status, NullIsOk) {
  EXPECT_EQ(xfrt_status_code(nullptr), XFRT_STATUS_OK);
  EXPECT_STREQ(xfrt_status_message(nullptr), "OK");
  EXPECT_TRUE(xfrt_status_is_ok(nullptr));
  xfrt_status_free(nullptr);  // must be a no-op
}

TEST(Status, ErrorCarriesCodeAndMessage) {
  // Any API error works as a source of a status.
  xfrt_model *model = nullptr;
  xfrt_status status = xfrt_model_load("/nonexistent/dir/model.so", &model);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(xfrt_status_code(status), XFRT_STATUS_NOT_FOUND);
  EXPECT_NE(strstr(xfrt_status_message(status), "/nonexistent/dir/model.so"), nullptr);
  EXPECT_EQ(model, nullptr);
  xfrt_status_free(status);
}

TEST(Status, CodeNames) {
  EXPECT_STREQ(xfrt_status_code_name(XFRT_STATUS_OK), "OK");
  EXPECT_STREQ(xfrt_status_code_name(XFRT_STATUS_INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_STREQ(xfrt_status_code_name(XFRT_STATUS_INCOMPATIBLE), "INCOMPATIBLE");
  EXPECT_STREQ(xfrt_status_code_name(static_cast<xfrt_status_code_t>(1234)), "UNKNOWN");
}

TEST(ElementType, NamesAndSizes) {
  struct Case {
    int32_t code;
    const char *name;
    size_t size;
  } cases[] = {
      {XFRT_ELEMENT_TYPE_FLOAT32, "float32", 4}, {XFRT_ELEMENT_TYPE_UINT8, "uint8", 1},
      {XFRT_ELEMENT_TYPE_INT8, "int8", 1},       {XFRT_ELEMENT_TYPE_UINT16, "uint16", 2},
      {XFRT_ELEMENT_TYPE_INT16, "int16", 2},     {XFRT_ELEMENT_TYPE_INT32, "int32", 4},
      {XFRT_ELEMENT_TYPE_INT64, "int64", 8},     {XFRT_ELEMENT_TYPE_BOOL, "bool", 1},
      {XFRT_ELEMENT_TYPE_FLOAT16, "float16", 2}, {XFRT_ELEMENT_TYPE_FLOAT64, "float64", 8},
      {XFRT_ELEMENT_TYPE_UINT32, "uint32", 4},   {XFRT_ELEMENT_TYPE_UINT64, "uint64", 8},
      {XFRT_ELEMENT_TYPE_BFLOAT16, "bfloat16", 2},
  };
  for (const Case &c : cases) {
    EXPECT_STREQ(xfrt_element_type_name(c.code), c.name);
    EXPECT_EQ(xfrt_element_type_byte_size(c.code), c.size) << c.name;
  }
  // ONNX codes xfrt does not support (undefined, string, complex).
  for (int32_t code : {0, 8, 14, 15, 17, -1}) {
    EXPECT_STREQ(xfrt_element_type_name(code), "unknown");
    EXPECT_EQ(xfrt_element_type_byte_size(code), 0u);
  }
}

}  // namespace
