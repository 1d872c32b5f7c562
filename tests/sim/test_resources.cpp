#include <gtest/gtest.h>

#include <string>

#include "sim/people.h"
#include "sim/resources.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

TEST(Resources, MemoryGrowsWithPeopleAndReplicatesRunningAtOnce) {
  SpecBuilder b;
  b.org("city", OrgKind::Municipality);
  b.people(1'000'000);
  b.replicates(8);
  const ScenarioSpec spec = b.build();
  const MemoryEstimate one = estimate_memory(spec, 1);
  EXPECT_EQ(one.concurrent_replicates, 1U);
  EXPECT_GE(one.per_replicate, 1'000'000 * People::bytes_per_person());
  const MemoryEstimate four = estimate_memory(spec, 4);
  EXPECT_EQ(four.concurrent_replicates, 4U);
  EXPECT_EQ(four.total - one.total, 3 * one.per_replicate);
  // Never more replicates at once than the scenario has.
  EXPECT_EQ(estimate_memory(spec, 64).concurrent_replicates, 8U);
}

TEST(Resources, ARunThatDoesNotFitIsRefusedWithTheEstimateAndTheLimit) {
  SpecBuilder b;
  b.org("city", OrgKind::Municipality);
  b.people(100'000'000);
  const ScenarioSpec spec = b.build();
  const std::uint64_t limit = 512ULL << 20;
  const std::string problem = memory_problem(spec, 2, limit);
  EXPECT_NE(problem.find(std::to_string(estimate_memory(spec, 2).total) + " bytes"), std::string::npos) << problem;
  EXPECT_NE(problem.find("allows " + std::to_string(limit) + " bytes"), std::string::npos) << problem;
  EXPECT_NE(problem.find("100000000 people"), std::string::npos) << problem;
  EXPECT_TRUE(memory_problem(spec, 2, estimate_memory(spec, 2).total).empty());
}

TEST(Resources, TheMachineLimitIsPositiveAndCanBeForced) {
  EXPECT_GT(memory_limit(), 0U);
  ::setenv("PARTNERSIM_MEMORY_LIMIT", "123456789", 1);
  EXPECT_EQ(memory_limit(), 123456789U);
  ::unsetenv("PARTNERSIM_MEMORY_LIMIT");
}

TEST(Resources, AResultLargerThanTheFreeDiskSpaceIsRefused) {
  SpecBuilder b(1200);
  for (int i = 0; i < 10000; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
  b.replicates(10000);
  const ScenarioSpec spec = b.build();
  EXPECT_GT(estimate_result_bytes(spec, 50), 1200ULL * 10000 * 10000 * 17);
  const std::string problem = disk_problem(spec, 50, "/tmp/result.h5");  // ~2 TB
  EXPECT_NE(problem.find("free"), std::string::npos) << problem;
  EXPECT_TRUE(disk_problem(SpecBuilder(2).build(), 50, "/tmp/small.h5").empty());
}

}  // namespace
}  // namespace partnersim
