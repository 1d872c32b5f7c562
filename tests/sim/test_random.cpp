#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "sim/random.h"

namespace partnersim {
namespace {

std::vector<std::uint64_t> draws(RandomStream s, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(s.next_u64());
  return out;
}

TEST(RandomStream, IsAPureFunctionOfItsKey) {
  const StreamKey key{7, 2};
  EXPECT_EQ(draws(RandomStream(key, 3, purpose("a"), 11), 9), draws(RandomStream(key, 3, purpose("a"), 11), 9));
}

TEST(RandomStream, EveryKeyComponentChangesTheStream) {
  const auto base = draws(RandomStream({7, 2}, 3, purpose("a"), 11), 4);
  EXPECT_NE(base, draws(RandomStream({8, 2}, 3, purpose("a"), 11), 4));  // seed
  EXPECT_NE(base, draws(RandomStream({7, 3}, 3, purpose("a"), 11), 4));  // replicate
  EXPECT_NE(base, draws(RandomStream({7, 2}, 4, purpose("a"), 11), 4));  // step
  EXPECT_NE(base, draws(RandomStream({7, 2}, 3, purpose("b"), 11), 4));  // purpose
  EXPECT_NE(base, draws(RandomStream({7, 2}, 3, purpose("a"), 12), 4));  // agent
}

TEST(RandomStream, SuccessiveDrawsDifferAcrossBlocks) {
  const auto d = draws(RandomStream({1, 0}, 0, 0, 0), 64);
  EXPECT_EQ(std::set<std::uint64_t>(d.begin(), d.end()).size(), d.size());
}

TEST(RandomStream, UniformHasTheRightMeanAndVariance) {
  // Mean 1/2 and variance 1/12; with n = 200k the standard error of the mean is 6.5e-4.
  constexpr int n = 200000;
  double sum = 0;
  double sum2 = 0;
  for (int agent = 0; agent < n; ++agent) {
    RandomStream s({99, 0}, 5, purpose("test"), static_cast<std::uint64_t>(agent));
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.5, 5 * 6.5e-4);
  EXPECT_NEAR(sum2 / n - mean * mean, 1.0 / 12.0, 0.002);
}

TEST(RandomStream, BelowIsUniformOverItsRange) {
  RandomStream s({3, 1}, 0, purpose("below"), 0);
  std::vector<int> counts(10, 0);
  constexpr int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[s.below(10)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
  EXPECT_LT(chi2, 27.9);  // chi-square, 9 degrees of freedom, p = 0.001
}

TEST(Purpose, IsStableAndDistinct) {
  static_assert(purpose("reintegration.relapse") == purpose("reintegration.relapse"));
  EXPECT_NE(purpose("reintegration.relapse"), purpose("reintegration.referral"));
}

}  // namespace
}  // namespace partnersim
