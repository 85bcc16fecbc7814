#!/usr/bin/python3
"""Prints the compressed golden batches embedded in src/model/tests/compression_test.cc.

    /usr/bin/python3 tools/compressed_batch_vectors.py

Each batch is built by kafka-python's DefaultRecordBatchBuilder (Debian's python3-kafka) with
one compression type, using its codecs (python3-snappy, python3-lz4, python3-zstandard), so the
test checks that spate validates bytes a real client writes, not only its own. All hold the
same three records (see RECORDS); the test rebuilds them with model::batch_builder and compares
the decompressed records section byte for byte.

Besides kafka-python's own output (gzip, snappy in the xerial framing, lz4 frames, zstd frames
with a content size) two variants swap kafka-python's encoder for the form other clients send:
- snappy_raw: one raw snappy block without the xerial framing (librdkafka's form), from
  python-snappy's snappy.compress();
- zstd_streamed: a zstd frame without a content size (the Java client's streaming form), from
  python-zstandard with write_content_size=False.

kafka-python sends a batch uncompressed when compression would not shrink it; the values are
repetitive so that every codec shrinks them. Run it with /usr/bin/python3 (the pyenv python3 has
no Debian modules). Re-running gives the same bytes: gzip's header time is pinned.
"""

import gzip
import sys
import types

import snappy
import zstandard
from kafka.record import default_records
from kafka.record.default_records import DefaultRecordBatchBuilder

CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4, CODEC_ZSTD = 1, 2, 3, 4

BASE_TS = 1700000000000
# (key, value, timestamp, headers); the values must match compression_test.cc's records().
RECORDS = [
    (b"k0", b"spate compressed batch " * 4 + b"0", BASE_TS, [("h", b"v")]),
    (None, b"spate compressed batch " * 4 + b"1", BASE_TS + 5, []),
    (b"k2", b"spate compressed batch " * 4 + b"2", BASE_TS + 9, []),
]


def build(codec):
    builder = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False,
                                        producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                        batch_size=1 << 20)
    for i, (key, value, ts, headers) in enumerate(RECORDS):
        builder.append(i, timestamp=ts, key=key, value=value, headers=headers)
    data = bytes(builder.build())
    attributes = int.from_bytes(data[21:23], "big")
    if attributes & 7 != codec:
        raise SystemExit(f"kafka-python did not compress with codec {codec} "
                         f"(attributes {attributes:#x})")
    return data


def main():
    # gzip.GzipFile writes the current time into the header; pin it so the output is stable.
    gzip.time = types.SimpleNamespace(time=lambda: 1700000000)

    vectors = [
        ("kp_gzip_batch", build(CODEC_GZIP)),
        ("kp_snappy_xerial_batch", build(CODEC_SNAPPY)),
        ("kp_lz4_batch", build(CODEC_LZ4)),
        ("kp_zstd_batch", build(CODEC_ZSTD)),
    ]
    default_records.snappy_encode = snappy.compress
    vectors.append(("kp_snappy_raw_batch", build(CODEC_SNAPPY)))
    default_records.zstd_encode = zstandard.ZstdCompressor(write_content_size=False).compress
    vectors.append(("kp_zstd_streamed_batch", build(CODEC_ZSTD)))

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
