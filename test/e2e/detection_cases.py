#!/usr/bin/python3
"""NonMaxSuppression beyond the ONNX backend node tests.

The node tests suppress among 6 boxes of one or two classes. This driver
runs 200 random boxes in 2 images and 3 classes, with both box formats, a
score threshold, and tie scores (the lower index wins), and checks the run-
time count check with a wrong declaration. The reference is a plain numpy
transcription of greedy NMS with ONNX Runtime's IoU rules (confirmed with
ORT when it is installed), which also fixes the declared output count; each
model is compiled at -O3 and -O0 and checked with xfc-run.

  detection_cases.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(11)


def corners(box, center):
    if center:
        xc, yc, w, h = box
        return xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2
    y1, x1, y2, x2 = box
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def suppresses(a, b, threshold):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - w * h
    if w <= 0 or h <= 0 or area_a <= 0 or area_b <= 0 or union <= 0:
        return False
    return w * h / union > threshold


def nms_reference(boxes, scores, max_out, iou, score_threshold, center):
    rows = []
    for b in range(boxes.shape[0]):
        box = [corners(bx, center) for bx in boxes[b].astype(np.float64)]
        for c in range(scores.shape[1]):
            s = scores[b, c].astype(np.float64)
            alive = [i for i in range(len(s)) if score_threshold is None or s[i] > score_threshold]
            alive.sort(key=lambda i: (-s[i], i))
            picked = []
            while alive and len(picked) < max_out:
                best = alive.pop(0)
                picked.append(best)
                alive = [i for i in alive if not suppresses(box[best], box[i], iou)]
            rows += [[b, c, i] for i in picked]
    return np.array(rows, np.int64).reshape(-1, 3)


def nms_case(name, center, max_out, iou, score_threshold, ties=False):
    c = Case("nms_" + name, 11)
    if center:
        boxes = np.concatenate([RNG.uniform(0, 10, (2, 200, 2)), RNG.uniform(0.5, 3, (2, 200, 2))], 2)
    else:
        boxes = RNG.uniform(0, 10, (2, 200, 4))
    boxes = boxes.astype(np.float32)
    scores = RNG.uniform(0, 1, (2, 3, 200)).astype(np.float32)
    if ties:
        scores = np.round(scores * 4) / 4
    inputs = [c.input("boxes", boxes), c.input("scores", scores),
              c.input("max_out", np.array([max_out], np.int64)),
              c.input("iou", np.array([iou], np.float32))]
    if score_threshold is not None:
        inputs.append(c.input("score_threshold", np.array([score_threshold], np.float32)))
    c.node("NonMaxSuppression", inputs, ["selected"], center_point_box=int(center))
    c.output("selected", nms_reference(boxes, scores, max_out, iou, score_threshold, center))
    return c


CASES = [
    nms_case("corners", False, 20, 0.3, None),
    nms_case("center_score_threshold", True, 50, 0.5, 0.6),
    nms_case("ties_exhausted", False, 100, 0.1, 0.2, ties=True),
]

if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))
