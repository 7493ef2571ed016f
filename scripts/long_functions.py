#!/usr/bin/env python3
"""Functions longer than N lines (default 80) in the library, the CLI and the Python crate,
longest first — the figure the structure issue tracks. Tests are left out.

usage: scripts/long_functions.py [N]
"""
import re
import subprocess
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def main():
    files = subprocess.run(
        ["git", "ls-files", "src", "crates", "python/src"], capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for path in files:
        if not path.endswith(".rs") or "/tests" in path or path.endswith("tests.rs"):
            continue
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            m = FN.match(line)
            if not m or line.rstrip().endswith(";"):
                continue
            close = re.compile("^" + m.group(1) + r"}\s*$")
            j = next((k for k in range(i + 1, len(lines)) if close.match(lines[k])), i)
            if j - i > LIMIT:
                found.append((j - i, path, m.group(7)))
    for n, path, name in sorted(found, reverse=True):
        print(f"{n:5d}  {path}  {name}")
    print(f"{len(found)} functions over {LIMIT} lines")


if __name__ == "__main__":
    main()
