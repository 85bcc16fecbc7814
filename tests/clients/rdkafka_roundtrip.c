/* A librdkafka round trip against a running spate, as a C application would do it: produce N
 * messages with keys and headers with acks=all, wait for every delivery report, then consume
 * the topic's partitions with assign() (no consumer group) and check every key, value and
 * header, and that each message is at the partition and offset its delivery report gave.
 *
 *   rdkafka_roundtrip BOOTSTRAP TOPIC COUNT
 *
 * Exits 0 after printing "rdkafka_roundtrip: OK ..." when everything matches; otherwise exits 1
 * with the first mismatches on stderr. Driven by run_rdkafka_roundtrip.py, which starts spate. */

#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { max_reported_mismatches = 20, timeout_s = 60 };

/* What the delivery report said about message i. */
struct delivery {
    int reported;
    rd_kafka_resp_err_t err;
    int32_t partition;
    int64_t offset;
};

static struct delivery* deliveries;
static long delivered_count;
static long delivery_errors;
static long mismatches;

static void mismatch(const char* fmt, ...) {
    va_list ap;
    mismatches++;
    if (mismatches > max_reported_mismatches) return;
    fputs("rdkafka_roundtrip: MISMATCH: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void die(const char* fmt, ...) {
    va_list ap;
    fputs("rdkafka_roundtrip: FAILED: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void format_key(char* buf, size_t n, long i) {
    snprintf(buf, n, "key-%ld", i);
}

/* Values vary in length so batches hold records of different sizes. */
static size_t format_value(char* buf, size_t n, long i) {
    int len = snprintf(buf, n, "value-%ld-", i);
    size_t pad = (size_t)(i % 97);
    if ((size_t)len + pad >= n) pad = n - (size_t)len - 1;
    memset(buf + len, 'a' + (int)(i % 26), pad);
    buf[len + pad] = '\0';
    return (size_t)len + pad;
}

static void format_header(char* buf, size_t n, long i) {
    snprintf(buf, n, "h-%ld", i * 7);
}

static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
    (void)rk;
    (void)opaque;
    long i = (long)(intptr_t)m->_private;
    struct delivery* d = &deliveries[i];
    if (d->reported) mismatch("message %ld has two delivery reports", i);
    d->reported = 1;
    d->err = m->err;
    d->partition = m->partition;
    d->offset = m->offset;
    delivered_count++;
    if (m->err) {
        delivery_errors++;
        if (delivery_errors <= max_reported_mismatches)
            fprintf(stderr, "rdkafka_roundtrip: delivery of message %ld failed: %s\n", i,
                    rd_kafka_err2str(m->err));
    }
}

static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    (void)rk;
    fprintf(stderr, "rdkafka log %d %s: %s\n", level, fac, buf);
}

static rd_kafka_conf_t* make_conf(const char* bootstrap) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) !=
        RD_KAFKA_CONF_OK)
        die("bootstrap.servers: %s", err);
    rd_kafka_conf_set_log_cb(conf, on_log);
    return conf;
}

static void set(rd_kafka_conf_t* conf, const char* name, const char* value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK)
        die("%s=%s: %s", name, value, err);
}

static void produce_all(const char* bootstrap, const char* topic, long count) {
    char err[512];
    rd_kafka_conf_t* conf = make_conf(bootstrap);
    set(conf, "acks", "all");
    set(conf, "linger.ms", "5");
    set(conf, "message.timeout.ms", "30000");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!producer) die("creating the producer: %s", err);

    for (long i = 0; i < count; i++) {
        char key[64], value[256], header[64];
        format_key(key, sizeof key, i);
        size_t value_len = format_value(value, sizeof value, i);
        format_header(header, sizeof header, i);
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_HEADER("index", header, -1),
                RD_KAFKA_V_HEADER("origin", "rdkafka_roundtrip", -1),
                RD_KAFKA_V_OPAQUE((void*)(intptr_t)i), RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer, 100);
                continue;
            }
            if (e) die("producev of message %ld: %s", i, rd_kafka_err2str(e));
            break;
        }
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_resp_err_t e = rd_kafka_flush(producer, timeout_s * 1000);
    if (e)
        die("flush: %s (%ld of %ld delivery reports)", rd_kafka_err2str(e), delivered_count, count);
    rd_kafka_destroy(producer);

    if (delivered_count != count)
        die("%ld delivery reports for %ld messages", delivered_count, count);
    if (delivery_errors) die("%ld of %ld messages were not delivered", delivery_errors, count);
    for (long i = 0; i < count; i++)
        if (deliveries[i].offset < 0)
            die("the delivery report of message %ld has no offset (%" PRId64 ")", i,
                deliveries[i].offset);
}

static int32_t partition_count(rd_kafka_t* rk, const char* topic) {
    const struct rd_kafka_metadata* md = NULL;
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic, NULL);
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10000);
    rd_kafka_topic_destroy(t);
    if (e) die("metadata for %s: %s", topic, rd_kafka_err2str(e));
    if (md->topic_cnt != 1) die("metadata for %s has %d topics", topic, md->topic_cnt);
    if (md->topics[0].err) die("metadata for %s: %s", topic, rd_kafka_err2str(md->topics[0].err));
    int32_t n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (n <= 0) die("topic %s has %d partitions", topic, n);
    return n;
}

static void check_message(const rd_kafka_message_t* m, long count, unsigned char* seen) {
    /* The key names the message; everything else must follow from it. */
    char key_text[64];
    size_t key_len = m->key_len < sizeof key_text - 1 ? m->key_len : sizeof key_text - 1;
    memcpy(key_text, m->key ? m->key : "", key_len);
    key_text[key_len] = '\0';
    char* end = NULL;
    long i = strncmp(key_text, "key-", 4) == 0 ? strtol(key_text + 4, &end, 10) : -1;
    if (i < 0 || i >= count || !end || *end != '\0') {
        mismatch("partition %" PRId32 " offset %" PRId64 ": unexpected key '%s' (%zu bytes)",
                 m->partition, m->offset, key_text, m->key_len);
        return;
    }
    if (seen[i]) mismatch("message %ld consumed twice (again at offset %" PRId64 ")", i, m->offset);
    seen[i] = 1;

    const struct delivery* d = &deliveries[i];
    if (m->partition != d->partition || m->offset != d->offset)
        mismatch("message %ld consumed at partition %" PRId32 " offset %" PRId64
                 ", delivered to partition %" PRId32 " offset %" PRId64,
                 i, m->partition, m->offset, d->partition, d->offset);

    char value[256];
    size_t value_len = format_value(value, sizeof value, i);
    if (m->len != value_len || memcmp(m->payload, value, value_len) != 0)
        mismatch("message %ld: value '%.*s' (%zu bytes), expected '%s'", i, (int)m->len,
                 (const char*)m->payload, m->len, value);

    rd_kafka_headers_t* headers = NULL;
    rd_kafka_resp_err_t e = rd_kafka_message_headers(m, &headers);
    if (e) {
        mismatch("message %ld: no headers (%s)", i, rd_kafka_err2str(e));
        return;
    }
    if (rd_kafka_header_cnt(headers) != 2)
        mismatch("message %ld: %zu headers, expected 2", i, rd_kafka_header_cnt(headers));
    char want[64];
    format_header(want, sizeof want, i);
    const void* hv = NULL;
    size_t hlen = 0;
    if (rd_kafka_header_get_last(headers, "index", &hv, &hlen) != RD_KAFKA_RESP_ERR_NO_ERROR)
        mismatch("message %ld: no 'index' header", i);
    else if (hlen != strlen(want) || memcmp(hv, want, hlen) != 0)
        mismatch("message %ld: header index='%.*s', expected '%s'", i, (int)hlen, (const char*)hv,
                 want);
    if (rd_kafka_header_get_last(headers, "origin", &hv, &hlen) != RD_KAFKA_RESP_ERR_NO_ERROR)
        mismatch("message %ld: no 'origin' header", i);
    else if (hlen != strlen("rdkafka_roundtrip") || memcmp(hv, "rdkafka_roundtrip", hlen) != 0)
        mismatch("message %ld: header origin='%.*s'", i, (int)hlen, (const char*)hv);
}

static void consume_all(const char* bootstrap, const char* topic, long count) {
    char err[512];
    rd_kafka_conf_t* conf = make_conf(bootstrap);
    /* A group id, but no group: partitions are assigned by hand and nothing is committed. */
    set(conf, "group.id", "rdkafka-roundtrip");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    set(conf, "auto.offset.reset", "error");
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!consumer) die("creating the consumer: %s", err);

    int32_t partitions = partition_count(consumer, topic);
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
    for (int32_t p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(assignment, topic, p)->offset = 0;
    rd_kafka_resp_err_t e = rd_kafka_assign(consumer, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    if (e) die("assign: %s", rd_kafka_err2str(e));

    unsigned char* seen = calloc((size_t)count, 1);
    int64_t* next_offset = calloc((size_t)partitions, sizeof *next_offset);
    if (!seen || !next_offset) die("out of memory");
    long consumed = 0;
    double deadline = now_s() + timeout_s;
    while (consumed < count && now_s() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 500);
        if (!m) continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                mismatch("consumer error: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->partition < 0 || m->partition >= partitions) {
            mismatch("message from partition %" PRId32 " of %" PRId32, m->partition, partitions);
        } else {
            /* In order within a partition: offsets only grow. */
            if (m->offset < next_offset[m->partition])
                mismatch("partition %" PRId32 ": offset %" PRId64 " after %" PRId64, m->partition,
                         m->offset, next_offset[m->partition] - 1);
            next_offset[m->partition] = m->offset + 1;
        }
        check_message(m, count, seen);
        consumed++;
        rd_kafka_message_destroy(m);
    }
    /* Anything more would be a message nobody produced. */
    double quiet_until = now_s() + 1.0;
    while (now_s() < quiet_until) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 200);
        if (!m) continue;
        if (!m->err) {
            mismatch("an extra message at partition %" PRId32 " offset %" PRId64, m->partition,
                     m->offset);
            consumed++;
        }
        rd_kafka_message_destroy(m);
    }
    if (consumed < count)
        mismatch("consumed %ld of %ld messages within %d s", consumed, count, timeout_s);
    long missing = 0;
    for (long i = 0; i < count; i++)
        if (!seen[i]) missing++;
    if (missing) mismatch("%ld messages never consumed", missing);
    free(seen);
    free(next_offset);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT\n", argv[0]);
        return 2;
    }
    const char* bootstrap = argv[1];
    const char* topic = argv[2];
    long count = strtol(argv[3], NULL, 10);
    if (count <= 0) die("COUNT must be positive, not '%s'", argv[3]);
    deliveries = calloc((size_t)count, sizeof *deliveries);
    if (!deliveries) die("out of memory");

    double start = now_s();
    produce_all(bootstrap, topic, count);
    double produced = now_s();
    consume_all(bootstrap, topic, count);
    double done = now_s();
    free(deliveries);
    if (mismatches) {
        fprintf(stderr, "rdkafka_roundtrip: FAILED: %ld mismatches (librdkafka %s)\n", mismatches,
                rd_kafka_version_str());
        return 1;
    }
    printf("rdkafka_roundtrip: OK: %ld messages produced (acks=all) in %.2f s and consumed back in "
           "%.2f s (librdkafka %s)\n",
           count, produced - start, done - produced, rd_kafka_version_str());
    return 0;
}
