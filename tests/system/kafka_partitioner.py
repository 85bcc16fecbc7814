"""Kafka's default partitioner for keyed records (murmur2 of the key bytes), for tests that
check where spate put a record. Uses kafka-python's murmur2 when it has one."""

try:
    from kafka.partitioner.default import murmur2  # python3-kafka
except ImportError:  # older or newer kafka-python: Kafka's murmur2, written out
    def murmur2(data):
        length = len(data)
        seed, m, r = 0x9747B28C, 0x5BD1E995, 24
        h = (seed ^ length) & 0xFFFFFFFF
        for i in range(length // 4):
            k = int.from_bytes(data[4 * i:4 * i + 4], "little")
            k = (k * m) & 0xFFFFFFFF
            k ^= k >> r
            k = (k * m) & 0xFFFFFFFF
            h = (h * m) & 0xFFFFFFFF
            h ^= k
        tail = length & ~3
        extra = length % 4
        if extra == 3:
            h ^= data[tail + 2] << 16
        if extra >= 2:
            h ^= data[tail + 1] << 8
        if extra >= 1:
            h ^= data[tail]
            h = (h * m) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * m) & 0xFFFFFFFF
        h ^= h >> 15
        return h - (1 << 32) if h >= 1 << 31 else h


def java_partition(key, partitions):
    """The partition Java's default partitioner picks for a record with key bytes `key`."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions
