// The scenario of each run of a sweep, without parsing the base scenario's YAML for every run
// (parsing cost more than a Sopot run's whole simulation): the base is parsed once per seed,
// since only a generator section depends on the seed, and a run's design point is applied to
// a copy. The result equals parse_scenario of the base with the run's seed and --set values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/batch/sweep.h"
#include "sim/spec.h"

namespace partnersim {

class RunScenarios {
 public:
  explicit RunScenarios(const SweepSpec& sweep)
      : scenario_text_(sweep.scenario_text), scenario_path_(sweep.scenario_path), steps_(sweep.steps) {}

  // The scenario of a run with `seed` and the settings `set` ("module.param=value").
  // Throws ScenarioError with the same message as parse_scenario when they are invalid.
  // Thread-safe.
  [[nodiscard]] ScenarioSpec make(std::uint64_t seed, const std::vector<std::string>& set) const;

 private:
  // Runs start replicate by replicate, so with common random numbers consecutive runs share
  // their seed; a few recent bases are enough, and memory stays bounded whatever the sweep.
  static constexpr std::size_t kRecentSeeds = 4;

  [[nodiscard]] std::shared_ptr<const ScenarioSpec> base(std::uint64_t seed) const;
  [[nodiscard]] ScenarioSpec parse(std::uint64_t seed, const std::vector<std::string>& set) const;

  std::string scenario_text_;
  std::string scenario_path_;
  std::optional<int> steps_;
  mutable std::mutex mutex_;
  mutable std::deque<std::pair<std::uint64_t, std::shared_ptr<const ScenarioSpec>>> recent_;
};

}  // namespace partnersim
