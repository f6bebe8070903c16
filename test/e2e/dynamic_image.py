#!/usr/bin/python3
"""Image ops with dynamic input dimensions: one compiled model, any size.

Resize (run-time scales or sizes, or constant scales on a dynamic batch),
Upsample, DepthToSpace, SpaceToDepth, LRN, GridSample and RoiAlign, each compiled
once with every input dimension unknown and run at two sizes against NumPy
(the ONNX backend tests' own Resize reference), and run with values or
sizes that cannot be valid: those must fail with a message naming the
node. The driver is dynamic_shapes.py's, run over these cases.

  dynamic_image.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper
from onnx.backend.test.case.node.resize import interpolate_nd, linear_coeffs, nearest_coeffs

import dynamic_shapes
from dynamic_shapes import graph_model, rand

F, I64 = TensorProto.FLOAT, TensorProto.INT64
NCHW = ["n", "c", "h", "w"]


def model(op, inputs, opset=13, **attrs):
    """One `op` node named `op` over dynamic `inputs` (name, type, rank)."""
    node = helper.make_node(op, [n for n, _, _ in inputs], ["y"], name=op, **attrs)
    m = graph_model([node], [(n, t, [None] * r) for n, t, r in inputs], [("y", F, [None] * 4)])
    m.opset_import[0].version = opset
    return m


def resize_linear(x, scales):
    """ONNX's reference: half_pixel linear with the scales' output size."""
    return interpolate_nd(x, linear_coeffs, scale_factors=scales).astype(np.float32)


def resize_nearest_sizes(x, sizes):
    return interpolate_nd(x, lambda r: nearest_coeffs(r, "floor"), output_size=sizes,
                          coordinate_transformation_mode="asymmetric").astype(np.float32)


def depth_to_space(x, bs):
    n, c, h, w = x.shape
    y = x.reshape(n, bs, bs, c // (bs * bs), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (bs * bs), h * bs, w * bs)


def space_to_depth(x, bs):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // bs, bs, w // bs, bs).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * bs * bs, h // bs, w // bs)


def lrn(x, size, alpha=1e-4, beta=0.75, bias=1.0):
    c = x.shape[1]
    sq = np.zeros_like(x)
    for i in range(c):
        lo, hi = max(0, i - (size - 1) // 2), min(c, i + size // 2 + 1)
        sq[:, i] = (x[:, lo:hi] ** 2).sum(axis=1)
    return x / (bias + alpha / size * sq) ** beta


def grid_sample_bilinear(x, grid):
    """align_corners=0, zeros padding."""
    n, c, h, w = x.shape
    _, ho, wo, _ = grid.shape
    y = np.zeros((n, c, ho, wo), np.float32)
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                gx, gy = grid[b, i, j]
                px, py = ((gx + 1) * w - 1) / 2, ((gy + 1) * h - 1) / 2
                x0, y0 = int(np.floor(px)), int(np.floor(py))
                for yy, wy in ((y0, 1 - (py - y0)), (y0 + 1, py - y0)):
                    for xx, wx in ((x0, 1 - (px - x0)), (x0 + 1, px - x0)):
                        if 0 <= yy < h and 0 <= xx < w:
                            y[b, :, i, j] += wy * wx * x[b, :, yy, xx]
    return y


def grid(*shape):
    return np.random.default_rng(sum(shape)).uniform(-1.2, 1.2, shape).astype(np.float32)


def scales(*values):
    return np.array(values, np.float32)


def sizes(*values):
    return np.array(values, np.int64)


x1, x2 = rand(1, 2, 3, 4), rand(2, 1, 5, 3)
d1, d2 = rand(1, 8, 2, 3), rand(2, 4, 3, 1)
s1, s2 = rand(1, 2, 4, 6), rand(2, 3, 2, 4)
up = graph_model([helper.make_node("Resize", ["x", "", "s"], ["y"], name="Resize", mode="linear")],
                 [("x", F, ["n", "c", 3, 4])], [("y", F, [None, None, 6, 8])],
                 [helper.make_tensor("s", F, [4], [1, 1, 2, 2])])
CASES = [
    # Run-time scales: the output sizes are floor(in * scale) at run time.
    ("resize_scales", model("Resize", [("x", F, 4), ("r", F, 1), ("s", F, 1)], mode="linear"), [
        ([x1, scales(), scales(1, 1, 2, 1.5)], [resize_linear(x1, scales(1, 1, 2, 1.5))]),
        ([x2, scales(), scales(1, 2, 0.6, 1)], [resize_linear(x2, scales(1, 2, 0.6, 1))]),
        ([x1, scales(), scales(1, 2, 2)], "node 'Resize' (Resize): dimension 0 of the operands"),
        ([x1, scales(), scales(1, -1, 2, 2)], "node 'Resize' (Resize): the scales must be positive"),
    ]),
    # Run-time sizes.
    ("resize_sizes", model("Resize", [("x", F, 4), ("r", F, 1), ("s", F, 1), ("z", I64, 1)],
                           mode="nearest", coordinate_transformation_mode="asymmetric",
                           nearest_mode="floor"), [
        ([x1, scales(), scales(), sizes(1, 3, 5, 7)], [resize_nearest_sizes(x1, [1, 3, 5, 7])]),
        ([x2, scales(), scales(), sizes(2, 1, 2, 2)], [resize_nearest_sizes(x2, [2, 1, 2, 2])]),
    ]),
    # Constant scales on a dynamic batch: N and C are copied.
    ("resize_batch", up, [
        ([x1[:, :, :, :]], [resize_linear(x1, [1, 1, 2, 2])]),
        ([rand(3, 5, 3, 4)], [resize_linear(rand(3, 5, 3, 4), [1, 1, 2, 2])]),
    ]),
    ("upsample", model("Upsample", [("x", F, 4), ("s", F, 1)], opset=9), [
        ([x1, scales(1, 1, 2, 3)], [x1.repeat(2, axis=2).repeat(3, axis=3)]),
        ([x2, scales(1, 2, 1, 2)], [x2.repeat(2, axis=1).repeat(2, axis=3)]),
    ]),
    ("depth_to_space", model("DepthToSpace", [("x", F, 4)], blocksize=2), [
        ([d1], [depth_to_space(d1, 2)]),
        ([d2], [depth_to_space(d2, 2)]),
        ([rand(1, 6, 2, 2)], "node 'DepthToSpace' (DepthToSpace): channels must be divisible"),
    ]),
    ("space_to_depth", model("SpaceToDepth", [("x", F, 4)], blocksize=2), [
        ([s1], [space_to_depth(s1, 2)]),
        ([s2], [space_to_depth(s2, 2)]),
        ([rand(1, 1, 3, 4)], "node 'SpaceToDepth' (SpaceToDepth): H must be divisible"),
    ]),
    ("lrn", model("LRN", [("x", F, 4)], size=3), [
        ([d1], [lrn(d1, 3)]),
        ([rand(2, 5, 1, 7)], [lrn(rand(2, 5, 1, 7), 3)]),
    ]),
    ("grid_sample", model("GridSample", [("x", F, 4), ("g", F, 4)], opset=16), [
        ([x1, grid(1, 2, 3, 2)], [grid_sample_bilinear(x1, grid(1, 2, 3, 2))]),
        ([x2, grid(2, 4, 1, 2)], [grid_sample_bilinear(x2, grid(2, 4, 1, 2))]),
        ([x2, grid(1, 4, 1, 2)], "node 'GridSample' (GridSample): the grid's batch size"),
    ]),
    # Boxes inside a constant image average to that constant, at any size.
    ("roi_align", model("RoiAlign", [("x", F, 4), ("rois", F, 2), ("i", I64, 1)], opset=16,
                        output_height=2, output_width=3, sampling_ratio=2), [
        ([np.ones((1, 2, 6, 6), np.float32), np.array([[1, 1, 4, 3]], np.float32), sizes(0)],
         [np.ones((1, 2, 2, 3), np.float32)]),
        ([np.full((2, 3, 8, 5), 2, np.float32),
          np.array([[1, 1, 3, 6], [0.5, 2, 2.5, 4]], np.float32), sizes(1, 0)],
         [np.full((2, 3, 2, 3), 2, np.float32)]),
        ([np.ones((1, 2, 6, 6), np.float32), np.array([[1, 1, 4, 3]], np.float32), sizes(0, 0)],
         "node 'RoiAlign' (RoiAlign): batch_indices must have one entry per roi"),
    ]),
]

if __name__ == "__main__":
    sys.exit(dynamic_shapes.main(CASES))
