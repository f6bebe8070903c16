#!/usr/bin/python3
"""GridSample against PyTorch's grid_sample, which defines it.

The ONNX backend node tests sample a 4x4 image at a few dozen points. This
driver covers every mode (nearest, bilinear, bicubic) with every padding
mode (zeros, border, reflection) and both align_corners settings, on
several channels and batches, with grid positions far outside [-1, 1] (so
reflection bounces several times and every tap of a bicubic kernel can fall
outside), exact pixel centers and half-way points (rounding of nearest).
The expected outputs come from torch.nn.functional.grid_sample and are
confirmed with ONNX Runtime when it is installed; each model is compiled at
-O3 and -O0 and checked with xfc-run.

  grid_sample_cases.py BIN_DIR WORK_DIR
"""
import itertools
import sys

import numpy as np
import torch

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(16)


def grid_points(n, h, w):
    """Random positions in [-2.5, 2.5], pixel centers, the points half-way
    between them (ties of nearest rounding) and positions up to 9 (about 40
    pixels) outside."""
    g = RNG.uniform(-2.5, 2.5, size=(n, h, w, 2)).astype(np.float32)
    g[:, 0, :, 0] = np.linspace(-1, 1, w)
    g[:, 1, :, 1] = np.linspace(-1, 1, w)
    g[:, 2, :, :] = (np.arange(w)[:, None] + 0.5) / 3.5 - 1
    g[:, 3, :, :] = RNG.uniform(-9, 9, size=(n, w, 2))
    return g


def grid_sample_case(mode, padding, align_corners):
    name = "gridsample_%s_%s_%s" % (mode, padding, "corners" if align_corners else "edges")
    c = Case(name, 16)
    x = RNG.standard_normal((2, 3, 7, 9)).astype(np.float32)
    g = grid_points(2, 5, 6)
    c.node("GridSample", [c.input("x", x), c.input("grid", g)], ["y"], mode=mode,
           padding_mode=padding, align_corners=int(align_corners))
    y = torch.nn.functional.grid_sample(torch.from_numpy(x), torch.from_numpy(g), mode=mode,
                                        padding_mode=padding, align_corners=align_corners)
    c.output("y", y.numpy())
    return c


CASES = [grid_sample_case(*p) for p in itertools.product(
    ("nearest", "bilinear", "bicubic"), ("zeros", "border", "reflection"), (False, True))]


if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))
