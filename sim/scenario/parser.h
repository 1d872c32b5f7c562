// Scenario files: the one place where YAML is read. Produces a validated, immutable
// ScenarioSpec or throws ScenarioError naming the file, line, column, key path and what
// was expected. See docs/SCENARIO.md for the format.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/registry.h"
#include "sim/spec.h"

namespace partnersim {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, int line, int column, std::string key_path, std::string problem);

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] int line() const { return line_; }      // 1-based; 0 when not tied to a line
  [[nodiscard]] int column() const { return column_; }  // 1-based; 0 when not tied to a line
  [[nodiscard]] const std::string& key_path() const { return key_path_; }
  [[nodiscard]] const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_path_;
  std::string problem_;
};

// Command-line overrides applied on top of the file, validated the same way.
struct ScenarioOverrides {
  std::optional<int> steps;
  std::optional<std::uint64_t> seed;
  std::optional<int> replicates;
  std::vector<std::string> set;  // "module.param=value"
  // Replaces a generator section's scale (after the file's value is checked), so the same
  // generated structure runs smaller or larger; no effect without a generator section. The
  // fuzz harness uses it to keep inputs fast.
  std::optional<double> generator_scale;
};

ScenarioSpec parse_scenario(std::string_view text, const std::string& path_for_messages,
                            const ScenarioOverrides& overrides = {},
                            const ModuleRegistry& registry = ModuleRegistry::instance());

// Reads the file (ScenarioError if it cannot be read) and parses it.
ScenarioSpec load_scenario(const std::string& path, const ScenarioOverrides& overrides = {},
                           const ModuleRegistry& registry = ModuleRegistry::instance());

}  // namespace partnersim
