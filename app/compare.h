// `partnersim compare A.yaml B.yaml -o DIR`: both scenarios with the same seed and replicate
// indices (common random numbers), both result files, compare.json and summary.csv in DIR,
// and a table of key outcomes on stdout. See docs/COMPARE.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace partnersim::app {

struct CompareOptions {
  std::string scenario_a;
  std::string scenario_b;
  std::string output_dir;
  std::optional<int> steps;
  std::optional<std::uint64_t> seed;
  std::optional<int> replicates;
  int threads = 0;  // 0: all cores
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

// Returns the process exit code (README, "Exit codes").
int compare_command(const CompareOptions& options);

}  // namespace partnersim::app
