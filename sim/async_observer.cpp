#include "sim/async_observer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace partnersim {

AsyncObserver::AsyncObserver(Observer& inner, std::size_t queue_limit)
    : inner_(inner), limit_(std::max<std::size_t>(1, queue_limit)) {}

AsyncObserver::~AsyncObserver() { stop_worker(); }

void AsyncObserver::on_start(const RunDescription& run) {
  inner_.on_start(run);
  worker_ = std::thread([this] { work(); });
}

void AsyncObserver::on_step(const StepRecord& r) {
  OwnedRecord copy;
  copy.replicate = r.replicate;
  copy.step = r.step;
  copy.metrics.assign(r.metrics.begin(), r.metrics.end());
  copy.cash.assign(r.org_cash_pln.begin(), r.org_cash_pln.end());
  copy.employees.assign(r.org_employees.begin(), r.org_employees.end());
  copy.degree.assign(r.org_degree.begin(), r.org_degree.end());
  copy.alive.assign(r.org_alive.begin(), r.org_alive.end());
  copy.events.assign(r.events.begin(), r.events.end());
  // Flow classes are views into the world's account names: keep copies of the names.
  copy.flow_names.reserve(2 * r.flows.size());
  for (const LedgerFlow& f : r.flows) {
    copy.flow_names.emplace_back(f.source);
    copy.flow_names.emplace_back(f.sink);
  }
  copy.flows.assign(r.flows.begin(), r.flows.end());
  for (std::size_t i = 0; i < copy.flows.size(); ++i) {
    copy.flows[i].source = copy.flow_names[2 * i];
    copy.flows[i].sink = copy.flow_names[2 * i + 1];
  }
  copy.has_ties = r.ties != nullptr;
  if (copy.has_ties) copy.ties = *r.ties;

  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < limit_ || error_ != nullptr; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(copy));
  changed_.notify_all();
}

void AsyncObserver::on_finish() {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return (queue_.empty() && !busy_) || error_ != nullptr; });
  }
  stop_worker();
  rethrow_if_failed();
  inner_.on_finish();
}

void AsyncObserver::copy_output(const std::string& path) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return (queue_.empty() && !busy_) || error_ != nullptr; });
    if (error_) std::rethrow_exception(error_);
  }
  // The writer thread is idle until the next on_step, which comes from this thread.
  inner_.copy_output(path);
}

double AsyncObserver::writer_seconds() const {
  const std::lock_guard lock(mutex_);
  return writer_seconds_;
}

void AsyncObserver::work() {
  for (;;) {
    OwnedRecord record;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty() || error_) return;
      record = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    const StepRecord view{
        record.replicate, record.step,  record.metrics, record.cash,  record.employees,
        record.degree,    record.alive, record.events,  record.flows, record.has_ties ? &record.ties : nullptr};
    const auto started = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    try {
      inner_.on_step(view);
    } catch (...) {
      failure = std::current_exception();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::lock_guard lock(mutex_);
    writer_seconds_ += seconds;
    busy_ = false;
    if (failure) {
      error_ = failure;
      queue_.clear();  // nothing is written after a failure
    }
    changed_.notify_all();
    if (error_) return;
  }
}

void AsyncObserver::rethrow_if_failed() {
  const std::lock_guard lock(mutex_);
  if (error_) std::rethrow_exception(error_);
}

void AsyncObserver::stop_worker() {
  {
    const std::lock_guard lock(mutex_);
    queue_.clear();  // empty after on_finish; an abandoned run (interrupted, failed) writes no more
    closing_ = true;
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

}  // namespace partnersim
