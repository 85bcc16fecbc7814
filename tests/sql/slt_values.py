"""How result values are written in .test files and compared: the server's text format, with
NULL as `NULL`, the empty string as `(empty)`, and tab, newline and carriage return escaped as
\\t, \\n, \\r so that a row stays one line. Real columns (type letter R) compare with a
tolerance. Standard library only; tests/oracle/duckdb_query.js writes values the same way.
"""

import hashlib
import math

# Postgres type OIDs each column type letter accepts ('?' accepts any).
TYPE_OIDS = {
    "I": {20, 21, 23, 26},  # int8, int2, int4, oid
    "R": {700, 701, 1700},  # float4, float8, numeric
    "T": {25, 1043, 1042, 19, 18, 705, 114, 3802},  # text, varchar, bpchar, name, char,
    # unknown, json, jsonb
    "B": {16},  # bool
    "D": {1082, 1083, 1114, 1184, 1186, 1266},  # date, time, timestamp, timestamptz,
    # interval, timetz
}
TYPE_NAMES = {
    16: "bool", 18: "char", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text",
    26: "oid", 114: "json", 700: "float4", 701: "float8", 705: "unknown", 1042: "bpchar",
    1043: "varchar", 1082: "date", 1083: "time", 1114: "timestamp", 1184: "timestamptz",
    1186: "interval", 1266: "timetz", 1700: "numeric", 3802: "jsonb",
}
# A real written with k decimals matches any value that rounds to it; one written without a
# decimal point (or in exponent form) must be within this relative distance.
REAL_RELATIVE_TOLERANCE = 1e-9


def type_name(oid):
    return TYPE_NAMES.get(oid, f"oid {oid}")


def format_value(value):
    """A value as the server sent it in text (a str, or None for SQL NULL), as a .test file
    writes it."""
    if value is None:
        return "NULL"
    if value == "":
        return "(empty)"
    return value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _decimals(text):
    """Digits after the decimal point of a plain decimal number, or None if not one."""
    body = text.lstrip("+-")
    if "e" in body.lower() or "." not in body:
        return None
    return len(body.split(".", 1)[1])


def reals_match(expected, actual):
    """Whether two written reals are equal: the same text, or both numbers and either the
    actual rounds to the expected's written decimals or they are within
    REAL_RELATIVE_TOLERANCE. NaN and infinities match only the same text."""
    if expected == actual:
        return True
    try:
        e, a = float(expected), float(actual)
    except ValueError:
        return False
    if not (math.isfinite(e) and math.isfinite(a)):
        return False
    decimals = _decimals(expected)
    if decimals is not None and abs(a - e) <= 0.5 * 10.0 ** -decimals * (1 + 1e-12):
        return True
    return abs(a - e) <= REAL_RELATIVE_TOLERANCE * max(abs(a), abs(e))


def values_match(expected, actual, letter):
    """Whether one written expected value equals the written actual one, for its column's
    type letter."""
    if letter == "R":
        return reals_match(expected, actual)
    return expected == actual


def sort_rows(rows, mode):
    """rows (lists of written values) in the order the sort mode compares them: rowsort sorts
    rows, valuesort sorts every value into single-value rows, nosort keeps them."""
    if mode == "rowsort":
        return sorted(rows)
    if mode == "valuesort":
        return [[v] for v in sorted(v for row in rows for v in row)]
    return list(rows)


def values_hash(rows):
    """(count, md5) of the values in order, as sqllogictest's 'N values hashing to H': the
    md5 of every written value followed by a newline."""
    digest = hashlib.md5()
    count = 0
    for row in rows:
        for v in row:
            digest.update(v.encode("utf-8") + b"\n")
            count += 1
    return count, digest.hexdigest()


def split_expected(lines, columns):
    """The expected lines as rows of `columns` values: one row per line with the values
    separated by tabs, or (sqllogictest's other layout) one value per line. Returns
    (rows, problem); problem is None or a sentence about a malformed line."""
    rows = [line.split("\t") for line in lines]
    if all(len(r) == columns for r in rows):
        return rows, None
    if columns > 1 and all(len(r) == 1 for r in rows) and len(rows) % columns == 0:
        flat = [r[0] for r in rows]
        return [flat[i:i + columns] for i in range(0, len(flat), columns)], None
    for number, r in enumerate(rows, 1):
        if len(r) != columns:
            hint = ""
            if len(r) == 1 and " " in lines[number - 1]:
                hint = " (values are separated by tabs, not spaces)"
            return None, (f"expected line {number} has {len(r)} value(s), the query "
                          f"declares {columns} column(s){hint}")
    return None, "malformed expected rows"
