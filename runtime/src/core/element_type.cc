// Names and sizes of the element types of model_abi.h (ONNX codes).
#include "xfrt/xfrt.h"

extern "C" {

const char *xfrt_element_type_name(int32_t element_type) {
  switch (element_type) {
    case XFRT_ELEMENT_TYPE_FLOAT32: return "float32";
    case XFRT_ELEMENT_TYPE_UINT8: return "uint8";
    case XFRT_ELEMENT_TYPE_INT8: return "int8";
    case XFRT_ELEMENT_TYPE_UINT16: return "uint16";
    case XFRT_ELEMENT_TYPE_INT16: return "int16";
    case XFRT_ELEMENT_TYPE_INT32: return "int32";
    case XFRT_ELEMENT_TYPE_INT64: return "int64";
    case XFRT_ELEMENT_TYPE_BOOL: return "bool";
    case XFRT_ELEMENT_TYPE_FLOAT16: return "float16";
    case XFRT_ELEMENT_TYPE_FLOAT64: return "float64";
    case XFRT_ELEMENT_TYPE_UINT32: return "uint32";
    case XFRT_ELEMENT_TYPE_UINT64: return "uint64";
    case XFRT_ELEMENT_TYPE_BFLOAT16: return "bfloat16";
  }
  return "unknown";
}

size_t xfrt_element_type_byte_size(int32_t element_type) {
  switch (element_type) {
    case XFRT_ELEMENT_TYPE_UINT8:
    case XFRT_ELEMENT_TYPE_INT8:
    case XFRT_ELEMENT_TYPE_BOOL:  // one byte per element, 0 or 1
      return 1;
    case XFRT_ELEMENT_TYPE_UINT16:
    case XFRT_ELEMENT_TYPE_INT16:
    case XFRT_ELEMENT_TYPE_FLOAT16:
    case XFRT_ELEMENT_TYPE_BFLOAT16:
      return 2;
    case XFRT_ELEMENT_TYPE_FLOAT32:
    case XFRT_ELEMENT_TYPE_INT32:
    case XFRT_ELEMENT_TYPE_UINT32:
      return 4;
    case XFRT_ELEMENT_TYPE_INT64:
    case XFRT_ELEMENT_TYPE_FLOAT64:
    case XFRT_ELEMENT_TYPE_UINT64:
      return 8;
  }
  return 0;
}

}  // extern "C"
