// The DuckDB side of the batch SQL benchmark (bench/batch_run): runs one query a number of
// times in an in-memory DuckDB and prints one line of JSON:
//   {"times": [seconds, ...], "rows": [[v, ...], ...], "vmhwm_kib": N, "idle_kib": I,
//    "threads": T}
// rows are the last run's result, every value as text (NULL as null); vmhwm_kib is this node
// process's peak resident set (VmHWM of /proc/self/status) after the last run, idle_kib the
// same before the first run (node and the opened database).
//
//   node bench/batch_duckdb.mjs --sql 'SELECT ...' [--repeat 3] [--threads 2]
//                               [--modules DIR]   (default: tests/oracle/node_modules)
//
// @duckdb/node-api is installed in tests/oracle/node_modules by scripts/bootstrap; it is
// loaded from there with createRequire. Exit status 1 on a DuckDB error, 2 on bad arguments.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { defaultModules, duckdbInstanceClass, parseFlags } from './duckdb_flags.mjs';

function parseArgs(argv) {
  const options = parseFlags(argv, { '--sql': ['sql', 'text'], '--repeat': ['repeat', 'count'],
                                     '--threads': ['threads', 'count'],
                                     '--modules': ['modules', 'text'] },
                             { sql: null, repeat: 3, threads: 2, modules: defaultModules },
                             'batch_duckdb', "node batch_duckdb.mjs --sql 'SELECT ...' " +
                             '[--repeat N] [--threads N] [--modules DIR]');
  if (!options.sql) options.fail('--sql is required');
  return options;
}

function vmhwmKib() {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : 0;
}

function asText(v) {
  if (v === null || v === undefined) return null;
  return typeof v === 'bigint' ? v.toString() : String(v);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const DuckDBInstance = duckdbInstanceClass(options.modules);
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads) });
  const connection = await instance.connect();
  const idle = vmhwmKib();
  const times = [];
  let rows = [];
  for (let i = 0; i < options.repeat; i++) {
    const start = performance.now();
    const reader = await connection.runAndReadAll(options.sql);
    const values = reader.getRows();
    times.push((performance.now() - start) / 1000);
    rows = values.map((row) => row.map(asText));
  }
  process.stdout.write(JSON.stringify({ times, rows, vmhwm_kib: vmhwmKib(), idle_kib: idle,
                                        threads: options.threads }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`batch_duckdb: ${e.message}\n`);
  process.exit(1);
});
