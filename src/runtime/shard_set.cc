#include "runtime/shard_set.h"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <cassert>
#include <string>

namespace spate::runtime {

namespace {
thread_local std::optional<unsigned> this_shard;
} // namespace

shard_set::shard_set(unsigned count) {
    assert(count >= 1);
    for (unsigned i = 0; i < count; ++i) {
        auto s = std::make_unique<shard>();
        // Concurrency hint 1: each loop is run by exactly one thread, so Asio can skip locking.
        s->io = std::make_unique<loop>(1);
        _shards.push_back(std::move(s));
    }
}

shard_set::~shard_set() {
    stop();
    // Destroying a suspended coroutine can post the destruction of its caller's frame to the
    // caller's loop (Asio hands a coroutine stack back to its own executor to unwind), which
    // may be a loop already shut down; and a frame holds work on the loop it came from. So
    // every loop is shut down (its pending handlers destroyed) while all of them exist, in
    // rounds, until the chains of frames have unwound: each round destroys at least one level.
    constexpr int rounds = 8;
    for (int round = 0; round < rounds; ++round)
        for (auto& s : _shards)
            s->io->shutdown();
}

void shard_set::start() {
    assert(!_running);
    _running = true;
    for (unsigned i = 0; i < _shards.size(); ++i) {
        auto& s = *_shards[i];
        s.work.emplace(s.io->get_executor());
        s.thread = std::thread([this, i] {
            this_shard = i;
            auto name = "spate-shard-" + std::to_string(i);
            pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
            try {
                _shards[i]->io->run();
            } catch (const std::exception& e) {
                // Handlers report failures as values; an escaping exception is a bug.
                spdlog::critical("shard {}: unhandled exception: {}", i, e.what());
                std::abort();
            }
        });
    }
}

void shard_set::stop() {
    if (!_running) return;
    _running = false;
    for (auto& s : _shards) {
        s->work.reset();
        s->io->stop();
    }
    for (auto& s : _shards)
        if (s->thread.joinable()) s->thread.join();
}

std::optional<unsigned> shard_set::current() {
    return this_shard;
}

unsigned default_shard_count() {
    auto n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

} // namespace spate::runtime
