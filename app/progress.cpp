#include "app/progress.h"

#include <cstdio>
#include <string>

namespace partnersim::app {

ProgressBar::ProgressBar(std::int64_t total_steps, bool enabled, const char* unit)
    : total_(total_steps), enabled_(enabled), unit_(unit), start_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) draw();
  });
}

ProgressBar::~ProgressBar() { stop(); }

void ProgressBar::stop() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void ProgressBar::draw() const {
  constexpr int kWidth = 30;
  const std::int64_t done = done_.load(std::memory_order_relaxed);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  const auto filled =
      static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(1, total_)));
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %lld/%lld %s  %.1f %s/s  %.0f s left\033[K", bar.c_str(), static_cast<long long>(done),
               static_cast<long long>(total_), unit_, rate, unit_, left);
  std::fflush(stderr);
}

}  // namespace partnersim::app
