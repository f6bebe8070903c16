#!/usr/bin/python3
"""DFT, STFT and the window functions beyond the ONNX backend node tests.

The node tests cover a 10-point DFT (forward, inverse, two axes), one STFT
shape and the three windows at size 10. This driver adds what they leave
out: onesided transforms, zero-padding and truncation by dft_length (as a
constant and as a run-time input checked against the declared shape),
complex input to a forward transform, a negative axis, an STFT of a complex
signal with a window and a constant step, one with run-time frame_step and
frame_length (and a wrong step, which must be rejected naming the node),
symmetric windows of other sizes and double output. References are NumPy's
FFT (np.fft) and the window formulas of the ONNX specification.

  signal_ops.py BIN_DIR WORK_DIR
"""
import argparse
import os
import sys

import numpy as np
from onnx import TensorProto, numpy_helper

from e2e_cases import Case, check_rejected, compile_and_check

RNG = np.random.default_rng(17)
F32 = np.float32


def as_complex(x):
    """ONNX's [..., 1|2] layout as a complex array."""
    return x[..., 0] + (1j * x[..., 1] if x.shape[-1] == 2 else 0)


def as_onnx(z, dtype=F32):
    return np.stack([z.real, z.imag], axis=-1).astype(dtype)


def signal(shape):
    return RNG.standard_normal(shape).astype(F32)


def dft_onesided_padded():
    c = Case("dft_onesided_padded", 17)
    x = signal((2, 12, 3, 1))
    c.node("DFT", [c.input("x", x), c.const("n", np.array(16, np.int64))], ["y"],
           axis=1, onesided=1)
    c.output("y", as_onnx(np.fft.rfft(as_complex(x), n=16, axis=1)))
    return c


def dft_complex_truncated():
    c = Case("dft_complex_truncated", 17)
    x = signal((1, 5, 20, 2))
    c.node("DFT", [c.input("x", x), c.const("n", np.array(16, np.int64))], ["y"], axis=2)
    c.output("y", as_onnx(np.fft.fft(as_complex(x)[:, :, :16], axis=2)))
    return c


def dft_inverse_negative_axis():
    c = Case("dft_inverse_negative_axis", 17)
    x = signal((2, 8, 6, 2))
    c.node("DFT", [c.input("x", x)], ["y"], axis=-2, inverse=1)
    c.output("y", as_onnx(np.fft.ifft(as_complex(x), axis=2)))
    return c


def dft_runtime_length():
    """dft_length fed at run time: the declared output fixes it to 12."""
    c = Case("dft_runtime_length", 17)
    x = signal((1, 9, 1))
    c.node("DFT", [c.input("x", x), c.input("n", np.array(12, np.int64))], ["y"], axis=1)
    c.output("y", as_onnx(np.fft.fft(as_complex(x), n=12, axis=1)))
    return c


def stft_reference(x, step, length, window, onesided):
    z = as_complex(x)
    count = (z.shape[1] - length) // step + 1
    frames = np.stack([z[:, f * step:f * step + length] for f in range(count)], axis=1)
    if window is not None:
        frames = frames * window
    spectrum = np.fft.fft(frames, axis=-1)
    return as_onnx(spectrum[..., :length // 2 + 1] if onesided else spectrum)


def stft_complex_window():
    c = Case("stft_complex_window", 17)
    x, w = signal((2, 64, 2)), np.hanning(10).astype(F32)
    c.node("STFT", [c.input("x", x), c.const("step", np.array(5, np.int64)),
                    c.input("w", w)], ["y"], onesided=0)
    c.output("y", stft_reference(x, 5, 10, w, onesided=False))
    return c


def stft_runtime_step():
    c = Case("stft_runtime_step", 17)
    x = signal((1, 100, 1))
    c.node("STFT", [c.input("x", x), c.input("step", np.array(7, np.int64)), "",
                    c.input("length", np.array(20, np.int64))], ["y"])
    c.output("y", stft_reference(x, 7, 20, None, onesided=True))
    return c


def cosine_window(op, size, periodic, a0, a1, a2, dtype):
    c = Case("%s_%d_%s" % (op.lower(), size, "periodic" if periodic else "symmetric"), 17)
    n = np.arange(size)
    t = 2 * np.pi * n / (size if periodic else size - 1)
    c.node(op, [c.input("size", np.array(size, np.int32))], ["y"], periodic=int(periodic),
           output_datatype=TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT)
    c.output("y", (a0 - a1 * np.cos(t) + a2 * np.cos(2 * t)).astype(dtype))
    return c


CASES = [
    dft_onesided_padded, dft_complex_truncated, dft_inverse_negative_axis,
    dft_runtime_length, stft_complex_window, stft_runtime_step,
    lambda: cosine_window("HannWindow", 7, False, 0.5, 0.5, 0, np.float64),
    lambda: cosine_window("HammingWindow", 33, True, 25 / 46, 21 / 46, 0, F32),
    lambda: cosine_window("BlackmanWindow", 16, False, 0.42, 0.5, 0.08, F32),
]

# Run-time inputs that contradict the declared output shape.
WRONG = {
    "dft_runtime_length": ("DFT_0", {"n": np.array(11, np.int64)}),
    "stft_runtime_step": ("STFT_0", {"step": np.array(6, np.int64)}),
    "hannwindow_7_symmetric": ("HannWindow_0", {"size": np.array(8, np.int32)}),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    args = parser.parse_args()
    failures = checks = 0
    for make in CASES:
        case = make()
        d = os.path.join(args.work_dir, case.name)
        case.write(d)
        failures += compile_and_check(args.bin_dir, d, case.name)
        checks += 2
        if case.name in WRONG:
            node, wrong = WRONG[case.name]
            inputs = [numpy_helper.from_array(wrong.get(n, v), n) for n, v in case.inputs]
            failures += check_rejected(args.bin_dir, d, case.name, inputs, node)
            checks += 2
    print("%d of %d failed" % (failures, checks))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
