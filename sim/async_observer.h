// An observer that hands every step record to another observer on a thread of its own, so
// that writing output (HDF5, compression) overlaps the next step's computation. Records are
// copied and delivered in the order they arrive, so the wrapped observer sees exactly what
// it would have seen directly. An exception thrown by the wrapped observer is rethrown by
// the next on_step or by on_finish; nothing is written after it.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/simulation.h"

namespace partnersim {

class AsyncObserver final : public Observer {
 public:
  // At most `queue_limit` records wait; on_step blocks while the queue is full.
  explicit AsyncObserver(Observer& inner, std::size_t queue_limit = 2);
  ~AsyncObserver() override;
  AsyncObserver(const AsyncObserver&) = delete;
  AsyncObserver& operator=(const AsyncObserver&) = delete;

  void on_start(const RunDescription& run) override;
  void on_step(const StepRecord& record) override;
  void on_finish() override;
  void copy_output(const std::string& path) override;  // once every record so far is written

  // Seconds the writer thread spent inside the wrapped observer's on_step.
  [[nodiscard]] double writer_seconds() const;

 private:
  // A StepRecord that owns its data.
  struct OwnedRecord {
    std::uint32_t replicate = 0;
    int step = 0;
    std::vector<double> metrics;
    std::vector<double> cash;
    std::vector<std::int32_t> employees;
    std::vector<std::int32_t> degree;
    std::vector<std::uint8_t> alive;
    std::vector<LoggedEvent> events;
    std::vector<std::string> flow_names;  // source and sink of each flow, in pairs
    std::vector<LedgerFlow> flows;        // views into flow_names
    bool has_ties = false;
    std::vector<TieRow> ties;
  };

  void work();
  void rethrow_if_failed();
  void stop_worker();

  Observer& inner_;
  std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<OwnedRecord> queue_;
  bool closing_ = false;
  bool busy_ = false;
  std::exception_ptr error_;
  double writer_seconds_ = 0.0;
  std::thread worker_;
};

}  // namespace partnersim
