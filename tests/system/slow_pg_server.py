"""A tiny fake Postgres server for the shell's tests of slow statements: it answers the
startup (no SSL, no password, a BackendKeyData key), and a query "SELECT <seconds>" after that
many seconds with one int4 row (1), preceded by a NOTICE if the query says "notice", unless a CancelRequest with its key arrives first, when it
answers with Postgres's 57014 error. Standard library only.

    server = slow_pg_server()      # listening on 127.0.0.1:server.port, in a thread
    ... server.cancels             # how many CancelRequests named a running query
    server.close()
"""

import socket
import struct
import threading

SSL_REQUEST = 80877103
CANCEL_REQUEST = 80877102
PROTOCOL_3 = 196608
PID, SECRET = 4242, 987654


def message(kind, payload=b""):
    return kind + struct.pack("!i", len(payload) + 4) + payload


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class slow_pg_server:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.cancels = 0
        self._cancel = threading.Event()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self._closed = True
        self._cancel.set()
        self.sock.close()

    def _accept(self):
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            with conn:
                self._session(conn)
        except (ConnectionError, OSError, struct.error):
            pass

    def _session(self, conn):
        while True:
            length, code = struct.unpack("!ii", recv_exact(conn, 8))
            body = recv_exact(conn, length - 8)
            if code == SSL_REQUEST:
                conn.sendall(b"N")
                continue
            if code == CANCEL_REQUEST:
                if struct.unpack("!ii", body) == (PID, SECRET):
                    self.cancels += 1
                    self._cancel.set()
                return
            break  # the startup message
        conn.sendall(message(b"R", struct.pack("!i", 0))
                     + message(b"S", b"client_encoding\0UTF8\0")
                     + message(b"S", b"server_version\x0016.0\0")
                     + message(b"K", struct.pack("!ii", PID, SECRET))
                     + message(b"Z", b"I"))
        while True:
            kind = recv_exact(conn, 1)
            (length,) = struct.unpack("!i", recv_exact(conn, 4))
            body = recv_exact(conn, length - 4)
            if kind == b"X":
                return
            if kind != b"Q":
                continue
            text = body.rstrip(b"\0").decode()
            try:
                seconds = float(text.split()[-1])
            except ValueError:
                seconds = 0
            self._cancel.clear()
            if self._cancel.wait(seconds):
                conn.sendall(message(b"E", b"SERROR\0VERROR\0C57014\0"
                                     b"Mcanceling statement due to user request\0\0")
                             + message(b"Z", b"I"))
                continue
            if "notice" in text:
                conn.sendall(message(b"N", b"SNOTICE\0VNOTICE\0C00000\0"
                                     b"Mhello from the server\0\0"))
            row = b"x\0" + struct.pack("!ihihih", 0, 0, 23, 4, -1, 0)
            conn.sendall(message(b"T", struct.pack("!h", 1) + row)
                         + message(b"D", struct.pack("!hi", 1, 1) + b"1")
                         + message(b"C", b"SELECT 1\0")
                         + message(b"Z", b"I"))
