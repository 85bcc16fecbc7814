// What the DuckDB sides of the benchmarks (batch_duckdb.mjs, nexmark_duckdb.mjs) share: their
// command-line flags, and @duckdb/node-api loaded from a node_modules directory (by default
// tests/oracle's, which scripts/bootstrap installs).

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Parses `--flag value` pairs. `flags` maps each flag to [option name, kind], kind one of
// 'text', 'count' (a positive integer) or 'list' (comma-separated); `options` holds the
// defaults and is returned filled in. A bad flag or value prints `usageLine` and exits 2.
export function parseFlags(argv, flags, options, tool, usageLine) {
  const fail = (message) => {
    process.stderr.write(`${tool}: ${message}\nusage: ${usageLine}\n`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i += 2) {
    const spec = flags[argv[i]];
    if (!spec) fail(`unknown option ${argv[i]}`);
    const value = argv[i + 1];
    if (value === undefined) fail(`${argv[i]} needs a value`);
    const [name, kind] = spec;
    if (kind === 'count') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        fail(`${argv[i]} must be a positive integer, not '${value}'`);
      }
      options[name] = n;
    } else if (kind === 'list') {
      options[name] = value.split(',').filter((v) => v);
    } else {
      options[name] = value;
    }
  }
  options.fail = fail;
  return options;
}

export const defaultModules = join(repo, 'tests', 'oracle', 'node_modules');

// The DuckDBInstance class of @duckdb/node-api installed in `modules`.
export function duckdbInstanceClass(modules) {
  const require = createRequire(join(modules, 'noop.js'));
  return require('@duckdb/node-api').DuckDBInstance;
}
