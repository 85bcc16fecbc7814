"""Reads spate's .test files (DuckDB's sqllogictest dialect plus streaming directives) into a
list of records. Standard library only. tests/sql/README.md describes the format; this module
knows only its syntax, not how a record runs (slt_runner.py) or how values compare
(slt_values.py).

    records, header = parse_file(path)        # raises parse_error(file, line, message)
"""

import re
from dataclasses import dataclass, field

SORT_MODES = ("nosort", "rowsort", "valuesort")
# The column type letters a query may declare; '?' accepts any type.
TYPE_LETTERS = "IRTBD?"
# A SQLSTATE: five characters of digits and capitals, at least one digit (so that a regex that
# happens to be a five-letter word is not taken for one).
SQLSTATE_RE = re.compile(r"^(?=.*\d)[0-9A-Z]{5}$")
HASH_RE = re.compile(r"^(\d+) values hashing to ([0-9a-f]{32})$")
DEFAULT_CONSUME_WAIT_S = 10.0


class parse_error(Exception):
    """A .test file that does not follow the format; str() is 'file:line: message'."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass
class record:
    """What every directive has: its line (1-based), the directive line itself, and the
    skipif/onlyif conditions written before it as (kind, engine) pairs."""

    line: int
    directive: str
    conditions: list = field(default_factory=list)


@dataclass
class statement_record(record):
    sql: str = ""
    expect_ok: bool = True
    sqlstate: str = None  # statement error: the SQLSTATE required, or None for any
    message_re: str = None  # statement error: a regex searched in the error message
    message_substring: str = None  # statement error: text after ---- the message must contain


@dataclass
class query_record(record):
    sql: str = ""
    types: str = ""
    sort: str = "nosort"
    label: str = None
    wait_s: float = 0.0  # > 0: re-run until it matches or this many seconds pass
    expected: list = None  # the lines after ----, or None when there is no ----
    expected_hash: tuple = None  # (count, md5) for "N values hashing to MD5"


@dataclass
class produce_record(record):
    topic: str = ""
    partition: int = None  # None: keyed records by the client's partitioner, others to 0
    partitions: int = None  # create the topic with this many partitions if missing
    keyed: bool = False
    key: bytes = None  # key=K: the key of every record
    records: list = field(default_factory=list)  # (key bytes or None, value bytes or None)


@dataclass
class consume_record(record):
    topic: str = ""
    count: int = None  # None: as many as expected lines
    wait_s: float = DEFAULT_CONSUME_WAIT_S
    sort: str = "nosort"
    json: bool = False
    keyed: bool = False
    expected: list = field(default_factory=list)


@dataclass
class sleep_record(record):
    seconds: float = 0.0


@dataclass
class restart_record(record):
    kill: bool = False  # SIGKILL instead of SIGTERM


@dataclass
class halt_record(record):
    pass


@dataclass
class require_record(record):
    what: str = ""


@dataclass
class mode_record(record):
    skip: bool = False  # mode skip: skip the records up to mode unskip


@dataclass
class header:
    name: str = None
    description: str = None


def _blocks(lines):
    """Yields (first line number, list of lines) for each run of non-blank lines."""
    block, start = [], 0
    for number, text in enumerate(lines, 1):
        if text.strip() == "":
            if block:
                yield start, block
            block = []
            continue
        if not block:
            start = number
        block.append(text)
    if block:
        yield start, block


def _split_dashes(body):
    """(lines before '----', lines after or None)."""
    for i, text in enumerate(body):
        if text.strip() == "----":
            return body[:i], body[i + 1:]
    return body, None


def _seconds(value, unit, path, line):
    try:
        amount = float(value)
    except ValueError:
        raise parse_error(path, line, f"'{value}' is not a number") from None
    if amount < 0:
        raise parse_error(path, line, f"negative time {value}")
    units = {"ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001, "s": 1.0,
             "second": 1.0, "seconds": 1.0}
    if unit not in units:
        raise parse_error(path, line, f"unknown time unit '{unit}' (ms or seconds)")
    return amount * units[unit]


def _options(tokens, path, line, allowed):
    """Parses name=value and bare flag tokens. Returns a dict; a flag maps to True."""
    options = {}
    for token in tokens:
        name, eq, value = token.partition("=")
        if name not in allowed or (allowed[name] == "flag") == bool(eq):
            raise parse_error(path, line, f"unknown or malformed option '{token}'")
        options[name] = True if not eq else value
    return options


def _int_option(options, name, path, line, minimum):
    if name not in options:
        return None
    value = options[name]
    if not re.fullmatch(r"\d+", value) or int(value) < minimum:
        raise parse_error(path, line, f"{name}= needs an integer >= {minimum}, not '{value}'")
    return int(value)


def _special_bytes(text):
    """A produced key or value as bytes: '(null)' is no value, '(empty)' is zero bytes."""
    if text == "(null)":
        return None
    if text == "(empty)":
        return b""
    return text.encode("utf-8")


def _parse_statement(rec, tokens, body, path):
    rec.sql, after = _split_dashes(body)
    rec.sql = "\n".join(rec.sql)
    if len(tokens) < 2 or tokens[1] not in ("ok", "error"):
        raise parse_error(path, rec.line, "expected 'statement ok' or 'statement error'")
    rec.expect_ok = tokens[1] == "ok"
    rest = rec.directive.split(None, 2)[2] if len(tokens) > 2 else ""
    if rec.expect_ok:
        if rest or after is not None:
            raise parse_error(path, rec.line, "statement ok takes nothing after it or its SQL")
    else:
        words = rest.split(None, 1)
        if words and SQLSTATE_RE.match(words[0]):
            rec.sqlstate = words[0]
            rest = words[1] if len(words) > 1 else ""
        if rest:
            try:
                re.compile(rest)
            except re.error as e:
                raise parse_error(path, rec.line, f"bad message regex '{rest}': {e}") from None
            rec.message_re = rest
        if after is not None:
            rec.message_substring = "\n".join(after)
    if not rec.sql.strip():
        raise parse_error(path, rec.line, "statement without SQL")


def _parse_query(rec, tokens, body, path):
    if len(tokens) < 2:
        raise parse_error(path, rec.line, "query needs its column types, e.g. 'query IT'")
    rec.types = tokens[1]
    bad = [c for c in rec.types if c not in TYPE_LETTERS]
    if bad:
        raise parse_error(path, rec.line,
                          f"unknown column type letter(s) {''.join(bad)} (known: {TYPE_LETTERS})")
    rest = tokens[2:]
    i = 0
    while i < len(rest):
        token = rest[i]
        if token in SORT_MODES:
            rec.sort = token
        elif token in ("wait", "retry") or token.startswith(("wait=", "retry=")):
            if "=" in token:
                value = token.split("=", 1)[1]
            elif i + 1 < len(rest):
                i += 1
                value = rest[i]
            else:
                raise parse_error(path, rec.line, f"'{token}' needs a number of seconds")
            rec.wait_s = _seconds(value, "s", path, rec.line)
        elif rec.label is None:
            rec.label = token
        else:
            raise parse_error(path, rec.line, f"unexpected '{token}' in the query line")
        i += 1
    sql, expected = _split_dashes(body)
    rec.sql = "\n".join(sql)
    if not rec.sql.strip():
        raise parse_error(path, rec.line, "query without SQL")
    if expected is None and rec.label is None:
        raise parse_error(path, rec.line, "query without '----' and expected rows")
    if expected is not None and len(expected) == 1 and HASH_RE.match(expected[0]):
        m = HASH_RE.match(expected[0])
        rec.expected_hash = (int(m.group(1)), m.group(2))
        rec.expected = None
    else:
        rec.expected = expected


def _parse_produce(rec, tokens, body, path):
    if len(tokens) < 2:
        raise parse_error(path, rec.line, "produce needs a topic")
    rec.topic = tokens[1]
    options = _options(tokens[2:], path, rec.line,
                       {"partition": "value", "partitions": "value", "key": "value",
                        "keyed": "flag"})
    rec.partition = _int_option(options, "partition", path, rec.line, 0)
    rec.partitions = _int_option(options, "partitions", path, rec.line, 1)
    rec.keyed = "keyed" in options
    if "key" in options:
        if rec.keyed:
            raise parse_error(path, rec.line, "key= and keyed exclude each other")
        rec.key = _special_bytes(options["key"])
    if not body and rec.partitions is None:
        raise parse_error(path, rec.line, "produce without records (nor partitions= to create)")
    for offset, text in enumerate(body):
        key = rec.key
        if rec.keyed:
            if "|" not in text:
                raise parse_error(path, rec.line + 1 + offset,
                                  "a keyed record is written 'key|value'")
            key_text, text = text.split("|", 1)
            key = _special_bytes(key_text)
        rec.records.append((key, _special_bytes(text)))


def _parse_consume(rec, tokens, body, path):
    if len(tokens) < 2:
        raise parse_error(path, rec.line, "consume needs a topic")
    rec.topic = tokens[1]
    options = _options(tokens[2:], path, rec.line,
                       {"count": "value", "wait": "value", "rowsort": "flag", "nosort": "flag",
                        "json": "flag", "keyed": "flag"})
    rec.count = _int_option(options, "count", path, rec.line, 0)
    if "wait" in options:
        rec.wait_s = _seconds(options["wait"], "s", path, rec.line)
    rec.sort = "rowsort" if "rowsort" in options else "nosort"
    rec.json = "json" in options
    rec.keyed = "keyed" in options
    before, expected = _split_dashes(body)
    if before:
        raise parse_error(path, rec.line, "consume takes no lines before '----'")
    rec.expected = expected or []
    if rec.count is not None and rec.count != len(rec.expected):
        raise parse_error(path, rec.line,
                          f"count={rec.count} but {len(rec.expected)} expected record(s)")


def _parse_record(start, block, path):
    conditions = []
    i = 0
    while i < len(block) and block[i].split()[0] in ("skipif", "onlyif"):
        words = block[i].split()
        if len(words) != 2:
            raise parse_error(path, start + i, f"'{words[0]}' takes one engine name")
        conditions.append((words[0], words[1]))
        i += 1
    if i == len(block):
        raise parse_error(path, start, "skipif/onlyif without a directive after it")
    directive = block[i].rstrip()
    line = start + i
    body = [text.rstrip("\n") for text in block[i + 1:]]
    tokens = directive.split()
    kind = tokens[0]
    if kind == "statement":
        rec = statement_record(line, directive, conditions)
        _parse_statement(rec, tokens, body, path)
    elif kind == "query":
        rec = query_record(line, directive, conditions)
        _parse_query(rec, tokens, body, path)
    elif kind == "produce":
        rec = produce_record(line, directive, conditions)
        _parse_produce(rec, tokens, body, path)
    elif kind == "consume":
        rec = consume_record(line, directive, conditions)
        _parse_consume(rec, tokens, body, path)
    else:
        if body:
            raise parse_error(path, line + 1, f"'{kind}' takes no lines after it")
        if kind == "sleep":
            if len(tokens) not in (2, 3):
                raise parse_error(path, line, "sleep N [ms|seconds] (N alone is milliseconds)")
            unit = tokens[2] if len(tokens) == 3 else "ms"
            rec = sleep_record(line, directive, conditions, _seconds(tokens[1], unit, path, line))
        elif kind in ("restart", "kill") and len(tokens) == 1:
            rec = restart_record(line, directive, conditions, kind == "kill")
        elif kind == "halt" and len(tokens) == 1:
            rec = halt_record(line, directive, conditions)
        elif kind == "require" and len(tokens) >= 2:
            rec = require_record(line, directive, conditions, " ".join(tokens[1:]))
        elif kind == "mode" and len(tokens) == 2 and tokens[1] in ("skip", "unskip"):
            rec = mode_record(line, directive, conditions, tokens[1] == "skip")
        else:
            raise parse_error(path, line, f"unknown or malformed directive '{directive}'")
    return rec


def parse_text(text, path="<text>"):
    """Parses a whole file's text. Returns (records, header); raises parse_error."""
    lines = text.split("\n")
    info = header()
    records = []
    for start, block in _blocks(lines):
        # Comment lines at the start of a block: the header, or plain comments.
        while block and block[0].lstrip().startswith("#"):
            comment = block[0].lstrip()[1:].strip()
            if comment.startswith("name:") and info.name is None:
                info.name = comment[5:].strip()
            elif comment.startswith("description:") and info.description is None:
                info.description = comment[12:].strip()
            block = block[1:]
            start += 1
        if block:
            records.append(_parse_record(start, block, path))
    return records, info


def parse_file(path):
    """Parses the .test file at path. Returns (records, header); raises parse_error, OSError."""
    with open(path, encoding="utf-8") as f:
        return parse_text(f.read(), str(path))
