"""The few pieces of the Kafka wire protocol that system tests speak by hand, over a plain
socket, where a real client would never send what the test needs (a bad size, an unknown API, a
corrupted batch): request framing, ApiVersions, Produce v3, ListOffsets v1, InitProducerId v0,
and RecordBatch v2 building with CRC-32C. Standard library only.

Versions are fixed and non-flexible (request header v1, response header v0) except ApiVersions,
whose response header is v0 in every version.
"""

import socket
import struct
import time

API_PRODUCE = 0
API_FETCH = 1
API_LIST_OFFSETS = 2
API_METADATA = 3
API_API_VERSIONS = 18
API_CREATE_TOPICS = 19
API_INIT_PRODUCER_ID = 22

ERROR_NONE = 0
ERROR_CORRUPT_MESSAGE = 2
ERROR_UNSUPPORTED_VERSION = 35
ERROR_OUT_OF_ORDER_SEQUENCE_NUMBER = 45
ERROR_INVALID_PRODUCER_EPOCH = 47
ERROR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53

CLIENT_ID = b"spate-system-test"

# --- CRC-32C (Castagnoli), as RecordBatch v2 uses ----------------------------------------------

_CRC32C_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C_TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value"

# --- primitive encodings -----------------------------------------------------------------------


def string(s):
    """A non-nullable STRING (int16 length)."""
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">h", len(b)) + b


def nullable_string(s):
    return struct.pack(">h", -1) if s is None else string(s)


def array(items):
    """An ARRAY (int32 count) of already encoded items."""
    return struct.pack(">i", len(items)) + b"".join(items)


def varint(n):
    """A zigzag varint (records use them for lengths and deltas)."""
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte = z & 0x7F
        z >>= 7
        if z:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def uvarint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


class reader:
    """Reads big-endian fields from a response body; raises ValueError past the end."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"response ends at {len(self.data)} bytes; wanted {n} at {self.pos}")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def int8(self):
        return struct.unpack(">b", self.take(1))[0]

    def int16(self):
        return struct.unpack(">h", self.take(2))[0]

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def int64(self):
        return struct.unpack(">q", self.take(8))[0]

    def string(self):
        n = self.int16()
        return None if n < 0 else self.take(n).decode()

    def array(self, item):
        n = self.int32()
        if n < 0:
            return None
        return [item(self) for _ in range(n)]

    def remaining(self):
        return len(self.data) - self.pos


# --- records -----------------------------------------------------------------------------------


def record(offset_delta, key, value, headers=(), timestamp_delta=0):
    body = (
        b"\x00"  # attributes
        + varint(timestamp_delta)
        + varint(offset_delta)
        + (varint(-1) if key is None else varint(len(key)) + key)
        + (varint(-1) if value is None else varint(len(value)) + value)
        + varint(len(headers))
        + b"".join(varint(len(k)) + k + varint(len(v)) + v for k, v in headers)
    )
    return varint(len(body)) + body


def record_batch(values, keys=None, timestamp_ms=None, headers=(), producer_id=-1,
                 producer_epoch=-1, base_sequence=-1):
    """An uncompressed RecordBatch v2 holding one record per value, with a correct CRC-32C.
    baseOffset 0; the broker assigns the real one. An idempotent producer's batch names its
    producer id, epoch and first sequence."""
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    keys = keys or [None] * len(values)
    records = b"".join(
        record(i, keys[i], v, headers) for i, v in enumerate(values)
    )
    after_crc = (
        struct.pack(">hiqqqhii", 0, len(values) - 1, timestamp_ms, timestamp_ms, producer_id,
                    producer_epoch, base_sequence, len(values))
        + records
    )
    # partitionLeaderEpoch, magic, crc, then the CRC-covered part.
    after_length = struct.pack(">ibI", -1, 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


# Where a batch's fields sit.
BATCH_CRC_AT = 17
BATCH_ATTRIBUTES_AT = 21
BATCH_HEADER_BYTES = 61


def batch_compression(batch):
    """The codec id in a batch's attributes: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd."""
    return struct.unpack_from(">h", batch, BATCH_ATTRIBUTES_AT)[0] & 0x7


def split_batches(data):
    """Splits back-to-back RecordBatch v2 bytes (a segment file) into (base_offset, batch)."""
    out = []
    pos = 0
    while pos + 12 <= len(data):
        base, length = struct.unpack_from(">qi", data, pos)
        if length <= 0 or pos + 12 + length > len(data):
            break
        out.append((base, data[pos:pos + 12 + length]))
        pos += 12 + length
    return out


# --- requests ----------------------------------------------------------------------------------


def request_header(api_key, version, correlation_id, client_id=CLIENT_ID):
    """Request header v1: api key, version, correlation id, client id."""
    return struct.pack(">hhi", api_key, version, correlation_id) + nullable_string(client_id)


def frame(payload):
    """A size-prefixed request."""
    return struct.pack(">i", len(payload)) + payload


def connect(port, timeout=10.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(sock, n):
    """n bytes, or fewer if the peer closed the connection first."""
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def read_response(sock):
    """One size-prefixed response: (correlation_id, body). Raises ConnectionError if the
    connection closes before a whole response arrives."""
    size_bytes = recv_exact(sock, 4)
    if len(size_bytes) < 4:
        raise ConnectionError(f"connection closed after {len(size_bytes)} bytes of a response")
    (size,) = struct.unpack(">i", size_bytes)
    body = recv_exact(sock, size)
    if len(body) < size:
        raise ConnectionError(f"connection closed {len(body)} bytes into a {size}-byte response")
    (correlation_id,) = struct.unpack_from(">i", body)
    return correlation_id, body[4:]


def closed_by_peer(sock, timeout=5.0):
    """True if the peer closes the connection (EOF or reset) within timeout without sending
    anything; False if it stays open; raises AssertionError if it sends bytes."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(4096)
    except socket.timeout:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    if data:
        raise AssertionError(f"expected the connection to be closed, got {len(data)} bytes: "
                             f"{data[:64]!r}")
    return True


def api_versions_v0_request(correlation_id):
    return frame(request_header(API_API_VERSIONS, 0, correlation_id))


def parse_api_versions_v0(body):
    """(error_code, {api_key: (min, max)}) from an ApiVersions v0 response body."""
    r = reader(body)
    error_code = r.int16()
    apis = r.array(lambda r: (r.int16(), r.int16(), r.int16()))
    if r.remaining():
        raise ValueError(f"{r.remaining()} bytes left after an ApiVersions v0 response")
    return error_code, {k: (lo, hi) for k, lo, hi in apis or []}


def api_versions(port):
    """The broker's ApiVersions v0 answer: (error_code, {api_key: (min, max)})."""
    with connect(port) as s:
        s.sendall(api_versions_v0_request(1))
        cid, body = read_response(s)
        if cid != 1:
            raise ValueError(f"correlation id {cid}, sent 1")
        return parse_api_versions_v0(body)


def produce_v3_request(correlation_id, topic, partition, batch, acks=-1, timeout_ms=10000):
    body = (
        nullable_string(None)  # transactional_id
        + struct.pack(">hi", acks, timeout_ms)
        + array([
            string(topic)
            + array([struct.pack(">i", partition) + struct.pack(">i", len(batch)) + batch])
        ])
    )
    return frame(request_header(API_PRODUCE, 3, correlation_id) + body)


def parse_produce_v3(body):
    """{(topic, partition): (error_code, base_offset, log_append_time)}."""
    r = reader(body)
    out = {}
    for name, parts in r.array(lambda r: (r.string(), r.array(
            lambda r: (r.int32(), r.int16(), r.int64(), r.int64())))):
        for index, err, base, log_append_time in parts:
            out[(name, index)] = (err, base, log_append_time)
    r.int32()  # throttle_time_ms
    return out


def init_producer_id_v0_request(correlation_id, transactional_id=None,
                                transaction_timeout_ms=60000):
    body = nullable_string(transactional_id) + struct.pack(">i", transaction_timeout_ms)
    return frame(request_header(API_INIT_PRODUCER_ID, 0, correlation_id) + body)


def parse_init_producer_id_v0(body):
    """(error_code, producer_id, producer_epoch)."""
    r = reader(body)
    r.int32()  # throttle_time_ms
    out = (r.int16(), r.int64(), r.int16())
    if r.remaining():
        raise ValueError(f"{r.remaining()} bytes left after an InitProducerId v0 response")
    return out


def init_producer_id(port, transactional_id=None, transaction_timeout_ms=60000):
    """InitProducerId v0: (error_code, producer_id, producer_epoch)."""
    with connect(port) as s:
        s.sendall(init_producer_id_v0_request(3, transactional_id, transaction_timeout_ms))
        _, body = read_response(s)
    return parse_init_producer_id_v0(body)


def list_offsets_v1_request(correlation_id, topic, partition, timestamp=-1):
    body = struct.pack(">i", -1) + array([
        string(topic) + array([struct.pack(">iq", partition, timestamp)])
    ])
    return frame(request_header(API_LIST_OFFSETS, 1, correlation_id) + body)


def parse_list_offsets_v1(body):
    """{(topic, partition): (error_code, timestamp, offset)}."""
    r = reader(body)
    out = {}
    for name, parts in r.array(lambda r: (r.string(), r.array(
            lambda r: (r.int32(), r.int16(), r.int64(), r.int64())))):
        for index, err, ts, offset in parts:
            out[(name, index)] = (err, ts, offset)
    return out


def end_offset(port, topic, partition=0):
    """The partition's high watermark by ListOffsets v1 (timestamp -1)."""
    with connect(port) as s:
        s.sendall(list_offsets_v1_request(7, topic, partition, -1))
        _, body = read_response(s)
    err, _, offset = parse_list_offsets_v1(body)[(topic, partition)]
    if err != ERROR_NONE:
        raise ValueError(f"ListOffsets {topic}-{partition}: error {err}")
    return offset
