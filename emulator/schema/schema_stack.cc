#include "emulator/schema/schema_stack.h"

#include <pthread.h>

namespace eventfabric::schema::detail {

std::size_t regex_stack_bytes(std::size_t longest) noexcept {
#if defined(EF_SANITIZE)
  constexpr std::size_t per_char = 4096;
#else
  constexpr std::size_t per_char = 1024;  // four times what -O2 needs
#endif
  return (std::size_t{2} << 20) + longest * per_char;
}

bool run_with_stack(std::size_t stack_bytes, const std::function<void()>& fn) noexcept {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  const int rc = pthread_create(
      &thread, &attr,
      [](void* p) -> void* {
        (*static_cast<const std::function<void()>*>(p))();
        return nullptr;
      },
      const_cast<std::function<void()>*>(&fn));
  pthread_attr_destroy(&attr);
  if (rc != 0) return false;
  pthread_join(thread, nullptr);
  return true;
}

}  // namespace eventfabric::schema::detail
