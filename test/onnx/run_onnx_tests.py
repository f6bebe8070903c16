#!/usr/bin/python3
"""The ONNX backend test suite through xfc and xfc-run, against a status file.

For every test directory of the ONNX backend test data (node,
pytorch-converted, pytorch-operator and simple), compiles model.onnx with xfc
and checks each test_data_set_* with `xfc-run --test-data-dir`. Each test
ends in one of:

  pass         the model compiled and every data set matched
  import-fail  xfc exited non-zero with a message (import or lowering)
  run-fail     xfc-run reported a mismatch or an error
  crash        xfc or xfc-run died by a signal, timed out, or a sanitizer
               reported an error: always a failure of this suite
  error        a tool could not be started (say, a build was relinking
               it): the run fails and --update refuses to write

With --dynamic, every graph input's dimensions are made unknown before
compiling (as onnx-mlir's test driver does), and the declared types of
outputs and intermediate values lose their dimensions too, so that xfc
compiles one model for any input size and infers every shape itself; the
data sets then run through that one model. Its status file is
status-node-dynamic.txt.

The checked-in status file (status-node.txt) has one line per test,
`test_name PASS` or `test_name FAIL <reason>`. The run fails if a test's
result differs from its status, in either direction, or if anything crashed;
`--update` rewrites the status file from the results instead. A summary
(counts per directory, every test's result) is written as JSON for the docs.

Usage:
  run_onnx_tests.py [--bin-dir BUILD/bin] [--status FILE] [--json FILE]
                    [--jobs N] [--filter REGEX] [-O0] [--dynamic] [--update] [-v]
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(SCRIPT_DIR))
DEFAULT_DATA_DIR = "/usr/include/onnx/backend/test/data"
SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")
CATEGORIES = ("pass", "import-fail", "run-fail", "crash", "error")
REASON_LIMIT = 120
SANITIZER_RE = re.compile(
    r"(ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error: |"
    r"SUMMARY: UndefinedBehaviorSanitizer)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", help="directory of xfc and xfc-run "
                        "(default: $XFC_BIN_DIR, else <source>/build/bin)")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help="ONNX backend test data (default: %(default)s)")
    parser.add_argument("--status",
                        help="status file (default: status-node.txt, or "
                        "status-node-dynamic.txt with --dynamic, next to "
                        "this script)")
    parser.add_argument("--dynamic", action="store_true",
                        help="make every input dimension dynamic before "
                        "compiling")
    parser.add_argument("--json", help="write the summary as JSON here")
    parser.add_argument("--work-dir", help="where compiled models go "
                        "(default: a temporary directory, removed at the end)")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--filter", help="only tests whose name matches this "
                        "regular expression (the status file's other lines "
                        "are kept on --update)")
    parser.add_argument("-O", dest="opt", default="3", choices="0123",
                        help="xfc optimization level (default: 3)")
    parser.add_argument("--compile-timeout", type=float, default=60)
    parser.add_argument("--run-timeout", type=float, default=30)
    parser.add_argument("--rtol", default="1e-3")
    parser.add_argument("--atol", default="1e-4")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the status file from this run")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print every test's result as it finishes")
    args = parser.parse_args()
    if not args.status:
        args.status = os.path.join(SCRIPT_DIR, "status-node-dynamic.txt"
                                   if args.dynamic else "status-node.txt")
    return args


def make_dynamic(model_path, out_path):
    """Writes `model_path` with every graph input dimension unknown and the
    dimensions of outputs and intermediate values dropped (ranks and element
    types stay), so the compiler must infer each shape from the inputs."""
    import onnx  # only this mode needs it
    model = onnx.load(model_path)
    graph = model.graph
    initializers = {i.name for i in graph.initializer}

    def clear(value):
        tensor = value.type.tensor_type
        if not value.type.HasField("tensor_type") or not tensor.HasField("shape"):
            return
        for dim in tensor.shape.dim:
            dim.ClearField("dim_value")
            dim.ClearField("dim_param")

    for value in graph.input:
        if value.name not in initializers:
            clear(value)
    for value in graph.output:
        clear(value)
    del graph.value_info[:]
    onnx.save(model, out_path)


def find_bin_dir(arg):
    for candidate in (arg, os.environ.get("XFC_BIN_DIR"),
                      os.path.join(SOURCE_DIR, "build", "bin")):
        if candidate and os.path.isfile(os.path.join(candidate, "xfc")):
            return candidate
    sys.exit("run_onnx_tests.py: cannot find xfc; pass --bin-dir BUILD/bin")


def collect_tests(data_dir, name_filter):
    """(suite, name, directory) for every test with a model, sorted by name."""
    tests = []
    pattern = re.compile(name_filter) if name_filter else None
    for suite in SUITES:
        root = os.path.join(data_dir, suite)
        if not os.path.isdir(root):
            continue
        for name in sorted(os.listdir(root)):
            directory = os.path.join(root, name)
            if not os.path.isfile(os.path.join(directory, "model.onnx")):
                continue
            if pattern and not pattern.search(name):
                continue
            tests.append((suite, name, directory))
    return tests


def one_line(text):
    """A status-file reason: one line, no paths, bounded length."""
    text = " ".join(text.split())
    if len(text) > REASON_LIMIT:
        text = text[:REASON_LIMIT - 3] + "..."
    return text


def strip_paths(line, paths):
    for path in paths:
        line = line.replace(path + ": ", "").replace(path, "")
    return line


def first_error_line(output, paths):
    """The first line that reads like an error, else the first non-empty."""
    lines = [l for l in output.splitlines() if l.strip()]
    for line in lines:
        if re.search(r"error|unsupported|cannot|failed|invalid|not ",
                     line, re.IGNORECASE):
            return strip_paths(line, paths)
    return strip_paths(lines[0], paths) if lines else "no message"


def signal_name(returncode):
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return "signal %d" % -returncode


class Outcome:
    """How one process ended: exit status, output, and what went wrong."""

    def __init__(self, command, timeout):
        self.returncode, self.output = None, ""
        self.unrunnable = None  # why the tool could not be started
        try:
            proc = subprocess.run(command, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=timeout,
                                  start_new_session=True)
            self.returncode = proc.returncode
            self.output = proc.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as expired:
            self.output = (expired.output or b"").decode("utf-8", "replace")
        except OSError as error:
            # E.g. a build is relinking the tool right now.
            self.unrunnable = "cannot run %s: %s" % (command[0],
                                                     error.strerror)

    def crash(self):
        """Why the process counts as crashed, or None."""
        if self.returncode is None:
            return "timed out"
        if self.returncode < 0:
            return "killed by " + signal_name(self.returncode)
        sanitizer = SANITIZER_RE.search(self.output)
        if sanitizer:
            return "sanitizer: " + sanitizer.group(0).strip()
        if "the model crashed" in self.output:
            return "the model crashed (fatal signal)"
        return None


def run_failure_reason(output, data_dir, paths):
    """The line of xfc-run's output that says why a data set failed."""
    lines = output.splitlines()
    mismatches = [l.strip() for l in lines
                  if "differs from" in l or "reference outputs" in l]
    if mismatches:
        return strip_paths(mismatches[0], [data_dir + "/", data_dir])
    errors = [l for l in lines if l.startswith("xfc-run:")]
    if errors:
        return strip_paths(errors[0], paths + [data_dir])
    return first_error_line(output, paths + [data_dir])


def run_test(test, bins, args, work_dir):
    """(category, reason, seconds) of one test."""
    suite, name, directory = test
    start = time.monotonic()
    model = os.path.join(directory, "model.onnx")
    lib = os.path.join(work_dir, name + ".so")
    paths = [lib, model, directory]

    def result(category, reason=""):
        return category, one_line(reason), time.monotonic() - start

    if args.dynamic:
        dynamic_model = os.path.join(work_dir, name + ".onnx")
        try:
            make_dynamic(model, dynamic_model)
        except Exception as error:  # a model onnx cannot load or save
            return result("import-fail", "cannot make the inputs dynamic: %s"
                          % error)
        model = dynamic_model
        paths.insert(0, model)

    compiled = Outcome([bins["xfc"], model, "-o", lib, "-O" + args.opt],
                       args.compile_timeout)
    if compiled.unrunnable:
        return result("error", compiled.unrunnable)
    if compiled.crash():
        return result("crash", "xfc %s: %s" % (
            compiled.crash(), first_error_line(compiled.output, paths)))
    if compiled.returncode != 0:
        return result("import-fail", first_error_line(compiled.output, paths))

    data_sets = sorted(d for d in os.listdir(directory)
                       if d.startswith("test_data_set_"))
    try:
        for data_set in data_sets:
            data_dir = os.path.join(directory, data_set)
            ran = Outcome([bins["xfc-run"], lib, "--test-data-dir", data_dir,
                           "--rtol=" + args.rtol, "--atol=" + args.atol,
                           "--threads=2"], args.run_timeout)
            if ran.unrunnable:
                return result("error", ran.unrunnable)
            if ran.crash():
                return result("crash", "xfc-run %s (%s)" % (ran.crash(),
                                                             data_set))
            if ran.returncode != 0:
                # The model is named after the test, which the status line
                # names already: leave room for the message.
                return result("run-fail", "%s: %s" % (data_set,
                              run_failure_reason(ran.output, data_dir, paths +
                                                 ["model '%s'" % name])))
    finally:
        for path in (lib, model if args.dynamic else None):
            if path and os.path.exists(path):
                os.remove(path)
    return result("pass")


def read_status(path):
    """{name: (status, reason)} from a status file (missing file: empty)."""
    status = {}
    if not os.path.exists(path):
        return status
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 2 or parts[1] not in ("PASS", "FAIL"):
                sys.exit("%s:%d: expected 'test_name PASS' or "
                         "'test_name FAIL reason'" % (path, number))
            status[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return status


def write_status(path, status, dynamic):
    with open(path, "w") as f:
        f.write("# ONNX backend tests through xfc and xfc-run%s: one line per "
                "test, 'name PASS' or\n# 'name FAIL reason'. Regenerate with "
                "test/onnx/run_onnx_tests.py%s --update.\n" % (
                    ", every input dimension dynamic" if dynamic else "",
                    " --dynamic" if dynamic else ""))
        for name in sorted(status):
            state, reason = status[name]
            f.write(("%s %s %s" % (name, state, reason)).rstrip() + "\n")


def status_of(category, reason):
    if category == "pass":
        return ("PASS", "")
    return ("FAIL", "%s: %s" % (category, reason))


def run_all(tests, bins, args):
    """{name: (suite, category, reason, seconds)}, run on args.jobs workers."""
    work_dir = args.work_dir or tempfile.mkdtemp(prefix="xfc-onnx-")
    os.makedirs(work_dir, exist_ok=True)
    results = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(run_test, t, bins, args, work_dir): t
                       for t in tests}
            for future in concurrent.futures.as_completed(futures):
                suite, name, _ = futures[future]
                category, reason, seconds = future.result()
                results[name] = (suite, category, reason, seconds)
                if args.verbose:
                    print("%-60s %-11s %5.1fs %s" % (name, category, seconds,
                                                     reason), flush=True)
    finally:
        if not args.work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
    return results


def compare(results, expected, whole_suite):
    """Differences from the status file: {title: [lines]}, failing ones."""
    differences = {"regressions (status PASS, now failing)": [],
                   "newly passing: set these to PASS in the status file "
                   "(or run with --update)": [],
                   "tests missing from the status file": [],
                   "status lines for tests that do not exist": []}
    titles = list(differences)
    for name in sorted(results):
        _, category, reason, _ = results[name]
        if category == "error":
            continue
        got = status_of(category, reason)
        if name not in expected:
            differences[titles[2]].append("%s: now %s" % (
                name, " ".join(got).strip()))
        elif expected[name][0] != got[0]:
            line = "%s: expected %s, got %s" % (
                name, " ".join(expected[name]).strip(), " ".join(got).strip())
            differences[titles[0 if got[0] == "FAIL" else 1]].append(line)
    if whole_suite:
        differences[titles[3]] = sorted(set(expected) - set(results))
    return differences


def summarize(results, args, elapsed, matches_status):
    """The JSON summary: counts per directory and every test's result."""
    summary = {"opt_level": int(args.opt), "dynamic": args.dynamic,
               "seconds": round(elapsed, 1),
               "status_file": os.path.abspath(args.status),
               "matches_status": matches_status, "suites": {}, "tests": {}}
    for suite in SUITES:
        names = [n for n, r in results.items() if r[0] == suite]
        if not names:
            continue
        counts = {"total": len(names)}
        for category in CATEGORIES:
            counts[category] = sum(1 for n in names
                                   if results[n][1] == category)
        summary["suites"][suite] = counts
    for name in sorted(results):
        suite, category, reason, seconds = results[name]
        summary["tests"][name] = {"suite": suite, "result": category,
                                  "reason": reason,
                                  "seconds": round(seconds, 2)}
    return summary


def main():
    args = parse_args()
    bin_dir = find_bin_dir(args.bin_dir)
    bins = {tool: os.path.join(bin_dir, tool) for tool in ("xfc", "xfc-run")}
    for path in bins.values():
        probe = Outcome([path, "--help"], 30)
        if probe.unrunnable or probe.returncode != 0:
            sys.exit("run_onnx_tests.py: %s does not run: %s" % (
                path, probe.unrunnable or probe.output.strip()[:200]))
    tests = collect_tests(args.data_dir, args.filter)
    if not tests:
        sys.exit("run_onnx_tests.py: no tests under %s" % args.data_dir)

    start = time.monotonic()
    results = run_all(tests, bins, args)
    elapsed = time.monotonic() - start
    crashes = sorted(n for n, r in results.items() if r[1] == "crash")
    errors = sorted(n for n, r in results.items() if r[1] == "error")

    expected = read_status(args.status)
    failed = bool(crashes or errors)
    if args.update and errors:
        print("not updating %s: %d tests could not run" % (args.status,
                                                            len(errors)))
    elif args.update:
        status = dict(expected) if args.filter else {}
        for name, (_, category, reason, _) in results.items():
            status[name] = status_of(category, reason)
        write_status(args.status, status, args.dynamic)
        print("updated %s (%d tests)" % (args.status, len(status)))
    else:
        for title, lines in compare(results, expected,
                                    not args.filter).items():
            if lines:
                failed = True
                print("%s: %d" % (title, len(lines)))
                for line in lines:
                    print("  " + line)
    for title, names, limit in (
            ("crashes (always failures)", crashes, len(crashes)),
            # Not a result of the test: usually a build relinking the tools.
            ("tests that could not run (rerun them)", errors, 10)):
        if names:
            print("%s: %d" % (title, len(names)))
            for name in names[:limit]:
                print("  %s: %s" % (name, results[name][2]))

    summary = summarize(results, args, elapsed, not failed)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")

    slowest = sorted(results.items(), key=lambda item: -item[1][3])[:5]
    print("slowest: " + ", ".join("%s %.1fs" % (n, r[3]) for n, r in slowest))
    for suite, counts in summary["suites"].items():
        detail = ", ".join("%d %s" % (counts[c], c) for c in CATEGORIES[1:]
                           if counts[c])
        print("onnx %s: %d passed, %d failed%s" % (
            suite, counts["pass"], counts["total"] - counts["pass"],
            " (%s)" % detail if detail else ""))
    verdict = ""
    if not args.update and not failed:
        verdict = ": all as in the status file"
    print("%d tests in %.0f s at -O%s%s with %d jobs%s" % (
        len(results), elapsed, args.opt,
        " with dynamic input dimensions" if args.dynamic else "", args.jobs,
        verdict))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
