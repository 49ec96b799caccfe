#!/usr/bin/env python3
"""Score the output of tests/mutate.sh.

    tests/mutate_score.py [--summary-only] LOG

Reads the lines a mutate.sh run printed (KILLED, KILLED-SAN, SURVIVED or
EQUIVALENT, file:line, n:from->to), marks as EQUIVALENT every survivor that
tests/mutants-equivalent.txt lists now (looked up by the code on that line
of lib/ as it is now, so lib/ must be as it was for the run), and prints the
lines again with the summary: the kill rate over every mutant that compiled
and the score over those not listed as equivalent. mutate.sh calls it for
its own summary and for --rescore.
"""
import os
import re
import sys

from mutate_sites import registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"(KILLED-SAN|KILLED|SURVIVED|EQUIVALENT) (\S+):(\d+) (\S+)")


def main(argv):
    summary_only = "--summary-only" in argv
    args = [a for a in argv if a != "--summary-only"]
    if len(args) != 1:
        sys.exit("usage: mutate_score.py [--summary-only] LOG")
    equivalent = registry()
    counts = {"KILLED": 0, "KILLED-SAN": 0, "SURVIVED": 0, "EQUIVALENT": 0}
    last_digits = 0
    stale = 0
    skipped = "?"
    sources = {}
    with open(args[0], encoding="utf-8") as log:
        for line in log:
            line = line.rstrip("\n")
            m = re.match(r"mutants: \d+ \(plus (\d+) that do not compile\)", line)
            if m:
                skipped = m.group(1)
            m = re.match(r"skipped: (\d+)$", line)
            if m:
                skipped = m.group(1)
            m = LINE.match(line)
            if not m:
                continue
            status, path, n, change = m.group(1), m.group(2), int(m.group(3)), m.group(4)
            if path not in sources:
                with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                    sources[path] = f.read().split("\n")
            why = equivalent.get((path, sources[path][n - 1].strip(), change))
            if status == "SURVIVED" and why:
                status = "EQUIVALENT"
                line = "EQUIVALENT %s:%d %s (%s)" % (path, n, change, why)
            elif why and status.startswith("KILLED") and "stale" not in line:
                line += " (stale entry in mutants-equivalent.txt: a test kills it)"
            stale += "(stale entry" in line
            last_digits += status == "EQUIVALENT" and "[last digits]" in line
            counts[status] += 1
            if not summary_only:
                print(line)
    total = sum(counts.values())
    if total == 0:
        print("mutants: none compiled")
        return
    killed = counts["KILLED"] + counts["KILLED-SAN"]
    print("mutants: %d (plus %s that do not compile)" % (total, skipped))
    print("killed: %d (%d by the tests, %d by the tests under the sanitizers)"
          % (killed, counts["KILLED"], counts["KILLED-SAN"]))
    print("survived: %d (%d listed as equivalent: %d [same], %d [last digits];"
          " %d not listed)"
          % (counts["SURVIVED"] + counts["EQUIVALENT"], counts["EQUIVALENT"],
             counts["EQUIVALENT"] - last_digits, last_digits, counts["SURVIVED"]))
    alive = killed + counts["SURVIVED"]
    print("kill rate: %.1f%% of all; score: %.1f%% of those not equivalent "
          "(%.1f%% counting [last digits] as survivors)"
          % (100.0 * killed / total, 100.0 * killed / alive if alive else 100.0,
             100.0 * killed / (alive + last_digits)))
    if stale:
        print("stale entries in mutants-equivalent.txt: %d" % stale)


if __name__ == "__main__":
    main(sys.argv[1:])
