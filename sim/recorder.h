// An in-memory observer: keeps every metric of every step, for tests and for tools that
// need the numbers without a file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/simulation.h"

namespace partnersim {

class MemoryRecorder : public Observer {
 public:
  void on_start(const RunDescription& run) override;
  void on_step(const StepRecord& record) override;

  // values[replicate][step][metric index]
  [[nodiscard]] double value(std::uint32_t replicate, int step, const std::string& metric) const;
  [[nodiscard]] std::vector<double> series(std::uint32_t replicate, const std::string& metric) const;
  [[nodiscard]] const std::vector<MetricSpec>& metrics() const { return metrics_; }
  [[nodiscard]] const std::vector<std::vector<std::vector<double>>>& values() const { return values_; }
  [[nodiscard]] const std::vector<LoggedEvent>& events(std::uint32_t replicate) const { return events_.at(replicate); }
  [[nodiscard]] std::size_t index_of(const std::string& metric) const;

 private:
  std::vector<MetricSpec> metrics_;
  std::vector<std::vector<std::vector<double>>> values_;
  std::vector<std::vector<LoggedEvent>> events_;
  int steps_ = 0;
};

}  // namespace partnersim
