// Comparing two scenarios run with common random numbers: the key outcomes (one table,
// each a number per replicate computed from that replicate's monthly metrics), their
// statistics over replicates (mean, sample sd, Student-t 95% CI, paired differences) and the
// compare.json / summary.csv formats. No CLI and no HDF5 here, so tests call it directly.
// The format is documented in docs/COMPARE.md.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/simulation.h"

namespace partnersim::app {

inline constexpr int kCompareFormatVersion = 1;

class ComparisonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every metric of one run: by_name[metric][replicate][step].
class RunMetrics {
 public:
  void set(const std::string& metric, std::vector<std::vector<double>> by_replicate);
  // Throws ComparisonError when the run has no such metric.
  [[nodiscard]] const std::vector<std::vector<double>>& metric(const std::string& name) const;
  [[nodiscard]] int replicates() const;

 private:
  std::map<std::string, std::vector<std::vector<double>>, std::less<>> by_name_;
};

// Keeps the metrics of a run as it happens (an Observer, next to the HDF5 writer).
class MetricsCollector : public Observer {
 public:
  void on_start(const RunDescription& run) override;
  void on_step(const StepRecord& record) override;
  [[nodiscard]] RunMetrics metrics() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<std::vector<double>>> values_;  // [metric][replicate][step]
};

// Forwards every call to two observers in order (the writer, then the collector).
class ObserverPair : public Observer {
 public:
  ObserverPair(Observer& first, Observer& second) : first_(first), second_(second) {}
  void on_start(const RunDescription& run) override;
  void on_step(const StepRecord& record) override;
  void on_finish() override;

 private:
  Observer& first_;
  Observer& second_;
};

// One replicate's monthly series of an outcome's input metrics, in the order of `inputs`.
using OutcomeInputs = std::span<const std::vector<double>* const>;

struct KeyOutcome {
  std::string_view name;                 // e.g. reintegrated_share_end
  std::string_view label;                // human-readable, for tables and plots
  std::string_view unit;                 // e.g. share, persons, PLN
  std::string_view description;          // how it is computed
  std::vector<std::string_view> inputs;  // metric names as `partnersim metrics` lists them
  double (*compute)(OutcomeInputs inputs);
};

// The key outcomes, in report order.
const std::vector<KeyOutcome>& key_outcomes();

// Throws ComparisonError naming the outcome and the metric if an input is not written.
void check_outcome_inputs(const std::vector<MetricSpec>& metrics);

// One value per replicate (NaN where the outcome is undefined, e.g. a ratio over zero).
std::vector<double> outcome_values(const KeyOutcome& outcome, const RunMetrics& run);

// Statistics over replicates. NaN values are skipped; n counts the values used.
struct Summary {
  double mean = 0.0;
  double sd = 0.0;      // sample standard deviation (n - 1); NaN when n < 2
  double ci_low = 0.0;  // mean -/+ t(0.975, n - 1) sd / sqrt(n); NaN when n < 2
  double ci_high = 0.0;
  int n = 0;
  std::vector<double> values;  // every replicate, NaN included
};

Summary summarise(std::vector<double> values, double confidence = 0.95);

// b[r] - a[r] for each replicate r (NaN where either is NaN).
std::vector<double> paired_differences(const std::vector<double>& a, const std::vector<double>& b);

struct OutcomeComparison {
  const KeyOutcome* outcome = nullptr;
  Summary a;
  Summary b;
  Summary difference;  // B - A, paired by replicate
};

// Both runs must have the same replicates (the same seed and replicate indices).
std::vector<OutcomeComparison> compare_runs(const RunMetrics& a, const RunMetrics& b);

struct ComparedScenario {
  std::string key;            // "a" or "b"
  std::string name;           // metadata.name
  std::string scenario_file;  // as given on the command line
  std::string result_file;    // file name inside the comparison folder
  std::string start;          // "YYYY-MM"
  int steps = 0;
};

struct ComparisonProvenance {
  std::string partnersim_version;
  std::string command;
  std::string created;  // ISO 8601 UTC
  std::uint64_t seed = 0;
  int replicates = 0;
  std::vector<ComparedScenario> scenarios;  // a, then b
};

std::string compare_json(const ComparisonProvenance& provenance, const std::vector<OutcomeComparison>& outcomes);
std::string summary_csv(const std::vector<OutcomeComparison>& outcomes);
// The table printed by `partnersim compare`.
std::string comparison_table(const ComparisonProvenance& provenance, const std::vector<OutcomeComparison>& outcomes);

// JSON helpers (exposed for tests): a quoted, escaped string; a number with full double
// precision, or null for NaN and infinities.
std::string json_string(std::string_view text);
std::string json_number(double value);

// Writes `text` to `path` through a temporary file in the same folder and a rename, so the
// file is either absent, or old, or complete. Throws ComparisonError with the OS reason.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace partnersim::app
