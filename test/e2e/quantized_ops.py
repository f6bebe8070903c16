#!/usr/bin/python3
"""Quantization ops and Hardmax at sizes the backend node tests do not reach.

The ONNX node tests of QLinearMatMul, QLinearConv, ... are a few elements
each, all uint8 and per tensor. This driver builds models with the ONNX
helper API at sizes that the CPU strategy tiles and vectorizes, mixing uint8
and int8, per-tensor and per-axis parameters, run-time and constant
(initializer) scales and zero points, groups, strides, padding, ties of
round-half-to-even and saturation. The expected outputs are computed here
with NumPy from the ONNX specification, in the same float32 order of
operations as the importer's decomposition (scale products, then the
division by y_scale), so the comparison is exact for integers. Each model is
compiled at -O3 and -O0 and checked with xfc-run.

  quantized_ops.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(7)
F32 = np.float32


def quantized(shape, dtype):
    info = np.iinfo(dtype)
    return RNG.integers(info.min, info.max + 1, size=shape).astype(dtype)


def scales(shape, lo=0.01, hi=0.05):
    return RNG.uniform(lo, hi, size=shape).astype(F32)


def saturate(v, dtype):
    info = np.iinfo(dtype)
    return np.clip(v, info.min, info.max).astype(dtype)


def requantize(acc, multiplier, zp, dtype):
    """saturate(round_half_even(acc * multiplier) + zp), in float32."""
    v = np.rint(acc.astype(F32) * multiplier).astype(F32)
    return saturate(v + zp.astype(F32), dtype)


def at_axis(p, axis, rank):
    """A 1-D parameter reshaped to broadcast along `axis` of a rank-`rank`
    tensor."""
    return p.reshape([-1] + [1] * (rank - axis - 1))


def conv_nchw(x, w, strides, pads, dilations, group):
    """Integer 2-D convolution, NCHW, zero padding, int64 accumulation."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, f, oh, ow), np.int64)
    fg = f // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg].astype(np.int64)
        ws = w[g * fg:(g + 1) * fg].astype(np.int64)
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dilations[0]:i * dilations[0] + strides[0] * (oh - 1) + 1:strides[0],
                           j * dilations[1]:j * dilations[1] + strides[1] * (ow - 1) + 1:strides[1]]
                out[:, g * fg:(g + 1) * fg] += np.einsum("nchw,fc->nfhw", patch, ws[:, :, i, j])
    return out


def qlinear_matmul():
    """uint8 [2, 64, 96] x int8 constant [96, 48]: per-row a, per-column b."""
    c = Case("qlinear_matmul", 10)
    a, b = quantized((2, 64, 96), np.uint8), quantized((96, 48), np.int8)
    sa, za = scales(64), quantized(64, np.uint8)
    sb, zb = scales(48), quantized(48, np.int8)
    sy, zy = scales(1, 6.0, 8.0), np.array([121], np.uint8)
    acc = (a.astype(np.int64) - za.reshape(64, 1)) @ (b.astype(np.int64) - zb)
    mult = (sa.reshape(64, 1) * sb) / sy
    c.node("QLinearMatMul", [c.input("a", a), c.input("sa", sa), c.input("za", za),
                             c.const("b", b), c.const("sb", sb), c.const("zb", zb),
                             c.input("sy", sy), c.const("zy", zy)], ["y"])
    c.output("y", requantize(acc, mult, zy, np.uint8))
    return c


def matmul_integer():
    """int8 [33, 70] x uint8 [70, 40], per-row zero point of A."""
    c = Case("matmul_integer", 10)
    a, b = quantized((33, 70), np.int8), quantized((70, 40), np.uint8)
    za, zb = quantized(33, np.int8), np.array(131, np.uint8)
    y = (a.astype(np.int64) - za.reshape(33, 1)) @ (b.astype(np.int64) - zb)
    c.node("MatMulInteger", [c.input("a", a), c.input("b", b), c.input("za", za),
                             c.const("zb", zb)], ["y"])
    c.output("y", y.astype(np.int32))
    return c


def qlinear_conv():
    """uint8 x, int8 constant weight with per-channel scales and zero points,
    group 2, stride 2, padding, int32 bias."""
    c = Case("qlinear_conv", 10)
    x, w = quantized((1, 8, 12, 12), np.uint8), quantized((16, 4, 3, 3), np.int8)
    sx, zx = scales(()), np.array(97, np.uint8)
    sw, zw = scales(16), quantized(16, np.int8)
    sy, zy = scales((), 2.0, 4.0), np.array(-3, np.int8)
    bias = RNG.integers(-2000, 2000, size=16).astype(np.int32)
    strides, pads, dil = [2, 2], [1, 1, 1, 1], [1, 1]
    acc = conv_nchw(x.astype(np.int64) - int(zx), w.astype(np.int64) - zw.reshape(16, 1, 1, 1),
                    strides, pads, dil, 2) + bias.reshape(16, 1, 1)
    mult = (sx * sw.reshape(16, 1, 1)) / sy
    c.node("QLinearConv", [c.input("x", x), c.const("sx", sx), c.const("zx", zx),
                           c.const("w", w), c.const("sw", sw), c.const("zw", zw),
                           c.const("sy", sy), c.const("zy", zy), c.const("bias", bias)],
           ["y"], strides=strides, pads=pads, group=2)
    c.output("y", requantize(acc, mult, zy, np.int8))
    return c


def conv_integer():
    """uint8 [2, 6, 9, 9] * uint8 [5, 6, 3, 3], dilation 2, per-channel
    weight zero points, run-time x zero point."""
    c = Case("conv_integer", 10)
    x, w = quantized((2, 6, 9, 9), np.uint8), quantized((5, 6, 3, 3), np.uint8)
    zx, zw = np.array(200, np.uint8), quantized(5, np.uint8)
    y = conv_nchw(x.astype(np.int64) - int(zx), w.astype(np.int64) - zw.reshape(5, 1, 1, 1),
                  [1, 1], [2, 2, 2, 2], [2, 2], 1)
    c.node("ConvInteger", [c.input("x", x), c.input("w", w), c.input("zx", zx), c.const("zw", zw)],
           ["y"], pads=[2, 2, 2, 2], dilations=[2, 2])
    c.output("y", y.astype(np.int32))
    return c


def quantize_dequantize():
    """Per-axis int8 quantization with ties and saturation; per-axis uint8
    dequantization; per-tensor quantization of int32 data."""
    c = Case("quantize_dequantize", 13)
    s, z = np.array([0.5, 0.25, 2.0, 1.0, 0.125, 4.0, 1.5, 0.75], F32), \
        np.array([0, -3, 7, 127, -128, 1, 2, -1], np.int8)
    k = RNG.integers(-140, 140, size=(4, 16, 8))
    x = ((k + 0.5) * s).astype(F32)  # exact ties: (k + 0.5) * s / s
    x[0, 0] = np.array([1e6, -1e6, 3.7, 0.0, -0.0, 255.9, -2.5, 2.5], F32)
    y = saturate(np.rint(x / s).astype(F32) + z.astype(F32), np.int8)
    c.node("QuantizeLinear", [c.input("x", x), c.const("s", s), c.const("z", z)], ["y"], axis=-1)
    c.output("y", y)

    q = quantized((4, 16, 8), np.uint8)
    ds, dz = scales(16), quantized(16, np.uint8)
    d = (q.astype(np.int32) - dz.reshape(16, 1).astype(np.int32)).astype(F32) * ds.reshape(16, 1)
    c.node("DequantizeLinear", [c.input("q", q), c.input("ds", ds), c.input("dz", dz)], ["d"])
    c.output("d", d.astype(F32))

    i = RNG.integers(-200, 1000, size=(64,)).astype(np.int32)
    si = np.array(3.0, F32)
    yi = saturate(np.rint(i.astype(F32) / si).astype(F32), np.uint8)
    c.node("QuantizeLinear", [c.input("i", i), c.const("si", si)], ["yi"])
    c.output("yi", yi)
    return c


def dynamic_quantize():
    c = Case("dynamic_quantize", 11)
    x = RNG.normal(0.5, 2.0, size=(64, 33)).astype(F32)
    lo, hi = min(F32(0), x.min()), max(F32(0), x.max())
    scale = F32((hi - lo) / F32(255))
    zp = np.rint(np.clip(F32(0) - lo / scale, 0, 255)).astype(F32)
    y = saturate(np.rint(x / scale).astype(F32) + zp, np.uint8)
    c.node("DynamicQuantizeLinear", [c.input("x", x)], ["y", "s", "z"])
    c.output("y", y)
    c.output("s", np.array(scale, F32))
    c.output("z", np.array(zp, np.uint8))
    return c


def hardmax_and_casts():
    """Hardmax before opset 13 (coerced to 2-D) with ties; casts from and to
    uint8 (zero-extended, and through a wider integer)."""
    c = Case("hardmax_and_casts", 11)
    x = RNG.integers(0, 4, size=(3, 4, 5)).astype(F32)  # many ties
    flat = x.reshape(3, 20)
    h = np.zeros_like(flat)
    h[np.arange(3), flat.argmax(axis=1)] = 1
    c.node("Hardmax", [c.input("x", x)], ["h"], axis=1)
    c.output("h", h.reshape(3, 4, 5))

    u = quantized((200,), np.uint8)
    c.node("Cast", ["u"], ["uf"], to=TensorProto.FLOAT)
    c.node("Cast", ["u"], ["ui"], to=TensorProto.INT32)
    c.input("u", u)
    c.output("uf", u.astype(F32))
    c.output("ui", u.astype(np.int32))
    f = RNG.uniform(0, 255.99, size=(200,)).astype(F32)
    c.node("Cast", [c.input("f", f)], ["fu"], to=TensorProto.UINT8)
    c.output("fu", f.astype(np.uint8))
    return c


CASES = [qlinear_matmul, matmul_integer, qlinear_conv, conv_integer,
         quantize_dequantize, dynamic_quantize, hardmax_and_casts]


if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, [make() for make in CASES]))
