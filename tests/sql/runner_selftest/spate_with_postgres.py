#!/usr/bin/python3
"""Stands in for `spate server` with --pg-addr until spate speaks Postgres: announces a real
PostgreSQL's port (SLT_FAKE_PG_PORT) with the `postgres listening on` line, then becomes the real
spate (SLT_REAL_SPATE_BIN) without --pg-addr, so signals reach spate itself. Lets the runner's
--server mode (start, restart, kill, reconnect) be tested with SQL directives."""

import os
import sys

args = sys.argv[1:]
if "--pg-addr" in args:
    at = args.index("--pg-addr")
    del args[at:at + 2]
    print(f"postgres listening on 127.0.0.1:{os.environ['SLT_FAKE_PG_PORT']}", flush=True)
real = os.environ["SLT_REAL_SPATE_BIN"]
os.execv(real, [real, *args])
