// Rule modules: one mechanism each. A module describes itself (parameters, metrics, the
// phases it runs in) through a ModuleInfo and is instantiated once per replicate.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/params.h"
#include "sim/world.h"

namespace partnersim {

// The fixed order of work inside one monthly step. Modules subscribe to the phases they
// need; within a phase, modules run in registry order. The engine itself owns Rewire
// (applies proposed graph edits) and Observe (metrics and output).
enum class Phase : std::uint8_t {
  Events,         // scheduled events of this month
  Funding,        // money and places flow in
  Trade,          // procurement and market
  Organisations,  // founding, growth, dormancy, closure
  People,         // reintegration flows
  Ties,           // cooperation dynamics: propose tie changes
  Rewire,         // engine: apply graph edits
  Accounts,       // end-of-month settlement
};
inline constexpr std::array<Phase, 8> kPhases = {Phase::Events, Phase::Funding, Phase::Trade,  Phase::Organisations,
                                                 Phase::People, Phase::Ties,    Phase::Rewire, Phase::Accounts};
std::string_view name_of(Phase p);

struct MetricSpec {
  std::string name;  // globally unique, snake_case, e.g. "people_in_programme"
  std::string unit;  // "persons", "PLN", "ties", ...
  std::string description;
};

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Reads the module's parameters; called before the first step and again whenever a
  // scheduled event changes a parameter.
  virtual void configure(const ParamSet& params) = 0;
  // Prepares per-replicate state from the world as built from the scenario.
  virtual void setup(World& /*world*/) {}
  virtual void step(Phase phase, World& world) = 0;
  // Writes this step's values of the module's metrics, in the order they were declared.
  virtual void observe(const World& world, std::span<double> out) const = 0;

  // Checkpoints: writes everything the module carries from the end of one month into the
  // next (not its parameters, which configure() sets again, nor what setup() derives from
  // the scenario alone); restore_state reads it back, in the same order, after setup().
  // Every module says what it carries, even when it is nothing.
  virtual void save_state(StateWriter& out) const = 0;
  virtual void restore_state(StateReader& in) = 0;
};

// A metric computed by the engine after every module has observed: numerator / denominator
// (two metrics by name, possibly of different modules); NaN when the denominator is 0.
struct RatioMetric {
  MetricSpec metric;
  std::string numerator;
  std::string denominator;
};

struct ModuleInfo {
  std::string name;  // prefix of its parameters: "<name>.<param>"
  std::string doc;
  int order = 0;  // position among modules sharing a phase (lower runs first)
  std::vector<Phase> phases;
  std::vector<ParamSpec> params;
  std::vector<MetricSpec> metrics;
  std::vector<RatioMetric> ratios;  // derived metrics, listed after all module metrics
  std::function<std::unique_ptr<Module>()> make;
  // Constraints between parameters that one range cannot express; returns what is wrong,
  // or an empty string. Optional.
  std::function<std::string(const ParamSet&)> check_params;
};

}  // namespace partnersim
