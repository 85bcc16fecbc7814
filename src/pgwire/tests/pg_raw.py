"""A tiny raw Postgres protocol v3 client for tests: builds frontend messages with struct and
reads backend messages, so that the extended protocol, binary formats and malformed input can
be exercised exactly."""

import socket
import struct


def cstr(s):
    return s.encode() + b"\0"


def msg(kind, body=b""):
    return kind + struct.pack("!i", len(body) + 4) + body


def startup_packet(params, version=196608):
    body = struct.pack("!i", version)
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def parse(name, query, oids=()):
    return msg(b"P", cstr(name) + cstr(query) + struct.pack("!h", len(oids)) +
               b"".join(struct.pack("!I", o) for o in oids))


def bind(portal, stmt, params=(), param_formats=(), result_formats=()):
    body = cstr(portal) + cstr(stmt)
    body += struct.pack("!h", len(param_formats)) + b"".join(struct.pack("!h", f) for f in param_formats)
    body += struct.pack("!h", len(params))
    for p in params:
        if p is None:
            body += struct.pack("!i", -1)
        else:
            body += struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(result_formats)) + b"".join(struct.pack("!h", f) for f in result_formats)
    return msg(b"B", body)


def describe(kind, name):
    return msg(b"D", kind + cstr(name))


def execute(portal, max_rows=0):
    return msg(b"E", cstr(portal) + struct.pack("!i", max_rows))


def close(kind, name):
    return msg(b"C", kind + cstr(name))


SYNC = msg(b"S")
FLUSH = msg(b"H")


def query(sql):
    return msg(b"Q", cstr(sql))


def error_fields(body):
    """ErrorResponse/NoticeResponse fields as a dict of code letter -> value."""
    out = {}
    i = 0
    while i < len(body) and body[i] != 0:
        code = chr(body[i])
        end = body.index(b"\0", i + 1)
        out[code] = body[i + 1:end].decode()
        i = end + 1
    return out


def data_row(body):
    n = struct.unpack("!h", body[:2])[0]
    i = 2
    cols = []
    for _ in range(n):
        ln = struct.unpack("!i", body[i:i + 4])[0]
        i += 4
        if ln < 0:
            cols.append(None)
        else:
            cols.append(body[i:i + ln])
            i += ln
    return cols


class RawConn:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.key = None

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk

    def read_bytes(self, n):
        self._fill(n)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read(self):
        """One backend message as (type letter, body)."""
        self._fill(5)
        kind = chr(self.buf[0])
        ln = struct.unpack("!i", self.buf[1:5])[0]
        self._fill(1 + ln)
        body = self.buf[5:1 + ln]
        self.buf = self.buf[1 + ln:]
        return kind, body

    def read_until_ready(self):
        out = []
        while True:
            kind, body = self.read()
            out.append((kind, body))
            if kind == "Z":
                return out

    def startup(self, user="tester", database="db", **extra):
        params = {"user": user, "database": database}
        params.update(extra)
        self.send(startup_packet(params))
        msgs = self.read_until_ready()
        for kind, body in msgs:
            if kind == "K":
                self.key = struct.unpack("!ii", body)
        return msgs

    def close(self):
        try:
            self.send(msg(b"X"))
        except OSError:
            pass
        self.sock.close()
