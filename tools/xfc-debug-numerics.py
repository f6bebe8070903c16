#!/usr/bin/python3
"""Finds the first ONNX node whose output xfc computes differently from ONNX
Runtime.

  xfc-debug-numerics.py MODEL.onnx [--test-data-dir DIR | --seed S]
      [--atol A] [--rtol R] [-O LEVEL] [--expose NAME,... | --expose-regex RE]
      [--reference-model REF.onnx] [--work-dir DIR] [--tools-dir DIR]

Compiles MODEL with `xfc --expose-intermediates`, so that every node output
is also a model output, and runs it with `xfc-run --output-dir` on the inputs
of DIR (or on xfc-run's random inputs of seed S). Runs a copy of the model
with the same values added as graph outputs in ONNX Runtime
(tools/ort/ort_run.js) on the same inputs, then walks the nodes in
topological order and prints the first node whose output is out of
tolerance (|xfc - ort| > atol + rtol * |ort|, integers exact), with a table
of the errors of the nodes around it.

Exit status: 0 no divergence, 1 a node diverges, 2 any other error.
Needs /usr/bin/python3 with onnx and numpy, and node with onnxruntime-node.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.parser
from onnx import numpy_helper

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORT_RUN = os.path.join(REPO_ROOT, "tools", "ort", "ort_run.js")

EXIT_OK, EXIT_DIVERGES, EXIT_ERROR = 0, 1, 2


class Failure(Exception):
    """An error that ends the run with one line on stderr."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Find the first node where xfc and ONNX Runtime disagree.")
    p.add_argument("model", help="the ONNX model (.onnx or .onnxtxt)")
    inputs = p.add_mutually_exclusive_group()
    inputs.add_argument("--test-data-dir",
                        help="inputs as input_<i>.pb (ONNX backend-test layout)")
    inputs.add_argument("--seed", type=int, default=0,
                        help="seed of xfc-run's random inputs (default 0)")
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("-O", dest="opt", default="3", choices=["0", "1", "2", "3"],
                   help="xfc's optimization level (default 3)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--expose", metavar="NAME,...",
                       help="compare only these ONNX values (default: all)")
    which.add_argument("--expose-regex", metavar="RE",
                       help="compare only the values whose names match RE")
    p.add_argument("--reference-model",
                   help="run this model in ONNX Runtime instead of MODEL; it "
                        "must name its values as MODEL does")
    p.add_argument("--rows", type=int, default=12,
                   help="table rows (default 12): those up to the first "
                        "divergence, or the ones closest to their tolerance")
    p.add_argument("--all", action="store_true", help="print every row")
    p.add_argument("--threads", type=int, default=0,
                   help="threads for both engines (default: all cores)")
    p.add_argument("--work-dir",
                   help="keep the compiled model and tensors here "
                        "(default: a temporary directory, removed)")
    p.add_argument("--tools-dir", default=os.path.join(REPO_ROOT, "build", "bin"),
                   help="where xfc and xfc-run are (default: build/bin)")
    return p.parse_args(argv)


def run(command, what, allowed=(0,)):
    """Runs `command`; a non-allowed exit status is a Failure with its output."""
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode not in allowed:
        tail = "\n".join(result.stdout.strip().splitlines()[-20:])
        raise Failure(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def load_model(path):
    """Binary or textual ONNX, as xfc reads them."""
    try:
        if path.endswith(".onnxtxt"):
            with open(path) as f:
                return onnx.parser.parse_model(f.read())
        return onnx.load(path)
    except Exception as e:  # onnx raises many kinds
        raise Failure(f"{path}: cannot read the model: {e}")


def read_tensors(directory):
    """output_<i>.pb files of `directory`, by tensor name, in file order."""
    tensors = {}
    for i in range(1 << 30):
        path = os.path.join(directory, f"output_{i}.pb")
        if not os.path.exists(path):
            return tensors
        proto = onnx.TensorProto()
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
        tensors[proto.name] = numpy_helper.to_array(proto)
    return tensors


def reference_with_outputs(model, names, path):
    """Saves `model` with `names` added as graph outputs, typed by ONNX's
    shape inference (ONNX Runtime infers what is left untyped)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {vi.name: vi for vi in inferred.graph.value_info}
    present = {o.name for o in model.graph.output}
    for name in names:
        if name in present:
            continue
        info = onnx.ValueInfoProto()
        if name in types:
            info.CopyFrom(types[name])
        else:
            info.name = name
        model.graph.output.append(info)
    onnx.save(model, path)


def compare(got, want, atol, rtol):
    """Errors of xfc's tensor `got` against ONNX Runtime's `want`: a dict with
    max_abs, max_rel, ratio (the largest error as a fraction of its
    tolerance; above 1 is out of tolerance), bad (values out of tolerance),
    first (flat index of the first of them) and problem (a shape or type
    mismatch)."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return {"problem": f"xfc gives {got.dtype}{list(got.shape)}, "
                           f"onnxruntime {want.dtype}{list(want.shape)}",
                "max_abs": np.inf, "max_rel": np.inf, "ratio": np.inf,
                "bad": max(got.size, want.size), "first": 0}
    g = got.astype(np.float64).ravel()
    w = want.astype(np.float64).ravel()
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(g - w)
        # Equal values (infinities included) and NaN against NaN agree.
        same = (g == w) | (np.isnan(g) & np.isnan(w))
        diff = np.where(same, 0.0, np.where(np.isnan(diff), np.inf, diff))
        # Relative to max(|want|, atol): near-zero references would turn
        # rounding noise into huge relative errors (as ort_run.js does).
        rel = diff / np.maximum(np.abs(w), max(atol, np.finfo(np.float64).tiny))
        if np.issubdtype(want.dtype, np.floating):
            ratio = diff / (atol + rtol * np.abs(w))
        else:  # integers and booleans must be exact
            ratio = np.where(diff > 0, np.inf, 0.0)
        ratio = np.where(diff == 0, 0.0, ratio)
    bad = ratio > 1
    count = int(bad.sum())
    top = lambda a: float(a.max()) if a.size else 0.0
    return {"problem": None, "bad": count, "max_abs": top(diff),
            "max_rel": top(rel), "ratio": top(ratio),
            "first": int(np.argmax(bad)) if count else -1}


def node_rows(model, xfc, ort, atol, rtol, filtered):
    """One row per node output both engines produced, in node order; the
    names of the outputs xfc did not expose (unless `filtered`: then most
    were not asked for) and of those the reference did not produce."""
    rows, not_exposed, not_in_reference = [], [], []
    for i, node in enumerate(model.graph.node):
        node_name = node.name or f"{node.op_type}_{i}"  # as xfc names it
        for out in node.output:
            if not out:
                continue
            if out in xfc and out in ort:
                row = compare(xfc[out], ort[out], atol, rtol)
                row.update(node=node_name, op=node.op_type, output=out,
                           shape=list(ort[out].shape))
                rows.append(row)
            elif out in xfc:
                not_in_reference.append(out)
            elif not filtered:
                not_exposed.append(out)
    return rows, not_exposed, not_in_reference


def print_names(what, names):
    if names:
        print(f"not compared: {plural(len(names), 'value')} {what} "
              f"({', '.join(names[:5])}{', ...' if len(names) > 5 else ''})")


def plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def fmt(x):
    return "inf" if x == np.inf else f"{x:.3g}"


def rows_to_show(rows, first, count, show_all):
    """Indices of the table's rows: a window that ends a few rows after the
    first divergence, or without one the `count` rows closest to their
    tolerance; always in node order."""
    if show_all or len(rows) <= count:
        return list(range(len(rows)))
    if first is None:
        closest = sorted(range(len(rows)), key=lambda i: rows[i]["ratio"])
        return sorted(closest[-count:])
    hi = min(len(rows), first + 1 + min(3, count // 4))
    return list(range(max(0, hi - count), hi))


def print_table(rows, shown, first):
    table = [("#", "node", "op", "output", "shape", "max abs", "max rel",
              "err/tol", "")]
    for i in shown:
        r = rows[i]
        table.append((str(i), r["node"], r["op"], r["output"],
                      "[" + ",".join(map(str, r["shape"])) + "]",
                      fmt(r["max_abs"]), fmt(r["max_rel"]), fmt(r["ratio"]),
                      "<- first divergence" if i == first else
                      "out of tolerance" if r["bad"] else ""))
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    line = lambda row: print("  " + "  ".join(
        cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    line(table[0])
    previous = -1
    for i, row in zip(shown, table[1:]):
        if i != previous + 1:
            print(f"  ... {plural(i - previous - 1, 'row')}")
        line(row)
        previous = i
    if previous + 1 < len(rows):
        print(f"  ... {plural(len(rows) - previous - 1, 'row')}")


def element(array, flat):
    """The index of flat position `flat` and the value there, printed at the
    array's own precision."""
    index = np.unravel_index(flat, array.shape) if array.ndim else ()
    return "[" + ",".join(map(str, index)) + "]", str(array.ravel()[flat])


def debug(args, work):
    for tool in ("xfc", "xfc-run"):
        if not os.access(os.path.join(args.tools_dir, tool), os.X_OK):
            raise Failure(f"{args.tools_dir}/{tool} not found (see --tools-dir)")
    if shutil.which("node") is None:
        raise Failure("node is not installed; ONNX Runtime runs through node")
    model = load_model(args.model)
    reference = load_model(args.reference_model or args.model)

    expose = "--expose-intermediates"
    if args.expose:
        expose += "=" + args.expose
    elif args.expose_regex:
        expose = "--expose-intermediates-regex=" + args.expose_regex
    library = os.path.join(work, "model.so")
    print(f"compiling {args.model} with xfc -O{args.opt} {expose}",
          file=sys.stderr)
    run([os.path.join(args.tools_dir, "xfc"), args.model, "-o", library,
         f"-O{args.opt}", expose], "xfc")

    # xfc-run writes the inputs it used next to its outputs, so that ONNX
    # Runtime gets exactly the same ones (random ones included).
    xfc_dir = os.path.join(work, "xfc")
    command = [os.path.join(args.tools_dir, "xfc-run"), library,
               "--output-dir", xfc_dir, "--print=0"]
    command += (["--test-data-dir", args.test_data_dir] if args.test_data_dir
                else ["--random", f"--seed={args.seed}"])
    if args.threads:
        command.append(f"--threads={args.threads}")
    print("running it with xfc-run", file=sys.stderr)
    # Exit 1: the graph outputs differ from the references of the test-data
    # directory, which is what is being debugged.
    run(command, "xfc-run", allowed=(0, 1))
    xfc = read_tensors(xfc_dir)

    input_dir = os.path.join(work, "inputs")
    os.makedirs(input_dir, exist_ok=True)
    for name in os.listdir(xfc_dir):
        if name.startswith("input_"):
            shutil.copy(os.path.join(xfc_dir, name), input_dir)
    ort_model = os.path.join(work, "reference.onnx")
    reference_with_outputs(reference, list(xfc), ort_model)
    ort_dir = os.path.join(work, "ort")
    command = ["node", ORT_RUN, ort_model, "--test-data-dir", input_dir,
               "--write-outputs", ort_dir]
    if args.threads:
        command.append(f"--threads={args.threads}")
    print("running the reference with ONNX Runtime", file=sys.stderr)
    run(command, "onnxruntime")
    ort = read_tensors(ort_dir)

    rows, not_exposed, not_in_reference = node_rows(
        model, xfc, ort, args.atol, args.rtol,
        filtered=bool(args.expose or args.expose_regex))
    first = next((i for i, r in enumerate(rows) if r["bad"]), None)
    print(f"{args.model}: {len(rows)} node outputs compared, xfc -O{args.opt} "
          f"against onnxruntime (atol={args.atol:g}, rtol={args.rtol:g})")
    # xfc skips outputs no node reads and shapes with dynamic dimensions.
    print_names("that xfc does not compute", not_exposed)
    print_names("that the reference model does not have", not_in_reference)
    shown = rows_to_show(rows, first, args.rows, args.all)
    if first is None:
        print("no divergence: every compared value is within tolerance; "
              "the closest to it:" if len(shown) < len(rows) else
              "no divergence: every compared value is within tolerance")
        print_table(rows, shown, None)
        return EXIT_OK
    r = rows[first]
    print(f"first divergence: node '{r['node']}' ({r['op']}), "
          f"output '{r['output']}'")
    if r["problem"]:
        print(f"  {r['problem']}")
    else:
        at, got = element(xfc[r["output"]], r["first"])
        _, want = element(ort[r["output"]], r["first"])
        print(f"  max abs err {fmt(r['max_abs'])}, max rel err "
              f"{fmt(r['max_rel'])}; {r['bad']} of {ort[r['output']].size} "
              f"values out of tolerance, first at {at}: xfc {got}, "
              f"onnxruntime {want}")
    print_table(rows, shown, first)
    return EXIT_DIVERGES


def main(argv):
    args = parse_args(argv)
    work = args.work_dir or tempfile.mkdtemp(prefix="xfc-debug-numerics-")
    os.makedirs(work, exist_ok=True)
    try:
        return debug(args, work)
    except Failure as e:
        print(f"xfc-debug-numerics: {e}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
