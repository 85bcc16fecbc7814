'use strict';
// The oracle for spate's SQL results: runs one query in DuckDB over NDJSON files loaded as
// tables and prints the result rows as TSV, each value in PostgreSQL's text format and written
// as the SQL tests write values (pg_text.js), the lines sorted, so that a test compares them
// with spate's rows.
//
//   node duckdb_query.js --table bid=bids.json [--table ...] [--columns bid='price BIGINT']
//                        [--timestamp-format '%Y-%m-%d %H:%M:%S.%g'] --sql 'SELECT ...'
//
// Column types are detected from every row; strings in --timestamp-format (by default
// Nexmark's 'yyyy-MM-dd HH:mm:ss.SSS') become TIMESTAMP. --columns NAME='col TYPE, ...' fixes
// the types of a table's columns instead. Exit status 0 with the rows on stdout, 1 for a DuckDB
// error, 2 for bad arguments; messages go to stderr.

const { DuckDBInstance } = require('@duckdb/node-api');
const { slText, sortLines } = require('./pg_text');

const DEFAULT_TIMESTAMP_FORMAT = '%Y-%m-%d %H:%M:%S.%g';
const USAGE =
  'usage: node duckdb_query.js --table NAME=FILE.json [...] [--columns NAME=\'col TYPE, ...\'] ' +
  '[--timestamp-format FORMAT] [--no-sort] --sql "SELECT ..."';

class usageError extends Error {}

function splitAssignment(text, flag) {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) {
    throw new usageError(`${flag} needs NAME=VALUE, not '${text}'`);
  }
  const name = text.slice(0, at);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new usageError(`${flag}: '${name}' is not a plain table name`);
  }
  return [name, text.slice(at + 1)];
}

function parseArgs(argv) {
  const options = { tables: [], columns: new Map(), sql: null, sort: true,
                    timestampFormat: DEFAULT_TIMESTAMP_FORMAT };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new usageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--table') options.tables.push(splitAssignment(value(), flag));
    else if (flag === '--columns') options.columns.set(...splitAssignment(value(), flag));
    else if (flag === '--sql') options.sql = value();
    else if (flag === '--timestamp-format') options.timestampFormat = value();
    else if (flag === '--no-sort') options.sort = false;
    else throw new usageError(`unknown argument '${flag}'`);
  }
  if (options.sql === null) throw new usageError('--sql is required');
  for (const name of options.columns.keys()) {
    if (!options.tables.some(([table]) => table === name)) {
      throw new usageError(`--columns names table '${name}', which no --table loads`);
    }
  }
  return options;
}

function quoteLiteral(text) {
  return `'${text.replace(/'/g, "''")}'`;
}

// 'a BIGINT, b DECIMAL(10,2)' as DuckDB's columns struct {'a': 'BIGINT', 'b': 'DECIMAL(10,2)'}.
function columnsStruct(spec) {
  const entries = [];
  let depth = 0;
  let current = '';
  for (const ch of spec + ',') {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      const m = /^\s*("[^"]+"|\S+)\s+(.+?)\s*$/.exec(current);
      if (!m) throw new usageError(`--columns: '${current.trim()}' is not 'name TYPE'`);
      entries.push(`${quoteLiteral(m[1].replace(/^"|"$/g, ''))}: ${quoteLiteral(m[2])}`);
      current = '';
    } else {
      current += ch;
    }
  }
  return `{${entries.join(', ')}}`;
}

function loadStatement(name, file, options) {
  const args = [quoteLiteral(file), "format = 'newline_delimited'"];
  if (options.columns.has(name)) {
    args.push(`columns = ${columnsStruct(options.columns.get(name))}`);
  } else {
    args.push('sample_size = -1');
    args.push(`timestampformat = ${quoteLiteral(options.timestampFormat)}`);
  }
  return `CREATE TABLE "${name}" AS SELECT * FROM read_json(${args.join(', ')})`;
}

async function run(options) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const [name, file] of options.tables) {
      await connection.run(loadStatement(name, file, options));
    }
    const reader = await connection.runAndReadAll(options.sql);
    const typeIds = reader.columnTypes().map((t) => t.typeId);
    const lines = reader.getRows().map((row) =>
      row.map((value, i) => slText(value, typeIds[i])).join('\t'));
    return options.sort ? sortLines(lines) : lines;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof usageError)) throw e;
    process.stderr.write(`duckdb_query: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const lines = await run(options);
    process.stdout.write(lines.map((line) => line + '\n').join(''));
    return 0;
  } catch (e) {
    process.stderr.write(`duckdb_query: ${e.message}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
