// The asynchronous observer delivers every record, in order and unchanged, to the observer
// it wraps, and reports that observer's failures to the run.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/async_observer.h"

namespace partnersim {
namespace {

struct Collect : Observer {
  std::vector<std::pair<int, std::vector<double>>> steps;
  std::vector<std::string> flows;
  int started = 0;
  int finished = 0;
  int fail_at = -1;
  void on_start(const RunDescription&) override { ++started; }
  void on_step(const StepRecord& r) override {
    if (r.step == fail_at) throw std::runtime_error("disk full");
    steps.emplace_back(r.step, std::vector<double>(r.org_cash_pln.begin(), r.org_cash_pln.end()));
    for (const auto& f : r.flows) flows.push_back(std::string(f.source) + ">" + std::string(f.sink));
  }
  void on_finish() override { ++finished; }
};

// Feeds steps 0..n-1 whose buffers are overwritten after every call, as ReplicateRun does.
void feed(Observer& o, int n) {
  std::vector<double> cash(3);
  std::string source;
  std::vector<LedgerFlow> flows(1);
  for (int s = 0; s < n; ++s) {
    cash = {1.0 * s, 2.0 * s, 3.0 * s};
    source = "account " + std::to_string(s);
    flows[0] = LedgerFlow{source, "ngo", Channel::Grant, 1};
    StepRecord r;
    r.step = s;
    r.org_cash_pln = cash;
    r.flows = flows;
    o.on_step(r);
  }
}

TEST(AsyncObserver, DeliversEveryRecordInOrderWithItsOwnCopyOfTheData) {
  Collect inner;
  {
    AsyncObserver async(inner, 2);
    async.on_start(RunDescription{});
    feed(async, 50);
    async.on_finish();
  }
  ASSERT_EQ(inner.steps.size(), 50U);
  for (int s = 0; s < 50; ++s) {
    EXPECT_EQ(inner.steps[static_cast<std::size_t>(s)].first, s);
    EXPECT_EQ(inner.steps[static_cast<std::size_t>(s)].second, (std::vector<double>{1.0 * s, 2.0 * s, 3.0 * s}));
    EXPECT_EQ(inner.flows[static_cast<std::size_t>(s)], "account " + std::to_string(s) + ">ngo");
  }
  EXPECT_EQ(inner.started, 1);
  EXPECT_EQ(inner.finished, 1);
}

TEST(AsyncObserver, AFailureOfTheWrappedObserverStopsTheRunAndSkipsFinish) {
  Collect inner;
  inner.fail_at = 5;
  AsyncObserver async(inner, 1);
  async.on_start(RunDescription{});
  EXPECT_THROW(
      {
        feed(async, 40);
        async.on_finish();
      },
      std::runtime_error);
  EXPECT_EQ(inner.steps.size(), 5U);  // steps 0-4, nothing after the failure
  EXPECT_EQ(inner.finished, 0);
}

}  // namespace
}  // namespace partnersim
