#!/usr/bin/python3
"""RoiAlign against ONNX Runtime, beyond the ONNX backend node tests.

The node tests pool one 10x10 image, avg mode, 3 boxes inside it. This
driver adds max mode, opset 10's output_half_pixel (boxes at least a pixel
wide), a batch of images picked per box, boxes that leave the image (samples
more than a pixel outside contribute zero), degenerate boxes, a spatial
scale and several sampling ratios and output sizes. RoiAlign is defined in
practice by ONNX Runtime (its max mode, and the clamping at the borders), so
ORT computes the expected outputs; the driver is skipped without it. Each
model is compiled at -O3 and -O0 and checked with xfc-run.

  roi_align_cases.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(10)


def roi_case(name, opset, mode, samples, out_hw, scale, image_shape, boxes, **extra):
    c = Case("roialign_" + name, opset)
    x = RNG.standard_normal(image_shape).astype(np.float32)
    rois = np.asarray(boxes, np.float32)
    idx = RNG.integers(0, image_shape[0], size=len(boxes)).astype(np.int64)
    c.node("RoiAlign", [c.input("x", x), c.input("rois", rois), c.input("idx", idx)], ["y"],
           mode=mode, sampling_ratio=samples, output_height=out_hw[0], output_width=out_hw[1],
           spatial_scale=scale, **extra)
    # The shape of the expected output; ONNX Runtime writes its values.
    c.output("y", np.zeros((len(boxes), image_shape[1]) + out_hw, np.float32))
    return c


BOXES = [[0, 0, 9, 9], [2.5, 1.2, 7.1, 5.9], [-3, -2, 4, 5], [6, 7, 14, 12],
         [4, 4, 4, 4], [8.7, 0.3, 9.9, 9.2]]
CASES = [
    roi_case("avg_half_pixel", 16, "avg", 2, (4, 3), 1.0, (2, 3, 10, 12), BOXES,
             coordinate_transformation_mode="half_pixel"),
    roi_case("max_half_pixel", 16, "max", 3, (5, 5), 1.0, (2, 3, 10, 12), BOXES,
             coordinate_transformation_mode="half_pixel"),
    roi_case("avg_output_half_pixel_scaled", 16, "avg", 1, (2, 7), 0.5, (3, 2, 8, 8),
             [[b * 2 for b in box] for box in BOXES],
             coordinate_transformation_mode="output_half_pixel"),
    roi_case("max_opset10", 10, "max", 2, (3, 3), 1.0, (1, 4, 9, 9), BOXES),
]


if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, expect_ort=True))
