#pragma once
// Running deep recursion (libstdc++ std::regex) on a thread with a large
// stack. Internal to emulator/schema.
//
// libstdc++'s std::regex recurses once per input character (about 250 bytes
// of stack each at -O2, several times that under sanitizers), so matching a
// long string can overflow an ordinary thread's stack. Strings up to
// inline_regex_bytes are matched on the caller's stack; longer ones, up to
// max_regex_bytes, on a helper thread whose stack is sized for them; longer
// still is reported as a validation error rather than risked.

#include <cstddef>
#include <functional>

namespace eventfabric::schema::detail {

inline constexpr std::size_t inline_regex_bytes = 1024;
inline constexpr std::size_t max_regex_bytes = 128 * 1024;

// Stack needed to match (or validate with) strings of `longest` bytes.
std::size_t regex_stack_bytes(std::size_t longest) noexcept;

// Runs fn on a new thread with `stack_bytes` of stack and waits for it.
// Returns false (fn not run) when the thread cannot be created. fn must not throw.
bool run_with_stack(std::size_t stack_bytes, const std::function<void()>& fn) noexcept;

}  // namespace eventfabric::schema::detail
