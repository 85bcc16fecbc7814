#include "app/demo.h"

#include "app/kafka_producer_internal.h"
#include "app/sensor_generator.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace spate::app {

std::vector<std::string> demo_statements() {
    return {
        R"(CREATE SOURCE IF NOT EXISTS sensors (
    device      VARCHAR NOT NULL,
    temperature DOUBLE CHECK (temperature BETWEEN -40 AND 125),
    humidity    DOUBLE CHECK (humidity BETWEEN 0 AND 100),
    ts          TIMESTAMP NOT NULL,
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (topic = 'sensors', format = 'json', idle_timeout = '5 seconds'))",
        R"(CREATE MATERIALIZED VIEW IF NOT EXISTS sensor_averages WITH (emit = 'early') AS
SELECT window_start, window_end, device,
       avg(temperature) AS avg_temperature, avg(humidity) AS avg_humidity, count(*) AS readings
FROM TUMBLE(TABLE sensors, DESCRIPTOR(ts), INTERVAL '10' SECOND)
GROUP BY window_start, window_end, device)",
        R"(CREATE MATERIALIZED VIEW IF NOT EXISTS overheating AS
SELECT window_start, window_end, device, count(*) AS hot_readings,
       max(temperature) AS max_temperature
FROM TUMBLE(TABLE sensors, DESCRIPTOR(ts), INTERVAL '10' SECOND)
WHERE temperature > 35
GROUP BY window_start, window_end, device)",
    };
}

demo_runner::demo_runner(demo_options opts, std::string kafka, uint16_t pg_port)
    : _opts(opts), _kafka(std::move(kafka)), _pg_port(pg_port) {}

demo_runner::~demo_runner() {
    stop();
}

namespace {

result<void> run_statements(uint16_t pg_port) {
    std::string conninfo = fmt::format("host=127.0.0.1 port={} user=spate dbname=spate", pg_port);
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        return error::make(errc::unknown_server_error, "demo: cannot connect to port {}: {}",
                           pg_port, PQerrorMessage(conn.get()));
    // "already exists, skipping" on a restart is expected, not news.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    for (const auto& sql : demo_statements()) {
        std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()),
                                                          &PQclear);
        auto status = PQresultStatus(res.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return error::make(errc::invalid_request, "demo: {} failed: {}",
                               sql.substr(0, sql.find('(')), PQresultErrorMessage(res.get()));
    }
    return ok();
}

} // namespace

result<void> demo_runner::start() {
    if (auto r = run_statements(_pg_port); !r) return r;
    _thread = std::thread([this] { produce_loop(); });
    return ok();
}

void demo_runner::stop() {
    _stop.store(true);
    if (_thread.joinable()) _thread.join();
}

void demo_runner::produce_loop() {
    kafka_detail::delivery_state delivered;
    auto producer = kafka_detail::new_producer(
        {{"bootstrap.servers", _kafka}, {"linger.ms", "20"}, {"client.id", "spate-demo"}},
        delivered);
    if (!producer) {
        spdlog::error("demo: {}", producer.err().to_string());
        return;
    }
    rd_kafka_t* rk = producer->get();
    sensor_generator gen(_opts.devices, static_cast<uint64_t>(std::time(nullptr)));
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    uint64_t sent = 0;
    while (!_stop.load(std::memory_order_relaxed)) {
        // Catch up with the rate every tick, then sleep until the next.
        auto elapsed = std::chrono::duration<double>(clock::now() - start).count();
        auto due = static_cast<uint64_t>(elapsed * _opts.rate);
        auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        for (; sent < due; ++sent) {
            sensor_record r = gen.next(now_ms);
            rd_kafka_resp_err_t err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC("sensors"), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
                RD_KAFKA_V_VALUE(r.value.data(), r.value.size()), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) break; // queue full: retry next tick
        }
        _produced.store(delivered.delivered, std::memory_order_relaxed);
        rd_kafka_poll(rk, 20);
    }
    rd_kafka_flush(rk, 5000);
    _produced.store(delivered.delivered, std::memory_order_relaxed);
    if (delivered.failed)
        spdlog::warn("demo: {} record(s) were not delivered: {}", delivered.failed,
                     delivered.first_error);
}

} // namespace spate::app
