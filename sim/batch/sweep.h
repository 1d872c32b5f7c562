// Sweep files: a base scenario, replicates per point and the parameters to vary, read and
// validated in one place (errors name file:line:column and key, as for scenario files), and
// the runs they expand to: design points, seeds, run order. See docs/BATCH.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/registry.h"
#include "sim/scenario/parser.h"  // ScenarioError, the error type of sweep files too

namespace partnersim {

enum class DesignKind : std::uint8_t {
  List,            // point i takes the i-th value of every parameter
  Grid,            // Cartesian product of every parameter's values
  LatinHypercube,  // `points` points, one per stratum of every parameter
  Sobol,           // the first `points` points of a Sobol sequence (Boost.Random)
  Saltelli,        // Sobol sequence in 2k dimensions arranged as A, B, AB_1..AB_k blocks
  Morris,          // `trajectories` one-at-a-time trajectories on a `levels`-level grid
};
std::string_view name_of(DesignKind kind);

// One varied parameter: either explicit values or a range [min, max].
struct SweepParameter {
  std::string name;  // "module.param"
  const ParamSpec* spec = nullptr;
  std::vector<double> values;  // list / grid (grid may give min, max, levels instead)
  double min = 0.0;
  double max = 0.0;
  int levels = 0;  // grid over a range
};

struct SweepSpec {
  std::string path;           // the sweep file
  std::string text;           // the sweep file verbatim
  std::string scenario_path;  // base scenario, resolved against the sweep file's folder
  std::string scenario_text;  // the base scenario verbatim
  std::optional<int> steps;   // overrides the scenario's steps
  std::uint64_t seed = 0;     // sweep seed
  int replicates = 1;         // per design point
  bool common_random_numbers = true;
  DesignKind design = DesignKind::Grid;
  int points = 0;        // latin_hypercube, sobol; saltelli: base points N
  int trajectories = 0;  // morris
  int levels = 0;        // morris (even)
  std::vector<SweepParameter> parameters;
  std::vector<std::string> metrics;  // gathered into the index; empty: all
};

// Where a design point comes from, for the estimators in analysis/.
struct DesignPoint {
  std::vector<double> values;  // one per SweepParameter, in the sweep's order
  std::int32_t group = 0;      // morris: trajectory; saltelli: base row; else the point
  std::int32_t position = 0;   // morris: step in the trajectory (0..k); saltelli: 0 A, 1 B, 2+i AB_i
  std::int32_t factor = -1;    // morris: parameter moved to reach this point; saltelli: i of AB_i
};

struct SweepRun {
  std::uint64_t id = 0;  // point * replicates + replicate
  std::uint32_t point = 0;
  std::uint32_t replicate = 0;
  std::uint64_t seed = 0;
};

// Reads and validates a sweep file and its base scenario (the scenario is parsed once with
// the sweep's overrides so that a broken base fails here, not in every run).
SweepSpec load_sweep(const std::string& path, std::optional<int> steps_override = std::nullopt,
                     const ModuleRegistry& registry = ModuleRegistry::instance());
SweepSpec parse_sweep(std::string_view text, const std::string& path_for_messages,
                      std::optional<int> steps_override = std::nullopt,
                      const ModuleRegistry& registry = ModuleRegistry::instance());

// How many points the design has (what design_points returns, without building them).
std::uint64_t design_point_count(const SweepSpec& sweep);

// The design points in design order (deterministic in the sweep seed).
std::vector<DesignPoint> design_points(const SweepSpec& sweep);

// The seed of one run: derived from the sweep seed and the replicate (and the point, unless
// common random numbers are on).
std::uint64_t run_seed(const SweepSpec& sweep, std::uint32_t point, std::uint32_t replicate);

// Run `id` (point * replicates + replicate), computed rather than listed.
SweepRun sweep_run(const SweepSpec& sweep, std::uint64_t id);

// Every run, indexed by run id.
std::vector<SweepRun> sweep_runs(const SweepSpec& sweep, std::size_t point_count);

// Run ids in the order they should be run: replicate by replicate, and within a replicate the
// design's groups in van der Corput (bit-reversed) order, so that any prefix of the order
// covers the whole space coarsely.
std::vector<std::uint64_t> run_order(const SweepSpec& sweep, const std::vector<DesignPoint>& points);

// The design points in the order one replicate runs them (the run order is this, replicate
// after replicate: run k is point_order[k % points] * replicates + k / points).
std::vector<std::uint32_t> point_run_order(const std::vector<DesignPoint>& points);

// The --set overrides of a point: "module.param=value" with values printed exactly.
std::vector<std::string> point_overrides(const SweepSpec& sweep, const DesignPoint& point);

// Identifies what the results depend on: the sweep file, the base scenario, the steps.
std::string sweep_fingerprint(const SweepSpec& sweep);

// Bit-reversal permutation of 0..n-1 (van der Corput order).
std::vector<std::uint32_t> van_der_corput_order(std::uint32_t n);

}  // namespace partnersim
