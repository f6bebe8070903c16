#!/usr/bin/python3
"""Einsum diagonals: letters repeated within an operand.

The node tests have one diagonal ('...ii->...i'). This driver adds a trace,
a batched diagonal, a diagonal feeding a contraction, a letter repeated three
times and two diagonals of one operand, against numpy.einsum (confirmed with
ONNX Runtime when it is installed), each compiled at -O3 and -O0.

  einsum_cases.py BIN_DIR WORK_DIR
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


CASES = [
    einsum_case("trace", "ii->", (5, 5)),
    einsum_case("batch_diagonal", "bii->bi", (3, 4, 4)),
    einsum_case("diagonal_times_matrix", "ii,ij->ij", (4, 4), (4, 6)),
    einsum_case("triple", "iii->i", (3, 3, 3)),
    einsum_case("two_diagonals", "iijj->ij", (2, 2, 3, 3)),
]

if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))
