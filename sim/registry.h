// The registry of rule modules. Each module file registers itself with one line:
//   PARTNERSIM_REGISTER_MODULE(reintegration_module_info);
// so adding a module edits nothing central.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/module.h"

namespace partnersim {

class ModuleRegistry {
 public:
  static ModuleRegistry& instance();

  bool add(ModuleInfo info);  // returns true so it can initialise a static
  // Modules sorted by (order, name): the order in which they run within a phase.
  [[nodiscard]] const std::vector<ModuleInfo>& modules() const { return modules_; }
  [[nodiscard]] const ModuleInfo* find(std::string_view module_name) const;
  // "module.param" -> its spec, or nullptr.
  [[nodiscard]] const ParamSpec* find_param(std::string_view full_name) const;
  // Every parameter at its default.
  [[nodiscard]] ParamSet defaults() const;
  // First cross-parameter problem found by a module's check_params, or empty.
  [[nodiscard]] std::string check(const ParamSet& params) const;
  // Metrics of all modules in registry order, engine metrics first, ratio metrics last.
  [[nodiscard]] std::vector<MetricSpec> all_metrics() const;
  // For each ratio metric (in all_metrics order): indices of its numerator and denominator
  // in all_metrics(). Throws std::logic_error naming a ratio whose inputs do not exist.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> ratio_inputs() const;

 private:
  std::vector<ModuleInfo> modules_;
};

// Metrics that the engine itself records for every scenario.
const std::vector<MetricSpec>& engine_metrics();

}  // namespace partnersim

#define PARTNERSIM_CONCAT_INNER(a, b) a##b
#define PARTNERSIM_CONCAT(a, b) PARTNERSIM_CONCAT_INNER(a, b)
#define PARTNERSIM_REGISTER_MODULE(info_function)                                   \
  namespace {                                                                       \
  [[maybe_unused]] const bool PARTNERSIM_CONCAT(partnersim_registered_, __LINE__) = \
      ::partnersim::ModuleRegistry::instance().add(info_function());                \
  }
