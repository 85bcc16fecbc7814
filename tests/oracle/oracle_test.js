'use strict';
// Tests of the DuckDB oracle: Postgres text formatting of each type (the expected strings are
// what PostgreSQL 15 prints for the same values) and duckdb_query.js end to end on
// testdata/bids.json, a few Nexmark bids. Run with `node --test oracle_test.js`.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { DuckDBTypeId } = require('@duckdb/node-api');
const pg = require('./pg_text');

const script = path.join(__dirname, 'duckdb_query.js');
const bids = path.join(__dirname, 'testdata', 'bids.json');

function query(...args) {
  return execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });
}

test('float8 as Postgres prints it', () => {
  const cases = [
    [1e15, '1e+15'], [1e14, '100000000000000'], [123456789012345.6, '123456789012345.6'],
    [0.0001, '0.0001'], [0.00001, '1e-05'], [1.5e-5, '1.5e-05'], [1e20, '1e+20'],
    [NaN, 'NaN'], [-0, '-0'], [0, '0'], [1, '1'], [0.1, '0.1'], [1e100, '1e+100'],
    [1e-100, '1e-100'], [-2.5, '-2.5'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
    [1 / 3, '0.3333333333333333'], [17.5, '17.5'], [1234567.125, '1234567.125'],
  ];
  for (const [value, text] of cases) assert.equal(pg.formatFloat8(value), text, String(value));
});

test('float4 as Postgres prints it', () => {
  const cases = [[1e6, '1e+06'], [1e5, '100000'], [123456.7, '123456.7'], [0.1, '0.1'],
                 [1 / 3, '0.33333334'], [-0.25, '-0.25']];
  for (const [value, text] of cases) {
    assert.equal(pg.formatFloat4(Math.fround(value)), text, String(value));
  }
});

test('timestamps, dates, times and intervals', () => {
  const micros = (iso) => BigInt(Date.parse(iso + 'Z')) * 1000n;
  assert.equal(pg.formatTimestampMicros(micros('2024-01-01T10:00:00.100'), ''),
               '2024-01-01 10:00:00.1');
  assert.equal(pg.formatTimestampMicros(micros('2024-01-01T10:00:00'), ''),
               '2024-01-01 10:00:00');
  assert.equal(pg.formatTimestampMicros(micros('1969-12-31T23:59:59.999'), ''),
               '1969-12-31 23:59:59.999');
  assert.equal(pg.formatTimestampMicros(micros('2015-07-15T00:00:04.500') + 1n, ''),
               '2015-07-15 00:00:04.500001');
  assert.equal(pg.pgText({ days: 19783, isFinite: true }, DuckDBTypeId.DATE), '2024-03-01');
  assert.equal(pg.pgText({ micros: 36001500000n }, DuckDBTypeId.TIME), '10:00:01.5');
  const interval = (months, days, us) => pg.formatInterval({ months, days, micros: us });
  assert.equal(interval(14, 3, 14706500000n), '1 year 2 mons 3 days 04:05:06.5');
  assert.equal(interval(0, -1, 0n), '-1 days');
  assert.equal(interval(0, -1, 7200000000n), '-1 days +02:00:00');
  assert.equal(interval(0, 0, 0n), '00:00:00');
  assert.equal(interval(0, 1, -3600000000n), '1 day -01:00:00');
});

test('other types and the test-file conventions', () => {
  assert.equal(pg.slText(null, DuckDBTypeId.VARCHAR), 'NULL');
  assert.equal(pg.slText('', DuckDBTypeId.VARCHAR), '(empty)');
  assert.equal(pg.slText('a\tb\nc', DuckDBTypeId.VARCHAR), 'a\\tb\\nc');
  assert.equal(pg.slText(true, DuckDBTypeId.BOOLEAN), 't');
  assert.equal(pg.slText(false, DuckDBTypeId.BOOLEAN), 'f');
  assert.equal(pg.slText(12345678901234567890n, DuckDBTypeId.HUGEINT), '12345678901234567890');
  assert.equal(pg.pgText({ scale: 2, value: 150n }, DuckDBTypeId.DECIMAL), '1.50');
  assert.equal(pg.pgText({ scale: 3, value: -5n }, DuckDBTypeId.DECIMAL), '-0.005');
  assert.deepEqual(pg.sortLines(['b', 'B', 'a\t2', 'a\t10', 'é', 'z']),
                   ['B', 'a\t10', 'a\t2', 'b', 'z', 'é']);
});

test('GROUP BY over NDJSON with a Nexmark dateTime as TIMESTAMP', () => {
  const out = query('--table', `bid=${bids}`, '--sql',
                    'SELECT auction, count(*), sum(price), avg(price), max(dateTime), ' +
                    'min(channel) FROM bid GROUP BY auction');
  assert.equal(out, '1000\t2\t35\t17.5\t2015-07-15 00:00:04.5\tApple\n' +
                    '1001\t2\t47\t23.5\t2015-07-15 00:00:10\tBaidu\n' +
                    '1002\t1\t3\t3\t2015-07-15 00:00:21.25\tNULL\n');
  const types = query('--table', `bid=${bids}`, '--sql',
                      'SELECT column_name, column_type FROM (DESCRIBE bid)');
  assert.match(types, /^dateTime\tTIMESTAMP$/m);
  assert.match(types, /^price\tBIGINT$/m);
});

test('tumbling windows, by time_bucket and by epoch arithmetic', () => {
  const expected = '2015-07-15 00:00:00\t2015-07-15 00:00:10\t3\t25\n' +
                   '2015-07-15 00:00:10\t2015-07-15 00:00:20\t1\t40\n' +
                   '2015-07-15 00:00:20\t2015-07-15 00:00:30\t1\t3\n';
  const bucket = query('--table', `bid=${bids}`, '--sql',
                       "SELECT time_bucket(INTERVAL '10 seconds', dateTime) AS s, " +
                       "time_bucket(INTERVAL '10 seconds', dateTime) + INTERVAL '10 seconds', " +
                       'count(*), max(price) FROM bid GROUP BY ALL');
  assert.equal(bucket, expected);
  const epoch = query('--table', `bid=${bids}`, '--sql',
                      'SELECT make_timestamp(w * 10000000), make_timestamp((w + 1) * 10000000), ' +
                      'count(*), max(price) FROM (SELECT *, ' +
                      'floor(epoch_ms(dateTime) / 10000)::BIGINT AS w FROM bid) GROUP BY w');
  assert.equal(epoch, expected);
});

test('declared column types and --no-sort', () => {
  const out = query('--table', `bid=${bids}`, '--columns',
                    'bid=auction BIGINT, price DOUBLE, dateTime VARCHAR', '--no-sort', '--sql',
                    'SELECT price / 4, dateTime FROM bid');
  assert.equal(out.split('\n')[0], '2.5\t2015-07-15 00:00:00.000');
  assert.equal(out.split('\n')[1], '6.25\t2015-07-15 00:00:04.500');
});

test('bad arguments and bad SQL', () => {
  const run = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  let r = run('--table', `bid=${bids}`);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--sql is required/);
  r = run('--table', 'bid', '--sql', 'SELECT 1');
  assert.equal(r.status, 2);
  r = run('--table', 'a-b=x.json', '--sql', 'SELECT 1');
  assert.equal(r.status, 2);
  r = run('--columns', 'nope=a INT', '--sql', 'SELECT 1');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no --table loads/);
  r = run('--bogus', '--sql', 'SELECT 1');
  assert.equal(r.status, 2);
  r = run('--table', `bid=${bids}`, '--sql', 'SELECT nosuchcolumn FROM bid');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nosuchcolumn/);
  assert.equal(r.stdout, '');
  r = run('--table', 'bid=/nonexistent/file.json', '--sql', 'SELECT 1');
  assert.equal(r.status, 1);
});
