"""The DuckDB oracle from Python tests: run a query over NDJSON files in DuckDB
(duckdb_query.js) and write a Postgres-protocol server's rows the same way, so that the two
lists of lines compare with ==. Standard library only (plus tests/sql/slt_values.py).

    want = duckdb_lines("SELECT auction, count(*) FROM bid GROUP BY auction",
                        {"bid": "bids.json"})
    cur.execute("SELECT auction, count(*) FROM bid_counts")
    got = server_lines(cur.fetchall())      # a cursor returning text (see slt_runner.connect)
    assert got == want, diff_lines(want, got)
"""

import difflib
import os
import subprocess
import sys
from pathlib import Path

# Keep __pycache__ out of the source tree, whoever runs this.
sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sql"))
import slt_values  # noqa: E402

SCRIPT = HERE / "duckdb_query.js"
NODE = os.environ.get("NODE", "node")


class oracle_error(Exception):
    """duckdb_query.js failed; the message has its exit status and stderr."""


def duckdb_lines(sql, tables, columns=None, timestamp_format=None, sort=True, timeout=120):
    """The result of sql in DuckDB over tables ({name: NDJSON path}) as sorted TSV lines (see
    README.md for the format). columns optionally fixes a table's column types
    ({name: 'col TYPE, ...'}). Raises oracle_error."""
    args = [NODE, str(SCRIPT)]
    for name, path in tables.items():
        args += ["--table", f"{name}={path}"]
    for name, spec in (columns or {}).items():
        args += ["--columns", f"{name}={spec}"]
    if timestamp_format:
        args += ["--timestamp-format", timestamp_format]
    if not sort:
        args.append("--no-sort")
    args += ["--sql", sql]
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise oracle_error(f"duckdb_query.js exited {result.returncode}: {result.stderr}")
    return result.stdout.splitlines()


def server_lines(rows, sort=True):
    """Rows of text values (None for NULL) as the oracle writes them: tab-separated, each value
    as in the SQL tests (NULL, (empty), escaped tab and newline), sorted like the oracle's."""
    lines = ["\t".join(slt_values.format_value(v) for v in row) for row in rows]
    return sorted(lines) if sort else lines


def diff_lines(expected, actual):
    """A unified diff of two lists of lines, for an assertion message."""
    return "\n".join(difflib.unified_diff(expected, actual, "duckdb", "server", lineterm=""))
