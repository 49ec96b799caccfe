#!/usr/bin/env python3
"""The mutants tests/mutate.sh runs, one a line (tab-separated):
file, line, column, n (the n-th such token of the line), from, to, and the
reason from tests/mutants-equivalent.txt when it lists the mutant.

    mutate_sites.py sample SEED MAX FILE...   a random sample of the sites
    mutate_sites.py retry LOG                 the survivors of an earlier run
                                              (not those listed as equivalent)

A site is a comparison or arithmetic operator (flipped: < <=, > >=, == !=,
+ -, * /, && ||) or an integer constant (plus one) in a code line. Not
sites: comments, preprocessor lines, string and character literals, the
size in an array declarator when the file never takes that array's sizeof
(one element more is never read), and the size in an array parameter (C
ignores it: the parameter is a pointer).
"""
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWAPS = {"<=": "<", ">=": ">", "<": "<=", ">": ">=", "==": "!=", "!=": "==",
         "+": "-", "-": "+", "*": "/", "/": "*", "&&": "||", "||": "&&"}
TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|<=|>=|==|!=|&&|'
                   r'\|\||->|\+\+|--|<<|>>|[<>+\-*/]|\b\d+\b')
KEYWORDS = r'(?!return\b|case\b|else\b|sizeof\b|goto\b)'
# "type name[...]" at the start of a declaration
DECLARATOR = re.compile(r'^\s*(?:(?:static|const|unsigned|signed|struct\s+\w+)\s+)*'
                        + KEYWORDS + r'[A-Za-z_]\w*\s+([A-Za-z_]\w*)\s*\[([^\]]*)\]')
# "(type name[...]" or ", type name[...]" in a parameter list
PARAMETER = re.compile(r'[(,]\s*(?:const\s+)?' + KEYWORDS +
                       r'[A-Za-z_]\w*\s+[A-Za-z_]\w*\s*\[([^\]]*)\]')


def registry():
    """(file, trimmed code line, n:from->to) -> reason."""
    entries = {}
    path = os.path.join(ROOT, "tests", "mutants-equivalent.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for raw in f:
                if not raw.strip() or raw.startswith("#"):
                    continue
                parts = [p.strip() for p in raw.rstrip("\n").split(" | ")]
                if len(parts) != 4 or not parts[3]:
                    sys.exit("mutants-equivalent.txt: malformed line: " + raw.strip())
                entries[tuple(parts[:3])] = parts[3]
    return entries


def code_lines(path):
    """(line number, original line, code with comments blanked) of a file."""
    in_comment = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            code = line.rstrip("\n")
            if in_comment:
                if "*/" not in code:
                    continue
                end = code.index("*/") + 2
                code = " " * end + code[end:]
                in_comment = False
            if code.lstrip().startswith("#"):
                continue
            if "/*" in code:
                start = code.index("/*")
                if "*/" in code[start:]:
                    end = code.index("*/", start) + 2
                    code = code[:start] + " " * (end - start) + code[end:]
                else:
                    code = code[:start]
                    in_comment = True
            yield n, line, code.split("//")[0]


def sites_of(path, equivalent):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for n, line, code in code_lines(path):
        skip = []
        d = DECLARATOR.match(code)
        if d and not re.search(r'sizeof\s*\(?\s*(?:[A-Za-z_]\w*\s*(?:\.|->)\s*)*'
                               + d.group(1) + r'\b', text):
            skip.append((d.start(2), d.end(2)))
        for p in PARAMETER.finditer(code):
            skip.append((p.start(1), p.end(1)))
        seen = {}
        for m in TOKEN.finditer(code):
            t = m.group(0)
            if t[0] in "\"'" or t in ("->", "++", "--", "<<", ">>"):
                continue
            seen[t] = seen.get(t, 0) + 1
            if any(a <= m.start() < b for a, b in skip):
                continue
            new = str(int(t) + 1) if t.isdigit() else SWAPS.get(t)
            if new is None:
                continue
            change = "%d:%s->%s" % (seen[t], t, new)
            yield (path, n, m.start(), seen[t], t, new,
                   equivalent.get((path, line.strip(), change), ""))


def retry(log, equivalent):
    """The SURVIVED mutants of a log, found again by file, line and n."""
    wanted = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"SURVIVED (\S+):(\d+) (\d+):(\S+)->(\S+)", line)
            if m:
                wanted.append((m.group(1), int(m.group(2)), int(m.group(3)),
                               m.group(4), m.group(5)))
    by_file = {}
    for path, n, nth, old, new in wanted:
        if path not in by_file:
            by_file[path] = {(s[1], s[3], s[4], s[5]): s
                             for s in sites_of(path, equivalent)}
        site = by_file[path].get((n, nth, old, new))
        if site is None:
            print("mutate_sites.py: %s:%d %d:%s->%s is no longer a site (not "
                  "retried)" % (path, n, nth, old, new), file=sys.stderr)
            continue
        if site[6]:
            continue  # listed as equivalent: nothing to retry
        yield site


def main(argv):
    equivalent = registry()
    if len(argv) >= 3 and argv[0] == "sample":
        seed, limit = int(argv[1]), int(argv[2])
        sites = [s for f in argv[3:] for s in sites_of(f, equivalent)]
        random.Random(seed).shuffle(sites)
        chosen = sites[:limit]
    elif len(argv) == 2 and argv[0] == "retry":
        chosen = list(retry(argv[1], equivalent))
    else:
        sys.exit(__doc__)
    for s in chosen:
        print("\t".join(map(str, s)))


if __name__ == "__main__":
    main(sys.argv[1:])
