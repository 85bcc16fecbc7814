#pragma once

namespace spate::shell {

/// Ctrl-C for the shell: a SIGINT handler that only raises a flag (and interrupts blocking
/// reads, since it is installed without SA_RESTART), which the line editor and the query loop
/// poll. Process-wide; install once, from the main thread.
void install_interrupt_handler();

/// True if SIGINT arrived since the last clear_interrupt(). Any thread, async-signal-safe.
bool interrupt_pending();

/// Forgets a pending SIGINT.
void clear_interrupt();

} // namespace spate::shell
