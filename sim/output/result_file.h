// Reading a result file back: provenance and the final value of every metric, for
// `partnersim info` and for tests.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace partnersim {

struct MetricSummary {
  std::string name;
  std::string unit;
  std::string description;
  // Value at the last step, over replicates.
  double mean = 0.0;
  double min = 0.0;
  double max = 0.0;
};

struct ResultInfo {
  std::map<std::string, std::string> attributes;  // root attributes as text
  int replicates = 0;
  int steps = 0;  // steps written
  std::vector<std::string> months;
  std::vector<MetricSummary> metrics;
  std::size_t organisations = 0;
  std::size_t events = 0;
};

// Throws OutputError (sim/output/hdf5_writer.h) with a clear message when the file is
// missing, not HDF5, or not a partnersim result.
ResultInfo read_result_info(const std::string& path);

// One metric as [replicate][step].
std::vector<std::vector<double>> read_metric(const std::string& path, const std::string& metric);

}  // namespace partnersim
