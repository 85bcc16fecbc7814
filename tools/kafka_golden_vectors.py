#!/usr/bin/python3
"""Prints the golden Kafka wire vectors embedded in src/kafka/tests/golden_test.cc.

    /usr/bin/python3 tools/kafka_golden_vectors.py
    /usr/bin/python3 tools/kafka_golden_vectors.py --corpus fuzz/corpus/kafka_request

With --corpus DIR it writes the requests instead, one file each named after its vector, as
seeds for fuzz/kafka_request_fuzzer.cc: a frame body (the header and request, without the
4-byte size). Besides the vectors of the test, it writes the produce request again with its
batch compressed by kafka-python with each codec (kp_produce_v7_gzip, ...; python3-snappy,
python3-lz4 and python3-zstandard), for the fuzzer to reach the decompression of batches.

The bytes come from real Kafka clients, not from spate:
- librdkafka (through kcat): a listening socket on 127.0.0.1 records the first request kcat
  sends (ApiVersions v3: flexible, request header v2), answers it with a minimal ApiVersions
  response, and records the next one (Metadata).
- kafka-python (Debian's python3-kafka): requests as its KafkaProtocol puts them on the wire
  (size, request header v1, body), and response bodies as it encodes them.

Needs kcat and python3-kafka (Debian packages); run it with /usr/bin/python3 (the pyenv
python3 has no Debian modules). Only the standard library otherwise. The output is C++ source
to paste into the test; re-running it gives the same bytes (fixed correlation ids and data).
"""

import argparse
import gzip
import os
import socket
import struct
import subprocess
import sys
import types

from kafka.protocol.admin import (ApiVersionRequest, ApiVersionResponse, CreateTopicsRequest,
                                  DescribeConfigsRequest)
from kafka.protocol.commit import (GroupCoordinatorRequest, OffsetCommitRequest,
                                   OffsetFetchRequest)
from kafka.protocol.fetch import FetchRequest, FetchResponse
from kafka.protocol.group import HeartbeatRequest, JoinGroupRequest, SyncGroupRequest
from kafka.protocol.metadata import MetadataRequest, MetadataResponse
from kafka.protocol.offset import OffsetRequest
from kafka.protocol.parser import KafkaProtocol
from kafka.protocol.produce import ProduceRequest, ProduceResponse
from kafka.record.default_records import DefaultRecordBatchBuilder

# Two records built by kafka-python's DefaultRecordBatchBuilder, as in
# src/model/tests/record_batch_test.cc.
BATCH = bytes.fromhex(
    "00000000000000000000004f00000000024bf42f080000000000010000018bcfe568000000018bcfe56805ffff"
    "ffffffffffffffffffffffff0000000222000000046b310a68656c6c6f020268027616000a02010a776f726c6400")


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def read_request(conn):
    buf = b""
    while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
        data = conn.recv(65536)
        if not data:
            raise SystemExit("kcat closed the connection")
        buf += data
    return buf


def kcat_requests(topic):
    """kcat's ApiVersions request and the Metadata request that follows it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(20)
    port = srv.getsockname()[1]
    kcat = subprocess.Popen(["kcat", "-b", f"127.0.0.1:{port}", "-L", "-m", "5", "-t", topic],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn, _ = srv.accept()
        api_versions = read_request(conn)
        correlation_id = struct.unpack(">i", api_versions[8:12])[0]
        # ApiVersions response v3 (response header v0): ApiVersions 0-3 and Metadata 0-12.
        keys = [(3, 0, 12), (18, 0, 3)]
        body = struct.pack(">h", 0) + uvarint(len(keys) + 1)
        body += b"".join(struct.pack(">hhh", *k) + b"\0" for k in keys)
        body += struct.pack(">i", 0) + b"\0"
        response = struct.pack(">i", correlation_id) + body
        conn.sendall(struct.pack(">i", len(response)) + response)
        metadata = read_request(conn)
        conn.close()
    finally:
        kcat.kill()
        kcat.wait()
        srv.close()
    return api_versions, metadata


def kafka_python_request(request, correlation_id):
    proto = KafkaProtocol(client_id="kafka-python")
    proto.send_request(request, correlation_id=correlation_id)
    return proto.send_bytes()


def compressed_batch(codec):
    """The two records of BATCH (same timestamps), compressed by kafka-python with `codec`
    (1 gzip, 2 snappy, 3 lz4, 4 zstd). The values repeat so that every codec shrinks them
    (kafka-python sends a batch uncompressed otherwise)."""
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False,
                                        producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                        batch_size=1 << 20)
    builder.append(0, timestamp=1700000000000, key=b"k1", value=b"hello " * 20,
                   headers=[("h", b"v")])
    builder.append(1, timestamp=1700000000001, key=None, value=b"world " * 20, headers=[])
    data = bytes(builder.build())
    if int.from_bytes(data[21:23], "big") & 7 != codec:
        raise SystemExit(f"kafka-python did not compress the batch with codec {codec}")
    return data


def write_corpus(directory, vectors):
    """Writes each request vector (framed: 4-byte size first) as DIR/<name>, without the size."""
    os.makedirs(directory, exist_ok=True)
    # gzip writes the current time into its header; pin it so that the files are stable.
    gzip.time = types.SimpleNamespace(time=lambda: 1700000000)
    codecs = [("gzip", 1), ("snappy", 2), ("lz4", 3), ("zstd", 4)]
    for i, (codec_name, codec) in enumerate(codecs):
        request = ProduceRequest[7](None, -1, 30000, [("events", [(0, compressed_batch(codec))])])
        vectors.append((f"kp_produce_v7_{codec_name}", kafka_python_request(request, 200 + i)))
    for name, data in vectors:
        if int.from_bytes(data[:4], "big") != len(data) - 4:
            raise SystemExit(f"{name}: the size prefix does not match the frame")
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data[4:])
        print(f"{name} ({len(data) - 4} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", metavar="DIR",
                        help="write the requests as fuzzer seeds into DIR instead of printing")
    args = parser.parse_args()

    vectors = []
    api_versions, metadata = kcat_requests("mytopic")
    vectors.append(("kcat_api_versions_v3", api_versions))
    vectors.append(("kcat_metadata", metadata))

    requests = [
        ("kp_api_versions_v0", ApiVersionRequest[0]()),
        ("kp_api_versions_v1", ApiVersionRequest[1]()),
        ("kp_metadata_v1", MetadataRequest[1](["events", "logs"])),
        ("kp_metadata_v5_all", MetadataRequest[5](None, True)),
        ("kp_produce_v7", ProduceRequest[7](None, -1, 30000, [("events", [(0, BATCH)])])),
        ("kp_fetch_v4", FetchRequest[4](-1, 500, 1, 52428800, 0,
                                        [("events", [(0, 42, 1048576), (1, 7, 1048576)])])),
        ("kp_fetch_v10", FetchRequest[10](-1, 500, 1, 52428800, 1, 0, -1,
                                          [("events", [(0, 5, 42, -1, 1048576)])],
                                          [])),  # (its forgotten-topics encoder is broken)
        ("kp_list_offsets_v1", OffsetRequest[1](-1, [("events", [(0, -1), (1, -2)])])),
        ("kp_join_group_v2", JoinGroupRequest[2]("g1", 10000, 300000, "", "consumer",
                                                 [("range", b"\x00\x01meta")])),
        ("kp_sync_group_v1", SyncGroupRequest[1]("g1", 3, "member-1",
                                                 [("member-1", b"\x00\x01assign")])),
        ("kp_heartbeat_v1", HeartbeatRequest[1]("g1", 3, "member-1")),
        ("kp_offset_commit_v2", OffsetCommitRequest[2]("g1", 3, "member-1", -1,
                                                       [("events", [(0, 100, "m")])])),
        ("kp_offset_fetch_v3", OffsetFetchRequest[3]("g1", [("events", [0, 1])])),
        ("kp_find_coordinator_v1", GroupCoordinatorRequest[1]("g1", 0)),
        ("kp_create_topics_v3", CreateTopicsRequest[3](
            [("new-topic", 3, 1, [], [("retention.ms", "1000"), ("cleanup.policy", None)])],
            30000, False)),
        ("kp_describe_configs_v2", DescribeConfigsRequest[2]([(2, "events", None)], True)),
    ]
    for i, (name, request) in enumerate(requests):
        vectors.append((name, kafka_python_request(request, 100 + i)))
    if args.corpus:
        write_corpus(args.corpus, vectors)
        return 0

    # kafka-python's encode() holds its object weakly: keep each response referenced.
    responses = [
        ("kp_produce_response_v7", ProduceResponse[7]([("events", [(0, 0, 1234, -1, 0)])], 0)),
        ("kp_metadata_response_v5", MetadataResponse[5](
            0, [(1, "localhost", 9092, None)], "cluster-1", 1,
            [(0, "events", False, [(0, 0, 1, [1], [1], [])])])),
        ("kp_fetch_response_v4", FetchResponse[4](0, [("events", [(0, 0, 2, 2, [], BATCH)])])),
        ("kp_api_versions_response_v2", ApiVersionResponse[2](0, [(0, 0, 7), (18, 0, 2)], 0)),
    ]
    responses = [(name, response.encode()) for name, response in responses]
    vectors += responses

    out = sys.stdout
    for name, data in vectors:
        hexed = data.hex()
        out.write(f"constexpr std::string_view {name} =\n")
        chunks = [hexed[i:i + 88] for i in range(0, len(hexed), 88)]
        for j, c in enumerate(chunks):
            end = ";" if j + 1 == len(chunks) else ""
            out.write(f'    "{c}"{end}\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
