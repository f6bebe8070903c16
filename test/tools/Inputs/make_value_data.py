"""Writes the backend-test directories of xfc-run-values.test: ONNX
sequences and optionals as SequenceProto / OptionalProto files, made with
onnx's own helpers so that xfc-run is tested against the real format.

    make_value_data.py OUT_DIR
"""
import os
import sys

import numpy as np
from onnx import OptionalProto, SequenceProto, helper, numpy_helper


def tensor(values, dtype=np.float32):
    return numpy_helper.from_array(np.array(values, dtype=dtype))


def sequence(name, arrays):
    return helper.make_sequence(name, SequenceProto.TENSOR,
                                [tensor(a) for a in arrays])


def optional(name, value):
    if value is None:
        return helper.make_optional(name, OptionalProto.UNDEFINED, None)
    return helper.make_optional(name, OptionalProto.TENSOR, tensor(value))


def write(out, case, files):
    path = os.path.join(out, case)
    os.makedirs(path, exist_ok=True)
    for name, proto in files.items():
        with open(os.path.join(path, name + ".pb"), "wb") as f:
            f.write(proto.SerializeToString())


def main(out):
    # seq.mlir: y = x (a sequence of rank-2 float32 tensors), n = len(x).
    elems = [np.arange(6).reshape(2, 3), [[-1, 0.5, 2]], np.zeros((0, 3))]
    def seq_case(name, reference, count=3):
        n = numpy_helper.from_array(np.array(count, dtype=np.int64), "n")
        write(out, name, {"input_0": sequence("x", elems),
                          "output_0": sequence("y", reference),
                          "output_1": n})
    seq_case("seq_match", elems)
    seq_case("seq_value", [elems[0], [[-1, 0.75, 2]], elems[2]])
    seq_case("seq_count", elems[:2], count=2)
    seq_case("seq_shape", [elems[0], [[-1], [0.5], [2]], elems[2]])
    seq_case("seq_length", elems, count=4)
    write(out, "seq_empty", {"input_0": sequence("x", []),
                             "output_0": sequence("y", []),
                             "output_1": numpy_helper.from_array(
                                 np.array(0, dtype=np.int64), "n")})
    write(out, "seq_mixed_rank", {"input_0": sequence("x", [[1.0, 2], [[3.0]]])})
    write(out, "seq_two_files", {"input_0": sequence("x", elems),
                                 "input_1": sequence("x", elems)})

    # opt.mlir: p = o (an optional float32 vector), has = o has a value.
    def flag(value):
        return numpy_helper.from_array(np.array(value), "has")
    write(out, "opt_present", {"input_0": optional("o", [1, 2, 3]),
                               "output_0": optional("p", [1, 2, 3]),
                               "output_1": flag(True)})
    write(out, "opt_empty", {"input_0": optional("o", None),
                             "output_0": optional("p", None),
                             "output_1": flag(False)})
    # No input_0.pb at all: the optional input is absent (as in
    # test_optional_has_element_empty of older ONNX releases).
    write(out, "opt_missing", {"output_0": optional("p", None),
                               "output_1": flag(False)})
    write(out, "opt_flag", {"input_0": optional("o", [1, 2, 3]),
                            "output_0": optional("p", None),
                            "output_1": flag(True)})
    write(out, "opt_payload", {"input_0": optional("o", [1, 2, 3]),
                               "output_0": optional("p", [1, 2, 4]),
                               "output_1": flag(True)})


if __name__ == "__main__":
    main(sys.argv[1])
