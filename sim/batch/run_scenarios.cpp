#include "sim/batch/run_scenarios.h"

#include <string_view>

#include "sim/params.h"
#include "sim/registry.h"
#include "sim/scenario/parser.h"

namespace partnersim {

ScenarioSpec RunScenarios::parse(std::uint64_t seed, const std::vector<std::string>& set) const {
  ScenarioOverrides overrides;
  overrides.steps = steps_;
  overrides.seed = seed;
  overrides.replicates = 1;
  overrides.set = set;
  return parse_scenario(scenario_text_, scenario_path_, overrides);
}

std::shared_ptr<const ScenarioSpec> RunScenarios::base(std::uint64_t seed) const {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [s, spec] : recent_) {
      if (s == seed) return spec;
    }
  }
  // Parsed outside the lock: other workers go on meanwhile (two may parse the same seed).
  auto spec = std::make_shared<const ScenarioSpec>(parse(seed, {}));
  const std::lock_guard lock(mutex_);
  recent_.emplace_back(seed, spec);
  if (recent_.size() > kRecentSeeds) recent_.pop_front();
  return spec;
}

ScenarioSpec RunScenarios::make(std::uint64_t seed, const std::vector<std::string>& set) const {
  const ModuleRegistry& registry = ModuleRegistry::instance();
  ScenarioSpec spec = *base(seed);
  // As the parser applies --set; anything it would reject goes through the parser itself,
  // so the error names the same file, key and problem.
  for (const std::string& entry : set) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos) return parse(seed, set);
    const std::string name = entry.substr(0, eq);
    const ParamSpec* param = registry.find_param(name);
    if (param == nullptr) return parse(seed, set);
    const auto value = parse_param_value(param->type, std::string_view(entry).substr(eq + 1));
    if (!value || !param->check(*value).empty()) return parse(seed, set);
    spec.params.set(name, *value);
  }
  if (!registry.check(spec.params).empty()) return parse(seed, set);
  return spec;
}

}  // namespace partnersim
