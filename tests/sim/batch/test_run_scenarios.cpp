// RunScenarios gives each run of a sweep the scenario that parsing the base with the run's seed
// and settings would give, without parsing it per run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/batch/run_scenarios.h"
#include "sim/batch/sweep.h"
#include "sim/scenario/parser.h"
#include "support/cli.h"

namespace partnersim {
namespace {

using testing::source_path;

SweepSpec sopot_sweep() {
  return parse_sweep("scenario: " + source_path("scenarios/sopot.yaml") + R"(
seed: 5
steps: 120
design: list
parameters:
  reintegration.referral_rate: {values: [0.03]}
)",
                     "sweep.yaml");
}

ScenarioSpec parsed(const SweepSpec& sweep, std::uint64_t seed, const std::vector<std::string>& set) {
  ScenarioOverrides overrides;
  overrides.steps = sweep.steps;
  overrides.seed = seed;
  overrides.replicates = 1;
  overrides.set = set;
  return parse_scenario(sweep.scenario_text, sweep.scenario_path, overrides);
}

void expect_same(const ScenarioSpec& a, const ScenarioSpec& b) {
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.replicates, b.replicates);
  EXPECT_EQ(a.params.values(), b.params.values());
  EXPECT_EQ(a.source_text, b.source_text);
  EXPECT_EQ(a.organisations.size(), b.organisations.size());
  EXPECT_EQ(a.events.size(), b.events.size());
}

TEST(RunScenarios, EqualTheParsedScenarioForEverySeedAndPoint) {
  const SweepSpec sweep = sopot_sweep();
  const RunScenarios scenarios(sweep);
  const std::vector<std::vector<std::string>> points = {
      {"reintegration.referral_rate=0.03", "cooperatives.failure_hazard=0.02"},
      {"reintegration.referral_rate=0.08"},
      {}};
  // More seeds than the cache keeps, and seeds coming back after they were dropped.
  for (const std::uint64_t seed : {1ULL, 2ULL, 3ULL, 4ULL, 5ULL, 6ULL, 1ULL, 6ULL}) {
    for (const auto& set : points) {
      const ScenarioSpec made = scenarios.make(seed, set);
      expect_same(made, parsed(sweep, seed, set));
    }
  }
  // A setting is applied to the run only, not to the cached base.
  EXPECT_NE(scenarios.make(1, points[1]).params.get("reintegration.referral_rate"),
            scenarios.make(1, {}).params.get("reintegration.referral_rate"));
}

TEST(RunScenarios, InvalidSettingsFailWithTheParsersMessage) {
  const SweepSpec sweep = sopot_sweep();
  const RunScenarios scenarios(sweep);
  const std::vector<std::vector<std::string>> bad = {
      {"reintegration.programme_min_months=10", "reintegration.programme_max_months=8"},  // a combination
      {"reintegration.referral_rate=-1"},                                                 // out of range
      {"reintegration.no_such_parameter=1"},
      {"reintegration.referral_rate"}};
  for (const auto& set : bad) {
    std::string expected;
    try {
      static_cast<void>(parsed(sweep, 7, set));
    } catch (const ScenarioError& e) {
      expected = e.what();
    }
    ASSERT_FALSE(expected.empty()) << set.front();
    try {
      static_cast<void>(scenarios.make(7, set));
      ADD_FAILURE() << "no error for " << set.front();
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
}

}  // namespace
}  // namespace partnersim
