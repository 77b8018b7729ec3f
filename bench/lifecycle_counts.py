#!/usr/bin/env python3
"""What one complaint lifecycle of bench/lifecycle.py costs in counts that do not move with the machine's load.

    python bench/lifecycle_counts.py [--database URL_OF_AN_EMPTY_DATABASE] [--where]

SQL statements by kind and table, real flushes (``after_flush``) and Python function calls (cProfile), each
per lifecycle: the difference between a run of 10 lifecycles and a run of 5, so set-up is not counted, after
a run of one that imports and compiles what a process does once (a PostgreSQL URL gets ``_w``, ``_a`` and
``_b`` appended: create the three databases, empty). ``--where`` splits the
statements by the first frame of our code that issued them.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import re
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

counts: collections.Counter = collections.Counter()
WHERE = False
_STATEMENT = re.compile(r"SELECT .*? FROM (\w+)|INSERT INTO (\w+)|UPDATE (\w+)|DELETE FROM (\w+)|(\w+)")


def _on_execute(_conn, _cursor, statement, *_args) -> None:
    text = " ".join(statement.split())
    match = _STATEMENT.match(text)
    key = f"{text.split(' ', 1)[0]} {next((g for g in match.groups()[:4] if g), '')}".strip() if match else text[:30]
    if WHERE:
        frame = next((f for f in reversed(traceback.extract_stack()[:-1])
                      if ("/app/" in f.filename or "/handlers/" in f.filename) and "/.venv/" not in f.filename), None)
        if frame:
            key += f"  <- {'/'.join(frame.filename.split('/')[-2:])}:{frame.lineno} {frame.name}"
    counts[key] += 1


def _on_flush(_session, _context) -> None:
    counts["(flushes)"] += 1


def main(argv=None) -> int:
    global WHERE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="PostgreSQL URL prefix (…/name: name_w, name_a and name_b are used)")
    parser.add_argument("--where", action="store_true", help="split statements by the code that issued them")
    args = parser.parse_args(argv)
    WHERE = args.where

    import lifecycle
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    event.listen(Engine, "before_cursor_execute", _on_execute)
    event.listen(Session, "after_flush", _on_flush)
    runs = {}
    for n, suffix in ((1, "_w"), (5, "_a"), (10, "_b")):
        counts.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        lifecycle.run_ours(n, args.database + suffix if args.database else None, None, warmup=1)
        profiler.disable()
        runs[n] = (counts.copy(), pstats.Stats(profiler).total_calls)
    (few, few_calls), (many, many_calls) = runs[5], runs[10]
    total = 0.0
    for key in sorted(set(few) | set(many), key=lambda k: (few[k] - many[k], k)):
        per = (many[key] - few[key]) / 5
        if per and key != "(flushes)":
            total += per
            print(f"{per:7.1f}  {key}")
    print(f"{total:7.1f}  SQL statements per lifecycle")
    print(f"{(many['(flushes)'] - few['(flushes)']) / 5:7.1f}  flushes per lifecycle")
    print(f"{(many_calls - few_calls) / 5:9.0f}  Python function calls per lifecycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
