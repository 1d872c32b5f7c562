// A progress bar on a terminal: steps done, steps per second, time left. Redrawn from its
// own thread a few times a second so the simulation threads only bump a counter.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace partnersim::app {

class ProgressBar {
 public:
  // `unit` names what is counted: "steps" for a run, "runs" for a batch.
  ProgressBar(std::int64_t total_steps, bool enabled, const char* unit = "steps");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance() { done_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t done() const { return done_.load(std::memory_order_relaxed); }
  void stop();  // clears the bar

 private:
  void draw() const;

  std::int64_t total_;
  bool enabled_;
  const char* unit_;
  std::atomic<std::int64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace partnersim::app
