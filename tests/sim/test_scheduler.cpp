#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <mutex>

#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/bitwise.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

// A module that records the phases it sees and proposes a tie in Phase::Ties.
struct Probe {
  std::vector<std::string> log;
  std::size_t ties_seen_in_accounts = 0;
  int configured = 0;
};

class ProbeModule final : public Module {
 public:
  ProbeModule(Probe* probe, std::string name) : probe_(probe), name_(std::move(name)) {}
  void configure(const ParamSet&) override { ++probe_->configured; }
  void step(Phase phase, World& world) override {
    probe_->log.push_back(name_ + ":" + std::string(name_of(phase)));
    if (phase == Phase::Ties && name_ == "b") {
      world.propose({GraphEdit::Type::AddTie, 0, 0, 0, 1, Tie{TieKind::Informal, 0.5F, world.step()}});
    }
    if (phase == Phase::Accounts) probe_->ties_seen_in_accounts = world.active_tie_count();
    if (phase == Phase::Events && name_ == "a" && world.step() == 1) world.set_param("a.x", 2.0);
  }
  void observe(const World&, std::span<double> out) const override { out[0] = static_cast<double>(probe_->log.size()); }
  void save_state(StateWriter& /*out*/) const override {}  // carries nothing
  void restore_state(StateReader& /*in*/) override {}

 private:
  Probe* probe_;
  std::string name_;
};

ModuleInfo probe_info(Probe* probe, const std::string& name, int order, std::vector<Phase> phases) {
  ModuleInfo info;
  info.name = name;
  info.order = order;
  info.phases = std::move(phases);
  info.params = {{"x", ParamType::Real, 1.0, "", 0, 10, "test", "test"}};
  info.metrics = {{name + "_calls", "", ""}};
  info.make = [probe, name] { return std::make_unique<ProbeModule>(probe, name); };
  return info;
}

TEST(Scheduler, RunsPhasesInOrderAndModulesByOrderWithinAPhase) {
  Probe probe;
  ModuleRegistry registry;
  registry.add(probe_info(&probe, "b", 10, {Phase::Ties, Phase::Accounts, Phase::Events}));
  registry.add(probe_info(&probe, "a", 5, {Phase::Events, Phase::People}));
  SpecBuilder builder(3);
  builder.org("x", OrgKind::Ngo);
  builder.org("y", OrgKind::Ngo);
  ScenarioSpec spec = builder.build();
  spec.params = registry.defaults();
  ReplicateRun run(spec, 0, registry);
  EXPECT_EQ(probe.configured, 2);  // each module once before the first step
  run.advance();
  EXPECT_EQ(probe.log, (std::vector<std::string>{"a:events", "b:events", "a:people", "b:ties", "b:accounts"}));
  // The tie proposed in Ties was applied in Rewire, before Accounts.
  EXPECT_EQ(probe.ties_seen_in_accounts, 1U);

  run.advance();  // a sets a parameter during Events of step 1: every module is reconfigured
  EXPECT_EQ(probe.configured, 4);
  EXPECT_DOUBLE_EQ(run.world().params().get("a.x"), 2.0);
}

TEST(Scheduler, RatioMetricsDivideTwoMetricsOfAnyModules) {
  Probe probe;
  ModuleRegistry registry;
  auto a = probe_info(&probe, "a", 5, {Phase::Events});
  auto b = probe_info(&probe, "b", 10, {Phase::Ties});
  b.ratios = {{{"calls_per_org", "calls/organisation", "test"}, "b_calls", "organisations_alive"},
              {{"undefined", "", "test"}, "a_calls", "cash_total_pln"}};
  registry.add(a);
  registry.add(b);
  SpecBuilder builder(2);
  builder.org("x", OrgKind::Ngo);
  builder.org("y", OrgKind::Ngo);
  ScenarioSpec spec = builder.build();
  spec.params = registry.defaults();
  ReplicateRun run(spec, 0, registry);
  const StepRecord& rec = run.advance();
  const auto names = registry.all_metrics();
  ASSERT_EQ(names.size(), rec.metrics.size());
  ASSERT_EQ(names[names.size() - 2].name, "calls_per_org");
  EXPECT_DOUBLE_EQ(rec.metrics[names.size() - 2], 2.0 / 2.0);  // b has logged two calls, two organisations
  EXPECT_TRUE(std::isnan(rec.metrics.back()));                 // no ties: 0 denominator

  ModuleRegistry broken;
  auto c = probe_info(&probe, "c", 1, {});
  c.ratios = {{{"r", "", ""}, "c_calls", "no_such_metric"}};
  broken.add(c);
  EXPECT_THROW((void)broken.ratio_inputs(), std::logic_error);
}

ScenarioSpec busy_scenario(int replicates, std::uint64_t seed) {
  SpecBuilder b(36);
  b.replicates(replicates).seed(seed);
  const auto cis = b.org("cis", OrgKind::ReintegrationCentre, 150);
  const auto ngo = b.org("ngo", OrgKind::Ngo, 60, 0, 0, 1);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 40);
  b.org("company", OrgKind::MunicipalCompany, 0, 30, 0, 1);
  b.people(30000, 0).people(20000, 1, PersonState::Excluded, 0, kHomeless | kDisabled);
  b.people(50, 0, PersonState::InProgramme, cis).people(20, 1, PersonState::InProgramme, ngo);
  b.people(10, 0, PersonState::EmployedSocial, coop);
  return b.build();
}

MemoryRecorder run_with_threads(const ScenarioSpec& spec, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  MemoryRecorder recorder;
  run_scenario(spec, recorder);
  return recorder;
}

TEST(Determinism, MetricsAreBitIdenticalForOneTwoAndFourThreads) {
  const ScenarioSpec spec = busy_scenario(3, 11);
  const auto one = run_with_threads(spec, 1).values();
  EXPECT_TRUE(testing::bitwise_equal(one, run_with_threads(spec, 2).values()));
  EXPECT_TRUE(testing::bitwise_equal(one, run_with_threads(spec, 4).values()));
}

TEST(Determinism, SameSeedRepeatsAndAnotherSeedDiffers) {
  const auto a = run_with_threads(busy_scenario(2, 11), 2);
  EXPECT_TRUE(testing::bitwise_equal(a.values(), run_with_threads(busy_scenario(2, 11), 2).values()));
  EXPECT_FALSE(testing::bitwise_equal(a.values(), run_with_threads(busy_scenario(2, 12), 2).values()));
  // Replicates of one run use different streams.
  EXPECT_NE(a.series(0, "referrals"), a.series(1, "referrals"));
}

TEST(Invariants, NoPersonIsCreatedOrLostInAnyStep) {
  const ScenarioSpec spec = busy_scenario(2, 5);
  const auto rec = run_with_threads(spec, 2);
  const auto total = static_cast<double>(spec.people_count());
  for (std::uint32_t r = 0; r < 2; ++r) {
    for (int s = 0; s < spec.steps; ++s) {
      EXPECT_EQ(rec.value(r, s, "people_total"), total);
      const double by_state = rec.value(r, s, "people_excluded") + rec.value(r, s, "people_in_programme") +
                              rec.value(r, s, "people_employed_social") + rec.value(r, s, "people_employed_open");
      ASSERT_EQ(by_state, total) << "replicate " << r << " step " << s;
    }
  }
  // The flows did happen: people moved through every state.
  EXPECT_GT(rec.value(0, spec.steps - 1, "people_employed_open"), 0.0);
  EXPECT_GT(rec.value(0, spec.steps - 1, "people_in_programme"), 0.0);
}

}  // namespace
}  // namespace partnersim
