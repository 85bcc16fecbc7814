#pragma once

// Helpers shared by the log module's tests: a temporary directory, an owner event loop with a
// blocking pool, a way to run a coroutine to completion, and batch builders.

#include "log/partition.h"
#include "model/batch_builder.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace spate::log::testing {

/// A fresh directory under the system temp dir, removed when the test ends.
class temp_dir {
public:
    temp_dir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "spate-log-XXXXXX").string();
        _path = ::mkdtemp(tmpl.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
    const std::filesystem::path& path() const { return _path; }

private:
    std::filesystem::path _path;
};

/// A batch of `n` records whose values are "<prefix>-<i>" padded to `value_size` bytes.
inline std::vector<std::byte> make_batch(int n, const std::string& prefix, size_t value_size = 0,
                                         int64_t ts = 1'700'000'000'000) {
    model::batch_builder b;
    for (int i = 0; i < n; ++i) {
        std::string v = prefix + "-" + std::to_string(i);
        if (v.size() < value_size) v.resize(value_size, '.');
        b.add("k" + std::to_string(i), v, model::timestamp_ms(ts + i));
    }
    return b.build();
}

/// The values of every record in a span of batches, in order.
inline std::vector<std::string> values_of(std::span<const std::byte> batches) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < batches.size()) {
        auto h = model::parse_batch_header(batches.subspan(pos));
        EXPECT_TRUE(h.has_value());
        if (!h) break;
        model::record_reader r(batches.subspan(pos + model::batch_layout::header_size,
                                               h->size_bytes() - model::batch_layout::header_size));
        while (!r.at_end()) {
            auto rec = r.next();
            EXPECT_TRUE(rec.has_value());
            if (!rec) break;
            out.emplace_back(reinterpret_cast<const char*>(rec->value->data()), rec->value->size());
        }
        pos += h->size_bytes();
    }
    return out;
}

inline void append_bytes_to_file(const std::filesystem::path& p, std::string_view bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::app);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// An owner event loop (run on the test's thread) and a blocking pool, as a shard has.
class log_fixture : public ::testing::Test {
public:
    boost::asio::io_context io;
    boost::asio::thread_pool pool{1};
    temp_dir dir;

    ~log_fixture() override { pool.join(); }

    partition_context ctx() { return {io.get_executor(), &pool}; }

    std::shared_ptr<partition> open(log_config c = {}) {
        auto p = partition::open(dir.path() / "p0", "t-0", std::move(c), ctx());
        EXPECT_TRUE(p.has_value()) << (p ? "" : p.err().to_string());
        if (!p) return nullptr;
        return std::move(p).value();
    }

    /// Runs a coroutine on the owner loop until it finishes and returns its value.
    template <typename T>
    T run(boost::asio::awaitable<T> a) {
        std::optional<T> out;
        boost::asio::co_spawn(
            io, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(a)); },
            boost::asio::detached);
        io.restart();
        while (!out && io.run_one() > 0) {
        }
        EXPECT_TRUE(out.has_value()) << "the event loop ran out of work before the coroutine ended";
        if (!out) throw std::runtime_error("coroutine did not finish");
        return std::move(*out);
    }

    /// Appends and waits until durable.
    append_result append_durable(partition& p, std::vector<std::byte> batch) {
        auto r = run(p.append_durable(batch));
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.err().to_string());
        return r ? *r : append_result{};
    }
};

} // namespace spate::log::testing
