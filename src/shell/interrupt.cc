#include "shell/interrupt.h"

#include <csignal>

namespace spate::shell {
namespace {

volatile std::sig_atomic_t interrupted = 0;

void on_sigint(int) {
    interrupted = 1;
}

} // namespace

void install_interrupt_handler() {
    struct sigaction action = {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a blocking read returns EINTR
    sigaction(SIGINT, &action, nullptr);
}

bool interrupt_pending() {
    return interrupted != 0;
}

void clear_interrupt() {
    interrupted = 0;
}

} // namespace spate::shell
