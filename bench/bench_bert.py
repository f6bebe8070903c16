#!/usr/bin/python3
"""Benchmark an xfc-compiled model against ONNX Runtime in one invocation.

Steps (see bench/README.md):
  1. generate the model with test/e2e/models/export_models.py into a cache
     directory, unless it is already there;
  2. compile it:   build/bin/xfc MODEL.onnx -o MODEL.so
  3. check it:     build/bin/xfc-run MODEL.so --test-data-dir D --rtol=1e-3 --atol=1e-3
     (and ONNX Runtime against the same PyTorch reference);
  4. time both, alternating, for several rounds with the same threads and inputs:
                   build/bin/xfc-run MODEL.so --test-data-dir D --benchmark=N --warmup=W --threads=T --json
                   node tools/ort/ort_run.js MODEL.onnx --test-data-dir D --benchmark=N --warmup=W --threads=T --json
  5. print a table (p50/p90/min and xfc/ORT ratios) and one JSON line; with
     --record, append a dated row to bench/results.md.

Each round's p50 is over N runs after W warm-up runs; the reported p50/p90
are the medians of the per-round values and min is the overall minimum. The
order of the two engines flips every round so that a slow drift of the
machine (thermal, a neighbour's job) does not always favour the same one.

Exit status: 0 when xfc compiled, matched the reference and was timed;
1 when any xfc step failed (ONNX Runtime is still timed and reported);
2 on a usage or set-up error.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORT = os.path.join(REPO, "test", "e2e", "models", "export_models.py")
ORT_RUN = os.path.join(REPO, "tools", "ort", "ort_run.js")
RESULTS = os.path.join(REPO, "bench", "results.md")
# torch and onnx are only in Debian's interpreter, not necessarily in PATH's.
TORCH_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

RESULTS_HEADER = """# xfc vs ONNX Runtime — recorded benchmark runs

Appended by `bench/bench_bert.py --record`. Latencies in ms; p50/p90 are the
medians over rounds of each round's p50/p90 (N runs after warm-up), min the
overall minimum; ratio = xfc / ONNX Runtime (lower is better for xfc).

| date | commit | cpu | model | threads | rounds x runs | xfc p50 | ORT p50 | ratio p50 | xfc p90 | ORT p90 | xfc min | ORT min | correct |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd, timeout=None):
    """Runs cmd; returns (exit code, stdout, stderr, seconds). Never raises."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout, cwd=REPO)
        code, out, err = p.returncode, p.stdout, p.stderr
    except FileNotFoundError as e:
        code, out, err = 127, "", str(e)
    except subprocess.TimeoutExpired as e:
        code, out, err = 124, e.stdout or "", f"timed out after {timeout} s"
        out = out if isinstance(out, str) else out.decode(errors="replace")
    return code, out, err, time.perf_counter() - start


def last_json(text: str):
    """The last line of text that is a JSON object (tools may print more)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                pass
    return None


def indent(text: str) -> str:
    return "\n".join("    " + l for l in text.strip().splitlines())


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown cpu"


def git_commit() -> str:
    code, out, _, _ = run(["git", "rev-parse", "--short", "HEAD"])
    if code != 0:
        return "uncommitted"
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"])[1].strip()
    return out.strip() + ("-dirty" if dirty else "")


def ms(value: float) -> str:
    # Small test models run in well under a millisecond.
    return f"{value:.1f}" if value >= 100 else f"{value:.3g}"


def summarize(rounds):
    if not rounds:
        return None
    return {
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p90_ms": statistics.median(r["p90_ms"] for r in rounds),
        "min_ms": min(r["min_ms"] for r in rounds),
        "round_p50_ms": [r["p50_ms"] for r in rounds],
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: bench/bench_bert.py --threads 2 --runs 10 --rounds 3")
    ap.add_argument("--model", default="bert_base",
                    help="model from export_models.py (bert_base, or a small test "
                         "model such as bert_op17 for a quick try)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="threads for both engines (default: all cores)")
    ap.add_argument("--runs", type=int, default=10, help="timed runs per round (>= 10)")
    ap.add_argument("--warmup", type=int, default=3, help="warm-up runs per round")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per engine")
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                    help="build tree holding bin/xfc and bin/xfc-run")
    ap.add_argument("--cache", default=os.path.join(REPO, ".cache", "models"),
                    help="where generated models and the compiled .so are kept")
    ap.add_argument("--no-compile", action="store_true",
                    help="reuse the .so from a previous run instead of recompiling")
    ap.add_argument("--xfc-flags", default="",
                    help="extra flags for xfc, e.g. '-O3' (space separated)")
    ap.add_argument("--record", action="store_true",
                    help="append a dated row to bench/results.md")
    args = ap.parse_args()
    if args.runs < 1 or args.rounds < 1 or args.threads < 1 or args.warmup < 0:
        ap.error("--runs, --rounds and --threads must be >= 1, --warmup >= 0")
    if args.runs < 10:
        log(f"note: --runs={args.runs}; the project reports p50 over at least 10 runs")

    model_dir = os.path.join(args.cache, args.model)
    onnx_path = os.path.join(model_dir, "model.onnx")
    data_dir = os.path.join(model_dir, "test_data_set_0")
    so_path = os.path.join(model_dir, f"{args.model}.so")
    xfc = os.path.join(args.build_dir, "bin", "xfc")
    xfc_run = os.path.join(args.build_dir, "bin", "xfc-run")
    if shutil.which("node") is None:
        log("error: node is not on PATH (needed for tools/ort/ort_run.js)")
        return 2

    # 1. Generate (the large models are never committed).
    if os.path.exists(onnx_path) and os.path.exists(os.path.join(data_dir, "output_0.pb")):
        log(f"[model] {onnx_path} (cached)")
    else:
        log(f"[model] generating {args.model} into {args.cache} ...")
        code, out, err, secs = run([TORCH_PYTHON, EXPORT, "--out", args.cache,
                                    "--only", args.model])
        if code != 0:
            log(f"error: export_models.py failed ({code}):\n{indent(out + err)}")
            return 2
        log(f"[model] generated in {secs:.1f} s")

    # 2-3. Compile and check. A failure here is reported, and ORT still runs,
    # so the script is useful before the compiler handles the model.
    status = {"compiled": False, "correct": None, "compile_s": None, "ort_correct": None}
    if args.no_compile and os.path.exists(so_path):
        status["compiled"] = True
        log(f"[xfc] reusing {so_path}")
    else:
        cmd = [xfc, onnx_path, "-o", so_path] + args.xfc_flags.split()
        log(f"[xfc] {' '.join(cmd)}")
        code, out, err, secs = run(cmd)
        status["compile_s"] = round(secs, 2)
        if code == 0 and os.path.exists(so_path):
            status["compiled"] = True
            log(f"[xfc] compiled in {secs:.1f} s")
        else:
            log(f"[xfc] FAILED (exit {code}):\n{indent(out + err) or '    (no output)'}")

    if status["compiled"]:
        cmd = [xfc_run, so_path, "--test-data-dir", data_dir, "--rtol=1e-3", "--atol=1e-3"]
        code, out, err, _ = run(cmd, timeout=600)
        status["correct"] = code == 0
        log(f"[check] xfc-run vs reference: {'pass' if code == 0 else f'FAIL (exit {code})'}\n"
            f"{indent(out + err)}")
    code, out, err, _ = run(["node", ORT_RUN, onnx_path, "--test-data-dir", data_dir,
                             "--rtol=1e-3", "--atol=1e-3"], timeout=600)
    status["ort_correct"] = code == 0
    log(f"[check] ORT vs reference: {'pass' if code == 0 else f'FAIL (exit {code})'}\n"
        f"{indent(out + err)}")

    # 4. Alternate the engines, flipping the order every round.
    bench_args = ["--test-data-dir", data_dir, f"--benchmark={args.runs}",
                  f"--warmup={args.warmup}", f"--threads={args.threads}", "--json"]
    engines = {"ort": ["node", ORT_RUN, onnx_path] + bench_args}
    if status["compiled"] and status["correct"]:
        engines["xfc"] = [xfc_run, so_path] + bench_args
    elif status["compiled"]:
        log("[bench] xfc output is wrong: timing ONNX Runtime only")
    rounds = {name: [] for name in engines}
    errors = {}
    order = sorted(engines, reverse=True)  # xfc first in round 0
    for r in range(args.rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            if name in errors:
                continue
            code, out, err, _ = run(engines[name], timeout=1800)
            result = last_json(out) if code == 0 else None
            if result is None:
                errors[name] = f"exit {code}:\n{indent(out + err)}"
                log(f"[bench] {name} round {r + 1} FAILED, {errors[name]}")
                continue
            rounds[name].append(result)
            log(f"[bench] round {r + 1} {name:<3} p50 {result['p50_ms']:9.3f} ms  "
                f"p90 {result['p90_ms']:9.3f} ms  min {result['min_ms']:9.3f} ms")

    # 5. Report.
    xfc_s, ort_s = summarize(rounds.get("xfc", [])), summarize(rounds["ort"])
    ratio = {}
    if xfc_s and ort_s:
        ratio = {k: xfc_s[k] / ort_s[k] for k in ("p50_ms", "p90_ms", "min_ms")}

    def cell(s, key):
        return f"{s[key]:10.3f}" if s else f"{'n/a':>10}"

    print(f"\n{args.model}: {args.threads} threads, {args.rounds} rounds x {args.runs} runs "
          f"(warm-up {args.warmup}), alternating; {cpu_name()}")
    print(f"{'engine':<12}{'p50 ms':>10}{'p90 ms':>10}{'min ms':>10}")
    print(f"{'xfc':<12}{cell(xfc_s, 'p50_ms')}{cell(xfc_s, 'p90_ms')}{cell(xfc_s, 'min_ms')}")
    print(f"{'onnxruntime':<12}{cell(ort_s, 'p50_ms')}{cell(ort_s, 'p90_ms')}{cell(ort_s, 'min_ms')}")
    if ratio:
        print(f"{'xfc/ORT':<12}{ratio['p50_ms']:10.3f}{ratio['p90_ms']:10.3f}{ratio['min_ms']:10.3f}")
    correct = {None: "not run", True: "pass", False: "FAIL"}[status["correct"]]
    print(f"correctness (xfc-run --rtol=1e-3 --atol=1e-3): {correct}; "
          f"ORT vs reference: {'pass' if status['ort_correct'] else 'FAIL'}")

    summary = {
        "model": args.model, "threads": args.threads, "rounds": args.rounds,
        "runs": args.runs, "warmup": args.warmup, "cpu": cpu_name(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "xfc": xfc_s, "ort": ort_s,
        "ratio_p50": ratio.get("p50_ms"), "ratio_p90": ratio.get("p90_ms"),
        "ratio_min": ratio.get("min_ms"), **status,
        "errors": sorted(errors) or None,
    }
    print(json.dumps(summary))

    if args.record:
        if not ratio:
            log("[record] not recorded: xfc was not timed")
            return 1
        if not os.path.exists(RESULTS):
            with open(RESULTS, "w") as f:
                f.write(RESULTS_HEADER)
        row = [datetime.date.today().isoformat(), git_commit(), cpu_name(), args.model,
               str(args.threads), f"{args.rounds} x {args.runs}",
               ms(xfc_s["p50_ms"]), ms(ort_s["p50_ms"]), f"{ratio['p50_ms']:.3f}",
               ms(xfc_s["p90_ms"]), ms(ort_s["p90_ms"]),
               ms(xfc_s["min_ms"]), ms(ort_s["min_ms"]), correct]
        with open(RESULTS, "a") as f:
            f.write("| " + " | ".join(row) + " |\n")
        log(f"[record] appended to {RESULTS}")

    ok = status["compiled"] and status["correct"] and xfc_s is not None and not errors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
