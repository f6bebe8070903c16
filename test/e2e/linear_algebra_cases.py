#!/usr/bin/python3
"""Einsum diagonals and Det beyond the ONNX backend node tests.

The node tests have one Einsum diagonal ('...ii->...i') and the
determinants of a 2x2 and of three 2x2 matrices. This driver adds a trace, a
batched diagonal, a diagonal feeding a contraction, a letter repeated three
times and two diagonals of one operand; and determinants of 1x1 to 12x12
matrices in batches, ones that need row swaps (zeros on the diagonal,
permutation matrices) and singular ones. References are
numpy.einsum and numpy.linalg.det (confirmed with ONNX Runtime when it is
installed); each model is compiled at -O3 and -O0.

  linear_algebra_cases.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(3)


def einsum_case(name, equation, *shapes):
    c = Case("einsum_" + name, 12)
    xs = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    c.node("Einsum", [c.input("x%d" % i, x) for i, x in enumerate(xs)], ["y"], equation=equation)
    c.output("y", np.asarray(np.einsum(equation, *xs), np.float32))
    return c


def det_case(name, x):
    c = Case("det_" + name, 11)
    c.node("Det", [c.input("x", x)], ["y"])
    c.output("y", np.linalg.det(x.astype(np.float64)).astype(x.dtype))
    return c


def permutations(n, count):
    return np.stack([np.eye(n, dtype=np.float32)[RNG.permutation(n)] for _ in range(count)])


SINGULAR = RNG.standard_normal((4, 6, 6)).astype(np.float32)
SINGULAR[0, 3] = SINGULAR[0, 1] * 2  # two proportional rows
SINGULAR[1, :, 2] = 0                 # a zero column
SINGULAR[2] = 0
ZERO_DIAGONAL = RNG.standard_normal((3, 5, 5)).astype(np.float32)
ZERO_DIAGONAL[:, range(5), range(5)] = 0

CASES = [
    det_case("1x1", RNG.standard_normal((3, 1, 1)).astype(np.float32)),
    det_case("batched_5x5", RNG.standard_normal((2, 3, 5, 5)).astype(np.float32)),
    det_case("12x12", RNG.standard_normal((12, 12)).astype(np.float32)),
    det_case("permutations", permutations(7, 6)),
    det_case("zero_diagonal", ZERO_DIAGONAL),
    det_case("singular", SINGULAR),
    einsum_case("trace", "ii->", (5, 5)),
    einsum_case("batch_diagonal", "bii->bi", (3, 4, 4)),
    einsum_case("diagonal_times_matrix", "ii,ij->ij", (4, 4), (4, 6)),
    einsum_case("triple", "iii->i", (3, 3, 3)),
    einsum_case("two_diagonals", "iijj->ij", (2, 2, 3, 3)),
]

if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))
