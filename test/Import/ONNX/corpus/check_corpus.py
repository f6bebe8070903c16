#!/usr/bin/python3
"""Runs xfc on every model of the robustness corpus; fails on any crash.

For every file (the corpus make_corpus.py writes, plus the files of the
directories given, e.g. the checked-in crash reproducers) this runs

    xfc FILE --check
    xfc FILE -o WORK/out.so

and requires of each run: it ended by itself within the timeout (no signal,
no sanitizer report), and either it succeeded, or it exited non-zero with at
most --max-lines lines on stderr, every one of them `FILE: ...`. Prints a
summary and every violation with the command to reproduce it. Runs listed in
--known (known-failures.txt) are reported but do not fail the check.

Usage: check_corpus.py --xfc XFC --work-dir DIR [--generate make_corpus.py]
                       [--known FILE] [--jobs N] [--timeout S] [--max-lines N]
                       [DIR_OR_FILE...]
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

SANITIZER_RE = re.compile(
    r"(ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error: |"
    r"SUMMARY: UndefinedBehaviorSanitizer|LLVM ERROR|Assertion .* failed|"
    r"PLEASE submit a bug report|Stack dump:)")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--xfc", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--generate", help="make_corpus.py: write its corpus first")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--max-lines", type=int, default=5,
                   help="most stderr lines a failing run may print")
    p.add_argument("--known", help="known failures: lines `FILE check|compile WHAT`")
    p.add_argument("--no-compile", action="store_true",
                   help="run only `xfc --check`, not `xfc -o`")
    p.add_argument("paths", nargs="*")
    return p.parse_args()


def collect(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if os.path.isfile(full) and not name.startswith(".") and \
                        name.endswith((".onnx", ".onnxtxt")):
                    files.append(full)
        elif os.path.isfile(path):
            files.append(path)
    return files


def describe_exit(code):
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit status %d" % code


def run_one(xfc, model, args, timeout, max_lines):
    """(outcome, problem or None, command, output)."""
    cmd = [xfc, model] + args
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stderr or b"").decode(errors="replace")
        return "bad", "timed out after %gs" % timeout, cmd, out
    err = proc.stderr.decode(errors="replace")
    out = proc.stdout.decode(errors="replace")
    if proc.returncode < 0 or proc.returncode >= 128:
        return "bad", describe_exit(proc.returncode), cmd, err
    if SANITIZER_RE.search(err):
        return "bad", "sanitizer or LLVM error report", cmd, err
    if proc.returncode == 0:
        return "ok", None, cmd, err
    lines = err.splitlines()
    prefix = model + ": "
    if not lines:
        return "bad", "non-zero exit without a message", cmd, out
    if len(lines) > max_lines:
        return "bad", "%d lines on stderr (at most %d)" % (len(lines), max_lines), cmd, err
    for line in lines:
        if not line.startswith(prefix) or len(line) <= len(prefix):
            return "bad", "a line that is not `FILE: problem`: %r" % line[:200], cmd, err
    return "error", None, cmd, err


def read_known(path):
    """{(file name, kind): what} from a known-failures file."""
    known = {}
    if not path:
        return known
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 2 or parts[1] not in ("check", "compile"):
                sys.exit("check_corpus.py: %s: bad line %r" % (path, line))
            known[(parts[0], parts[1])] = parts[2] if len(parts) > 2 else ""
    return known


def main():
    args = parse_args()
    known = read_known(args.known)
    if not os.access(args.xfc, os.X_OK):
        sys.exit("check_corpus.py: %s is not an executable" % args.xfc)
    work = os.path.abspath(args.work_dir)
    corpus = os.path.join(work, "corpus")
    paths = list(args.paths)
    if args.generate:
        subprocess.run(["/usr/bin/python3", args.generate, corpus], check=True,
                       stdout=subprocess.DEVNULL)
        paths.insert(0, corpus)
    files = collect(paths)
    if not files:
        sys.exit("check_corpus.py: no models found")
    out_dir = os.path.join(work, "out")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)

    jobs = []
    for i, model in enumerate(files):
        jobs.append((model, "check", ["--check"]))
        if not args.no_compile:
            jobs.append((model, "compile", ["-o", os.path.join(out_dir, "m%d.so" % i)]))

    start = time.monotonic()
    counts = collections.Counter()
    bad = []
    known_seen = []
    ran = set()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_one, args.xfc, model, extra, args.timeout,
                               args.max_lines): (model, kind)
                   for model, kind, extra in jobs}
        for future in concurrent.futures.as_completed(futures):
            model, kind = futures[future]
            outcome, problem, cmd, output = future.result()
            entry = (os.path.basename(model), kind)
            ran.add(entry)
            if outcome == "bad" and entry in known:
                outcome = "known"
                known_seen.append(entry)
            counts[(kind, outcome)] += 1
            if outcome == "bad":
                bad.append((model, kind, problem, cmd, output))
    elapsed = time.monotonic() - start

    for kind in ("check", "compile"):
        total = sum(v for (k, _), v in counts.items() if k == kind)
        if total:
            print("%-8s %4d runs: %4d succeeded, %4d clear errors, %d known failures, %d BAD"
                  % ("--check" if kind == "check" else "-o", total, counts[(kind, "ok")],
                     counts[(kind, "error")], counts[(kind, "known")], counts[(kind, "bad")]))
    print("%d models in %.1fs" % (len(files), elapsed))
    for name, kind in sorted(known_seen):
        print("known failure: %s %s: %s" % (name, kind, known[(name, kind)]))
    # Some known failures show only in a sanitizer build: a listed run that
    # went well is only noted.
    for name, kind in sorted(e for e in known if e in ran and e not in known_seen):
        print("note: %s %s is listed in %s but went well; delete its line if it "
              "is fixed" % (name, kind, args.known))
    if not bad:
        print("robustness: every run succeeded or failed with a clear message")
        return 0
    bad.sort()
    if bad:
        print("\nrobustness: %d runs went wrong:" % len(bad))
    for model, kind, problem, cmd, output in bad:
        print("\n%s\n  %s\n  reproduce: %s" % (model, problem,
                                               " ".join(shlex.quote(c) for c in cmd)))
        for line in output.splitlines()[:25]:
            print("  | " + line[:300])
    return 1


if __name__ == "__main__":
    sys.exit(main())
