// pgwire_test_server: the Postgres protocol server with the TEST handler (test_handler.h), for
// the Python tests. Prints "LISTENING host:port" once it accepts, runs until SIGTERM/SIGINT.
//
//   pgwire_test_server [--port N] [--shards N]

#include "pgwire/server.h"
#include "runtime/shard_set.h"
#include "test_handler.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    using namespace spate;
    int port = 0;
    unsigned shards_count = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0)
            port = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--shards") == 0)
            shards_count = static_cast<unsigned>(std::atoi(argv[i + 1]));
        else {
            std::fprintf(stderr, "usage: %s [--port N] [--shards N]\n", argv[0]);
            return 2;
        }
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr); // inherited by the shards' threads

    runtime::shard_set shards(shards_count);
    pgwire::server srv(shards, "127.0.0.1:" + std::to_string(port),
                       pgwire::testing::make_test_handler, pgwire::testing::test_relations);
    if (auto r = srv.open(); !r) {
        std::fprintf(stderr, "%s\n", r.err().to_string().c_str());
        return 1;
    }
    srv.start();
    shards.start();
    std::printf("LISTENING %s\n", srv.bound_address().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    auto done = boost::asio::co_spawn(shards.executor(0), srv.stop(), boost::asio::use_future);
    done.get();
    shards.stop();
    return 0;
}
