'use strict';
// DuckDB values written as PostgreSQL's text output format prints them, and then as the SQL
// tests write values (tests/sql/slt_values.py): NULL as `NULL`, the empty string as `(empty)`,
// tab, newline and carriage return escaped as \t, \n, \r. Pure functions, no DuckDB instance:
// duckdb_query.js passes each value with its column's DuckDB type id.

const { DuckDBTypeId } = require('@duckdb/node-api');

const MICROS_PER_DAY = 86400000000n;

function pad(n, width) {
  return String(n).padStart(width, '0');
}

// The parts of JS exponential notation ('-1.25e+3'): { negative, digits: '125', exp: 3 }, the
// value being d.ddd * 10^exp.
function decompose(text) {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  return { negative: m[1] === '-', digits: m[2] + (m[3] || ''), exp: Number(m[4]) };
}

// Postgres' float output (extra_float_digits = 1, the default since PG 12): the shortest digits
// that read back as the same value, in fixed notation when -4 <= exponent < fixedLimit (15 for
// float8, 6 for float4), else d.ddde+XX with at least two exponent digits.
function formatShortest(shortest, fixedLimit) {
  const { negative, digits, exp } = decompose(shortest);
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= fixedLimit) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${pad(Math.abs(exp), 2)}`;
  }
  if (exp < 0) {
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  if (digits.length <= exp + 1) {
    return sign + digits + '0'.repeat(exp + 1 - digits.length);
  }
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function specialFloat(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return null;
}

function formatFloat8(v) {
  return specialFloat(v) ?? formatShortest(v.toExponential(), 15);
}

function formatFloat4(v) {
  const special = specialFloat(v);
  if (special !== null) return special;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(v.toPrecision(precision));
    if (Math.fround(candidate) === v) {
      return formatShortest(candidate.toExponential(), 6);
    }
  }
  return formatShortest(v.toExponential(), 6);
}

function floorDiv(a, b) {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

// 'YYYY-MM-DD' (with ' BC' for years before 1) for days since 1970-01-01.
function formatDate(days) {
  const date = new Date(Number(days) * 86400000);
  let year = date.getUTCFullYear();
  const bc = year <= 0;
  if (bc) year = 1 - year;
  const text = `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  return { text, bc };
}

// 'HH:MM:SS' with the fraction of a second, trailing zeros removed, as Postgres prints it.
function formatTimeOfDay(micros) {
  const seconds = micros / 1000000n;
  const fraction = micros % 1000000n;
  let text = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}`;
  if (fraction !== 0n) {
    text += '.' + pad(fraction, 6).replace(/0+$/, '');
  }
  return text;
}

function formatTimestampMicros(micros, suffix) {
  const days = floorDiv(micros, MICROS_PER_DAY);
  const date = formatDate(days);
  const time = formatTimeOfDay(micros - days * MICROS_PER_DAY);
  return `${date.text} ${time}${suffix}${date.bc ? ' BC' : ''}`;
}

function formatTimestamp(value, typeId) {
  if (value.isFinite === false) {
    return String(value).startsWith('-') ? '-infinity' : 'infinity';
  }
  switch (typeId) {
    case DuckDBTypeId.TIMESTAMP_S:
      return formatTimestampMicros(BigInt(value.seconds) * 1000000n, '');
    case DuckDBTypeId.TIMESTAMP_MS:
      return formatTimestampMicros(BigInt(value.millis) * 1000n, '');
    case DuckDBTypeId.TIMESTAMP_NS:
      return formatTimestampMicros(floorDiv(BigInt(value.nanos), 1000n), '');
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatTimestampMicros(BigInt(value.micros), '+00');
    default:
      return formatTimestampMicros(BigInt(value.micros), '');
  }
}

// Postgres' default IntervalStyle (postgres): '1 year 2 mons 3 days 04:05:06.5', a field after
// a negative one gets an explicit '+'.
function formatInterval(value) {
  const parts = [];
  let negativeBefore = false;
  const field = (amount, unit) => {
    if (amount === 0) return;
    const sign = negativeBefore && amount > 0 ? '+' : '';
    parts.push(`${sign}${amount} ${unit}${amount === 1 ? '' : 's'}`);
    negativeBefore = amount < 0;
  };
  const months = Number(value.months);
  field(Math.trunc(months / 12), 'year');
  field(months % 12, 'mon');
  field(Number(value.days), 'day');
  const micros = BigInt(value.micros);
  if (micros !== 0n || parts.length === 0) {
    const sign = micros < 0n ? '-' : negativeBefore ? '+' : '';
    const magnitude = micros < 0n ? -micros : micros;
    parts.push(sign + formatTimeOfDay(magnitude));
  }
  return parts.join(' ');
}

function formatDecimal(value) {
  const scale = Number(value.scale);
  const raw = BigInt(value.value);
  const negative = raw < 0n;
  const digits = pad(negative ? -raw : raw, scale + 1);
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? '.' + digits.slice(digits.length - scale) : '';
  return (negative ? '-' : '') + whole + fraction;
}

function formatBlob(value) {
  const bytes = value.bytes ?? new Uint8Array();
  return '\\x' + Buffer.from(bytes).toString('hex');
}

// The Postgres text of a non-null DuckDB value of the given type id.
function pgText(value, typeId) {
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 't' : 'f';
    case DuckDBTypeId.FLOAT:
      return formatFloat4(value);
    case DuckDBTypeId.DOUBLE:
      return formatFloat8(value);
    case DuckDBTypeId.DECIMAL:
      return formatDecimal(value);
    case DuckDBTypeId.DATE: {
      if (value.isFinite === false) return value.days > 0 ? 'infinity' : '-infinity';
      const date = formatDate(BigInt(value.days));
      return date.text + (date.bc ? ' BC' : '');
    }
    case DuckDBTypeId.TIME:
      return formatTimeOfDay(BigInt(value.micros));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatTimestamp(value, typeId);
    case DuckDBTypeId.INTERVAL:
      return formatInterval(value);
    case DuckDBTypeId.BLOB:
      return formatBlob(value);
    default:
      return String(value);
  }
}

// A value (null for SQL NULL) as a SQL test writes it.
function slText(value, typeId) {
  if (value === null || value === undefined) return 'NULL';
  const text = pgText(value, typeId);
  if (text === '') return '(empty)';
  return text.replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

// Lines sorted by their UTF-8 bytes, which is the order of Python's sorted() on str.
function sortLines(lines) {
  return lines
    .map((line) => Buffer.from(line, 'utf8'))
    .sort(Buffer.compare)
    .map((b) => b.toString('utf8'));
}

module.exports = {
  formatFloat4,
  formatFloat8,
  formatInterval,
  formatTimestampMicros,
  pgText,
  slText,
  sortLines,
};
