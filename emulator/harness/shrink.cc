#include "emulator/harness/shrink.h"

#include <algorithm>

namespace eventfabric::harness {

namespace {

// Splits s into n contiguous chunks of near-equal size.
std::vector<faults::schedule> chunks_of(const faults::schedule& s, std::size_t n) {
  std::vector<faults::schedule> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t len = (s.size() - start) / (n - i);
    out.emplace_back(s.begin() + static_cast<std::ptrdiff_t>(start),
                     s.begin() + static_cast<std::ptrdiff_t>(start + len));
    start += len;
  }
  return out;
}

faults::schedule without(const faults::schedule& s, std::size_t n, std::size_t skip) {
  const auto parts = chunks_of(s, n);
  faults::schedule out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (i != skip) out.insert(out.end(), parts[i].begin(), parts[i].end());
  return out;
}

}  // namespace

shrink_result shrink(const faults::schedule& failing, const std::function<bool(const faults::schedule&)>& fails,
                     int max_tries) {
  shrink_result r;
  r.minimal = failing;
  auto test = [&](const faults::schedule& s) {
    if (r.tries >= max_tries) {
      r.exhausted = true;
      return false;
    }
    ++r.tries;
    return fails(s);
  };
  if (failing.empty()) return r;
  if (test({})) {
    r.minimal.clear();
    return r;
  }
  std::size_t n = 2;
  while (r.minimal.size() >= 2 && !r.exhausted) {
    n = std::min(n, r.minimal.size());
    bool reduced = false;
    const auto parts = chunks_of(r.minimal, n);
    for (const auto& part : parts) {
      if (test(part)) {
        r.minimal = part;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && n > 2) {
      for (std::size_t i = 0; i < n; ++i) {
        auto rest = without(r.minimal, n, i);
        if (test(rest)) {
          r.minimal = std::move(rest);
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= r.minimal.size()) break;
      n = std::min(n * 2, r.minimal.size());
    }
  }
  return r;
}

}  // namespace eventfabric::harness
