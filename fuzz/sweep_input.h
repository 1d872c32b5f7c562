// What the sweep fuzzer does with one input, shared with the regression test that replays
// every input that once found a bug (tests/sim/batch/test_sweep_fuzz_regressions.cpp).
//
// A sweep file names its base scenario by path, so the fuzzed text is parsed as if it were
// `<folder>/sweeps/fuzz.yaml` in a private temporary folder that holds one fixed, valid base
// scenario twice: `<folder>/sopot.yaml` (what the shipped sweeps name, `../sopot.yaml`) and
// `<folder>/sweeps/base.yaml`. What is fuzzed is the sweep format, not the base.
//
// An input must either be refused with a ScenarioError or parse into a sweep whose design
// expands consistently: as many points as the sweep says, every value inside its parameter's
// range or list, every run once in the run order, and the overrides of its first and last
// point accepted or refused (ScenarioError) by the scenario parser, as `batch` does per run.
// Anything else (another exception, a crash, a sanitizer report, a leak, a hang, running
// out of memory) is a bug.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <stdlib.h>  // mkdtemp (POSIX)
#include <string>
#include <string_view>

#include "sim/batch/sweep.h"
#include "sim/scenario/parser.h"

namespace partnersim::fuzzing {

// Sweeps with more runs than this are parsed and validated but not expanded, so that each
// input stays fast (the expansion of a valid sweep is linear in its runs).
inline constexpr std::uint64_t kMaxRunsToExpand = 20'000;

// The temporary folder with the base scenario; removed by the destructor.
class SweepFuzzFolder {
 public:
  // `base_scenario` is the path of a valid, self-contained scenario (no `include`), copied in.
  explicit SweepFuzzFolder(const std::filesystem::path& base_scenario) {
    std::string pattern = (std::filesystem::temp_directory_path() / "partnersim-sweep-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder");
    root_ = pattern;
    std::ifstream in(base_scenario, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty()) throw std::runtime_error("cannot read " + base_scenario.string());
    std::filesystem::create_directory(root_ / "sweeps");
    for (const auto& copy : {root_ / "sopot.yaml", root_ / "sweeps" / "base.yaml"}) {
      std::ofstream(copy, std::ios::binary) << text.str();
    }
  }
  ~SweepFuzzFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  SweepFuzzFolder(const SweepFuzzFolder&) = delete;
  SweepFuzzFolder& operator=(const SweepFuzzFolder&) = delete;

  // Where the fuzzed sweep text pretends to live.
  [[nodiscard]] std::string sweep_path() const { return (root_ / "sweeps" / "fuzz.yaml").string(); }

 private:
  std::filesystem::path root_;
};

enum class SweepOutcome : std::uint8_t { Refused, Expanded, ParsedOnly };

namespace detail {

[[noreturn]] inline void broken(const std::string& what) { throw std::logic_error("sweep fuzzer: " + what); }

inline void check_point_values(const SweepSpec& sweep, const DesignPoint& point) {
  if (point.values.size() != sweep.parameters.size()) broken("a point has the wrong number of values");
  for (std::size_t j = 0; j < point.values.size(); ++j) {
    const SweepParameter& p = sweep.parameters[j];
    const double v = point.values[j];
    const bool listed = std::find(p.values.begin(), p.values.end(), v) != p.values.end();
    const bool in_range = p.values.empty() && p.min <= v && v <= p.max;
    if (!listed && !in_range) broken("a value of " + p.name + " outside its values or range");
  }
}

}  // namespace detail

inline SweepOutcome run_sweep_input(std::string_view text, const SweepFuzzFolder& folder) {
  SweepSpec sweep;
  try {
    sweep = parse_sweep(text, folder.sweep_path());
  } catch (const ScenarioError&) {
    return SweepOutcome::Refused;
  }
  const std::uint64_t points = design_point_count(sweep);
  if (points * static_cast<std::uint64_t>(sweep.replicates) > kMaxRunsToExpand) return SweepOutcome::ParsedOnly;

  const std::vector<DesignPoint> design = design_points(sweep);
  if (design.size() != points)
    detail::broken("design_points gave a different number of points than design_point_count");
  for (const DesignPoint& point : design) detail::check_point_values(sweep, point);

  const std::vector<SweepRun> runs = sweep_runs(sweep, design.size());
  std::vector<std::uint64_t> order = run_order(sweep, design);
  if (order.size() != runs.size()) detail::broken("the run order does not hold every run");
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] != i || runs[i].id != i) detail::broken("the run order is not a permutation of the run ids");
  }

  // What `batch` does for a run: the base scenario with the point's values set.
  for (const std::size_t i : {std::size_t{0}, design.size() - 1}) {
    ScenarioOverrides overrides;
    overrides.steps = sweep.steps;
    overrides.seed = runs[i * static_cast<std::size_t>(sweep.replicates)].seed;
    overrides.replicates = 1;
    overrides.set = point_overrides(sweep, design[i]);
    try {
      (void)parse_scenario(sweep.scenario_text, sweep.scenario_path, overrides);
    } catch (const ScenarioError&) {
      // A combination of values may break a cross-parameter rule: a failed run, not a bug.
    }
  }
  (void)sweep_fingerprint(sweep);
  return SweepOutcome::Expanded;
}

}  // namespace partnersim::fuzzing
