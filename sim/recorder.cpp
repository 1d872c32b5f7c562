#include "sim/recorder.h"

#include <stdexcept>

namespace partnersim {

void MemoryRecorder::on_start(const RunDescription& run) {
  metrics_ = run.metrics;
  steps_ = run.spec->steps;
  const auto replicates = static_cast<std::size_t>(run.spec->replicates);
  values_.assign(replicates, std::vector<std::vector<double>>(static_cast<std::size_t>(steps_)));
  events_.assign(replicates, {});
}

void MemoryRecorder::on_step(const StepRecord& record) {
  values_.at(record.replicate)
      .at(static_cast<std::size_t>(record.step))
      .assign(record.metrics.begin(), record.metrics.end());
  auto& log = events_.at(record.replicate);
  log.insert(log.end(), record.events.begin(), record.events.end());
}

std::size_t MemoryRecorder::index_of(const std::string& metric) const {
  for (std::size_t i = 0; i < metrics_.size(); ++i) {
    if (metrics_[i].name == metric) return i;
  }
  throw std::out_of_range("no metric " + metric);
}

double MemoryRecorder::value(std::uint32_t replicate, int step, const std::string& metric) const {
  return values_.at(replicate).at(static_cast<std::size_t>(step)).at(index_of(metric));
}

std::vector<double> MemoryRecorder::series(std::uint32_t replicate, const std::string& metric) const {
  const std::size_t m = index_of(metric);
  std::vector<double> out;
  for (const auto& step : values_.at(replicate)) out.push_back(step.at(m));
  return out;
}

}  // namespace partnersim
