// Bit-for-bit comparison of results: NaN (an undefined ratio) equals NaN of the same bits,
// which == on doubles would deny.
#pragma once

#include <cstring>
#include <vector>

namespace partnersim::testing {

inline bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

template <typename Nested>
bool bitwise_equal(const std::vector<Nested>& a, const std::vector<Nested>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!bitwise_equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace partnersim::testing
