"""Where a server spends its time, from a py-spy collapsed-stack file (http_bench.py
--py-spy): the share of samples under each of a few named parts of the request path, so
benchmarks/README.md can say what the HTTP layer, signatures, authorization, answers and
the audit writer each cost.

    .venv/bin/python benchmarks/profile_summary.py DIR/rolecall-GetCallerIdentity.txt
"""

from __future__ import annotations

import argparse
import collections
import pathlib

# A stack belongs to the part of its innermost frame that is in one of these, except that
# everything under the audit writer is the audit writer's (its database work included).
AUDIT = ("audit writer", "audit/log.py")
PARTS = [
    ("session tokens", ("auth/session_tokens.py",)),
    ("signature (SigV4)", ("auth/sigv4.py", "auth/payload.py")),
    ("authorization", ("authz/", "policy/")),
    ("parse and validate", ("protocol/query.py", "protocol/validate.py")),
    ("serialize answers", ("protocol/xml.py", "protocol/json.py", "response_cache.py")),
    ("database", ("sqlalchemy/", "sqlite3", "psycopg")),
    ("handlers", ("/iam/", "/sts/", "simulator")),
    ("audit records", ("audit/events.py",)),
    ("HTTP server (uvicorn, socket writes)", ("uvicorn/", "httptools", "http_protocol.py")),
    ("event loop", ("uvloop", "asyncio/")),
    # Last: http_protocol.py and the parts above are under rolecall/ too.
    ("pipeline and app", ("rolecall/",)),
]


def part_of(stack: str) -> str:
    if AUDIT[1] in stack:
        return AUDIT[0]
    for frame in reversed(stack.split(";")):
        for name, needles in PARTS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def summarise(path: pathlib.Path) -> list[tuple[str, float]]:
    counts: collections.Counter[str] = collections.Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[part_of(stack)] += int(count)
    total = sum(counts.values()) or 1
    return [(name, 100.0 * n / total) for name, n in counts.most_common()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    for path in args.files:
        print(path.name)
        for name, share in summarise(path):
            print(f"  {name:24} {share:5.1f} %")


if __name__ == "__main__":
    main()
