// DuckDB on the Nexmark queries in batch (the peer of bench/nexmark_run): each query of
// bench/nexmark/duckdb evaluated once over tables loaded from the NDJSON files that
// `spate nexmark --output-dir DIR` writes (person.json, auction.json, bid.json).
//
//   node bench/nexmark_duckdb.mjs --data DIR [--queries q0,q3,...] [--repeat 3] [--threads 2]
//                                 [--modules DIR]   (default: tests/oracle/node_modules)
//
// Each query runs in a process of its own (this script again, with --one), so that its peak
// RSS is its own. There, per run, in a fresh in-memory database (threads = --threads):
// - load: CREATE TABLE of each table the query reads (DuckDB's getTableNames) from its NDJSON
//   file, with the column types of bench/nexmark/sources.sql (no type detection);
// - query: CREATE TEMP TABLE AS the query, which computes and stores every result row.
// Each phase's wall seconds and process CPU seconds (process.cpuUsage: user + system, every
// thread). Peak RSS is process.resourceUsage().maxRSS: after the first run's load, and at the
// end (the largest of every run's load and query, node itself included).
//
// Prints one JSON object: {"threads", "repeat", "queries": {name: {"tables", "rows",
// "load_s", "load_cpu_s", "query_s", "query_cpu_s" (medians), "runs": [...],
// "load_peak_rss_mib", "peak_rss_mib"} or {"error": why}}}. A query whose file is missing or
// that DuckDB fails on gets an "error" and the others still run. Exit status 2 on bad
// arguments, else 0.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { defaultModules, duckdbInstanceClass, parseFlags, repo } from './duckdb_flags.mjs';

const script = fileURLToPath(import.meta.url);
const queryDir = join(repo, 'bench', 'nexmark', 'duckdb');
const TABLES = ['person', 'auction', 'bid'];

function parseArgs(argv) {
  const options = parseFlags(argv, { '--data': ['data', 'text'], '--queries': ['queries', 'list'],
                                     '--one': ['one', 'text'], '--repeat': ['repeat', 'count'],
                                     '--threads': ['threads', 'count'],
                                     '--modules': ['modules', 'text'] },
                             { data: null, queries: null, one: null, repeat: 3, threads: 2,
                               modules: defaultModules },
                             'nexmark_duckdb', 'node nexmark_duckdb.mjs --data DIR ' +
                             '[--queries q0,q1,...] [--repeat N] [--threads N] [--modules DIR]');
  if (!options.data) options.fail('--data is required');
  return options;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// {table: "col TYPE, ..." as a read_json columns struct} from bench/nexmark/sources.sql.
function columnStructs() {
  const text = readFileSync(join(repo, 'bench', 'nexmark', 'sources.sql'), 'utf8');
  const structs = {};
  for (const m of text.matchAll(/CREATE SOURCE (\w+) \(([\s\S]*?)\)\s*WITH/g)) {
    const columns = m[2].split(',\n').map((c) => c.trim())
      .filter((c) => c && !c.startsWith('WATERMARK'))
      .map((c) => /^"?(\w+)"?\s+(\w+)$/.exec(c))
      .map(([, name, type]) => `'${name}': '${type}'`);
    structs[m[1]] = `{${columns.join(', ')}}`;
  }
  return structs;
}

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function maxRssMib() {
  return process.resourceUsage().maxRSS / 1024;  // maxRSS is in KiB
}

// Times fn(): [its result, wall seconds, CPU seconds].
async function timed(fn) {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const result = await fn();
  return [result, (performance.now() - t0) / 1000, cpuSeconds() - cpu0];
}

// One query, --repeat runs, in this process.
async function runOne(options) {
  const sql = readFileSync(join(queryDir, `${options.one}.sql`), 'utf8').split('\n')
    .filter((line) => !line.trimStart().startsWith('--')).join('\n').trim();
  const DuckDBInstance = duckdbInstanceClass(options.modules);
  const structs = columnStructs();
  const runs = [];
  let tables = null;
  let loadPeak = null;
  for (let i = 0; i < options.repeat; i++) {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads) });
    const connection = await instance.connect();
    try {
      tables ??= TABLES.filter((t) => connection.getTableNames(sql, false).includes(t));
      const [, loadS, loadCpuS] = await timed(async () => {
        for (const t of tables) {
          const file = join(options.data, `${t}.json`).replace(/'/g, "''");
          await connection.run(`CREATE TABLE ${t} AS SELECT * FROM read_json('${file}', ` +
                               `format = 'newline_delimited', columns = ${structs[t]})`);
        }
      });
      loadPeak ??= maxRssMib();
      const [, queryS, queryCpuS] = await timed(
        () => connection.run(`CREATE TEMP TABLE result AS ${sql}`));
      const count = await connection.runAndReadAll('SELECT count(*) FROM result');
      runs.push({ load_s: loadS, load_cpu_s: loadCpuS, query_s: queryS, query_cpu_s: queryCpuS,
                  rows: Number(count.getRows()[0][0]) });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  const med = (key) => median(runs.map((r) => r[key]));
  return { tables, rows: runs[runs.length - 1].rows, load_s: med('load_s'),
           load_cpu_s: med('load_cpu_s'), query_s: med('query_s'),
           query_cpu_s: med('query_cpu_s'), runs, load_peak_rss_mib: loadPeak,
           peak_rss_mib: maxRssMib() };
}

// Every query in a child process of its own; a failure is that query's "error".
function runAll(options) {
  const names = options.queries ?? ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8', 'q9', 'q11',
                                    'q14', 'q15', 'q16', 'q17', 'q18', 'q19', 'q20', 'q21',
                                    'q22'];
  const queries = {};
  for (const name of names) {
    if (!existsSync(join(queryDir, `${name}.sql`))) {
      queries[name] = { error: `no DuckDB text (bench/nexmark/duckdb/${name}.sql)` };
      continue;
    }
    process.stderr.write(`  duckdb ${name}\n`);
    const child = spawnSync(process.execPath, [
      script, '--data', options.data, '--one', name, '--repeat', String(options.repeat),
      '--threads', String(options.threads), '--modules', options.modules],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
    const last = (child.stdout ?? '').trim().split('\n').pop();
    if (last.startsWith('{')) {
      queries[name] = JSON.parse(last);
    } else {
      const why = child.error?.message ?? (child.stderr.trim().split('\n').pop() ||
                                          `exit status ${child.status}`);
      queries[name] = { error: why };
    }
  }
  return { threads: options.threads, repeat: options.repeat, queries };
}

const options = parseArgs(process.argv.slice(2));
if (options.one) {
  runOne(options).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e) => {
      process.stdout.write(JSON.stringify({ error: e.message.split('\n')[0] }) + '\n');
      process.exitCode = 1;
    });
} else {
  process.stdout.write(JSON.stringify(runAll(options)) + '\n');
}
