#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstring>
#include <set>

#include "models/cooperatives/cooperatives.h"
#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

// No random shocks, no foundings, no flows of people: only the accounts and the rules.
SpecBuilder& quiet(SpecBuilder& b) {
  quiet_reintegration(b);
  b.param("cooperatives.failure_hazard", 0.0).param("cooperatives.founding_rate", 0.0);
  return b;
}

// A social cooperative of the scenario founded `founded` steps from the start.
std::uint32_t coop(SpecBuilder& b, const std::string& id, double cash_pln, int founded = -36, int staff = 0) {
  const auto i = b.org(id, OrgKind::SocialCooperative, 0, 0, cash_pln);
  b.last_org().founded_step = founded;
  b.last_org().staff = staff;
  return i;
}

// Founded by two legal persons: exempt from the members rule.
void legal_founders(SpecBuilder& b, std::uint32_t coop_index, std::uint32_t a, std::uint32_t c) {
  b.spec().organisations[coop_index].founders = {a, c};
}

std::uint32_t latent_slot(SpecBuilder& b, const std::string& id, std::uint32_t municipality) {
  const auto i = b.org(id, OrgKind::SocialCooperative, 0, 0, 0, municipality);
  b.last_org().latent = true;
  b.last_org().founded_step = kNotFounded;
  return i;
}

double metric(const StepRecord& rec, const std::string& name) {
  const auto all = ModuleRegistry::instance().all_metrics();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].name == name) return rec.metrics[i];
  }
  throw std::out_of_range(name);
}

bool logged(const StepRecord& rec, const std::string& kind, std::uint32_t source) {
  for (const auto& e : rec.events) {
    if (e.kind == kind && e.source == source) return true;
  }
  return false;
}

Grosze flow(const StepRecord& rec, std::string_view source, std::string_view sink, Channel channel) {
  Grosze total = 0;
  for (const auto& f : rec.flows) {
    if (f.source == source && f.sink == sink && f.channel == channel) total += f.amount;
  }
  return total;
}

TEST(Cooperatives, WithoutRevenueDormantAndLiquidatedOnTheStatedMonths) {
  for (auto [dormant_after, liquidate_after] : {std::pair{6, 12}, std::pair{3, 5}}) {
    SpecBuilder b(30);
    quiet(b).param("cooperatives.dormant_after_months", dormant_after);
    b.param("cooperatives.liquidate_after_months", liquidate_after);
    const auto city = b.org("city", OrgKind::Municipality);
    const auto ngo = b.org("ngo", OrgKind::Ngo);
    const auto c = coop(b, "coop", 0);
    b.spec().organisations[c].rent = pln_to_grosze(500);
    legal_founders(b, c, city, ngo);
    b.tie(c, ngo, TieKind::Partnership);
    const ScenarioSpec spec = b.build();
    ReplicateRun run(spec, 0, ModuleRegistry::instance());
    const int dormant_step = dormant_after - 1;  // the month its negative cash reaches the count
    const int liquidated_step = dormant_step + liquidate_after;
    for (int s = 0; s < spec.steps; ++s) {
      const StepRecord& rec = run.advance();
      const Organisation& o = run.world().org(c);
      ASSERT_EQ(run.world().money_total(), 0);
      // Rent 500 and fixed overheads 1,000 a month, active or dormant.
      if (s <= liquidated_step) {
        EXPECT_EQ(o.cash, pln_to_grosze(-1500.0 * (s + 1))) << s;
      }
      const auto expected = s < dormant_step      ? OrgStatus::Active
                            : s < liquidated_step ? OrgStatus::Dormant
                                                  : OrgStatus::Liquidated;
      ASSERT_EQ(o.status, expected) << "step " << s << " dormant after " << dormant_after;
      EXPECT_EQ(logged(rec, "cooperative_dormant", c), s == dormant_step);
      EXPECT_EQ(logged(rec, "cooperative_liquidated", c), s == liquidated_step);
      EXPECT_EQ(metric(rec, "cooperatives_active"), s < dormant_step ? 1 : 0);
      EXPECT_EQ(metric(rec, "cooperatives_dormant"), expected == OrgStatus::Dormant ? 1 : 0);
      EXPECT_EQ(metric(rec, "cooperatives_liquidated"), s == liquidated_step ? 1 : 0);
      EXPECT_EQ(metric(rec, "cooperatives_liquidated_cumulative"), s >= liquidated_step ? 1 : 0);
      if (expected != OrgStatus::Liquidated) {
        EXPECT_EQ(metric(rec, "share_dormant"), s < dormant_step ? 0 : 1);
      }
    }
    // Its founding and partnership ties ended with it; the ledger stopped.
    const OrgGraph& g = run.world().graph();
    int ties = 0;
    for (auto e : boost::make_iterator_range(boost::in_edges(c, g))) {
      EXPECT_EQ(g[e].end_step, liquidated_step);
      ++ties;
    }
    for (auto e : boost::make_iterator_range(boost::out_edges(c, g))) {
      EXPECT_EQ(g[e].end_step, liquidated_step);
      ++ties;
    }
    EXPECT_EQ(ties, 3);
    EXPECT_EQ(run.world().active_degree(c), 0);
    EXPECT_EQ(run.world().org(c).cash, pln_to_grosze(-1500.0 * (liquidated_step + 1)));
  }
}

TEST(Cooperatives, DormantRevivesWhenItsDebtIsPaid) {
  SpecBuilder b(12);
  quiet(b).param("cooperatives.dormant_after_months", 3);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto c = coop(b, "coop", 0);
  legal_founders(b, c, city, ngo);
  EventSpec rescue;
  rescue.step = 6;
  rescue.action = EventAction::Transfer;
  rescue.target = c;
  rescue.amount = pln_to_grosze(20000);
  rescue.from_external = true;
  rescue.external_source = "donor";
  b.spec().events.push_back(rescue);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  for (int s = 0; s < spec.steps; ++s) {
    const StepRecord& rec = run.advance();
    const Organisation& o = run.world().org(c);
    EXPECT_EQ(o.status, s >= 2 && s < 6 ? OrgStatus::Dormant : OrgStatus::Active) << s;
    EXPECT_EQ(logged(rec, "cooperative_revived", c), s == 6);
    if (s == 5) {
      EXPECT_EQ(o.months_dormant, 3);
    }
    if (s == 6) {
      EXPECT_EQ(o.cash, pln_to_grosze(20000 - 1000 * 7));
      EXPECT_EQ(o.months_negative_cash, 0);
      EXPECT_EQ(o.months_dormant, 0);
    }
    ASSERT_EQ(run.world().money_total(), 0);
  }
}

TEST(Cooperatives, DormantByAShockWithMoneyInHandStaysDormantUntilLiquidated) {
  SpecBuilder b(14);
  quiet(b).param("cooperatives.failure_hazard", 1.0).param("cooperatives.liquidate_after_months", 12);
  b.param("cooperatives.revival_rate", 0.0);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto c = coop(b, "coop", 100000);
  legal_founders(b, c, city, ngo);
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  std::vector<double> dormant(12, 1.0);
  dormant.insert(dormant.end(), {0.0, 0.0});
  EXPECT_EQ(rec.series(0, "cooperatives_dormant"), dormant);
  EXPECT_EQ(rec.value(0, 12, "cooperatives_liquidated"), 1);
  EXPECT_EQ(rec.value(0, 0, "cooperatives_active"), 0);
}

TEST(Cooperatives, NoRentWhileThePremisesAreFree) {
  SpecBuilder b(6);
  quiet(b);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto c = coop(b, "coop", 100000);
  b.spec().organisations[c].rent = pln_to_grosze(800);
  legal_founders(b, c, city, ngo);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.world().org(c).rent_free_until = 3;  // first step rent is due
  Grosze before = run.world().org(c).cash;
  for (int s = 0; s < spec.steps; ++s) {
    const StepRecord& rec = run.advance();
    const Grosze after = run.world().org(c).cash;
    EXPECT_EQ(before - after, pln_to_grosze(s < 3 ? 1000 : 1800)) << s;
    EXPECT_EQ(flow(rec, "social_cooperative", "landlords", Channel::Rent), s < 3 ? 0 : pln_to_grosze(800));
    before = after;
  }
}

TEST(Cooperatives, WagesSubsidyRentAndOverheadsOfAHandCase) {
  SpecBuilder b(2);
  quiet(b).param("cooperatives.wage_pln", 2000).param("cooperatives.subsidy_per_worker_pln", 500);
  b.param("cooperatives.overhead_share", 0.1).param("cooperatives.fixed_overhead_pln", 1000);
  b.param("cooperatives.subsidy_months", 24);
  // Young: founded 6 months ago, 1 staff + 2 excluded workers, rent 800, a grant of 3,000 a month.
  const auto young = coop(b, "young", 100000, -6, 1);
  b.last_org().social_jobs = 2;
  b.last_org().rent = pln_to_grosze(800);
  b.people(2, 0, PersonState::EmployedSocial, young);
  // Old: founded 30 months ago (no subsidy any more), 2 staff, no rent, no revenue.
  const auto old = coop(b, "old", 100000, -30, 2);
  FundingProgrammeSpec grant;
  grant.id = "city_grant";
  grant.name = "city grant";
  grant.external_source = "city fund";
  grant.start_step = 0;
  grant.end_step = 2;
  grant.budget = pln_to_grosze(1e6);
  grant.awards = {{.organisation = young, .monthly = pln_to_grosze(3000)}};
  b.spec().programmes.push_back(grant);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  const StepRecord& rec = run.advance();
  // Young: +3,000 grant + 2 x 500 subsidy - 3 x 2,000 wages - 800 rent
  //        - (0.1 x 4,000 revenue + 1,000) overheads = -4,200.
  EXPECT_EQ(run.world().org(young).cash, pln_to_grosze(100000 - 4200));
  // Old: - 2 x 2,000 wages - 1,000 fixed overheads.
  EXPECT_EQ(run.world().org(old).cash, pln_to_grosze(100000 - 5000));
  EXPECT_EQ(flow(rec, "social_cooperative", "households", Channel::Wages), pln_to_grosze(6000 + 4000));
  EXPECT_EQ(flow(rec, "state budget", "social_cooperative", Channel::Subsidy), pln_to_grosze(1000));
  EXPECT_EQ(flow(rec, "social_cooperative", "landlords", Channel::Rent), pln_to_grosze(800));
  EXPECT_EQ(flow(rec, "social_cooperative", "suppliers", Channel::Overheads), pln_to_grosze(1400 + 1000));
  EXPECT_EQ(metric(rec, "cooperative_wages_pln"), 10000);
  EXPECT_EQ(metric(rec, "cooperative_revenue_grants_pln"), 3000);
  EXPECT_EQ(metric(rec, "cooperative_revenue_subsidies_pln"), 1000);
  EXPECT_EQ(metric(rec, "cooperative_revenue_market_pln"), 0);
  EXPECT_EQ(metric(rec, "cooperative_revenue_public_support_pln"), 4000);
  EXPECT_EQ(metric(rec, "cooperative_revenue_total_pln"), 4000);
  EXPECT_EQ(metric(rec, "grant_dependency"), 1.0);
  EXPECT_EQ(metric(rec, "cooperative_cash_pln"), 200000 - 9200);
  EXPECT_EQ(metric(rec, "social_economy_jobs"), 5);
  EXPECT_EQ(metric(rec, "cooperative_workers_mean"), 2.5);
  EXPECT_EQ(run.world().money_total(), 0);
}

TEST(Cooperatives, FewerThanFiveMembersForOverThreeMonthsLiquidates) {
  SpecBuilder b(20);
  quiet(b);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto natural = coop(b, "natural", 1e6, -24, 4);
  const auto legal = coop(b, "legal", 1e6, -24, 4);
  legal_founders(b, legal, city, ngo);
  const auto young = coop(b, "young", 1e6, 0, 4);  // the first year does not count
  const auto five = coop(b, "five", 1e6, -24, 5);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  for (int s = 0; s < spec.steps; ++s) {
    const StepRecord& rec = run.advance();
    EXPECT_EQ(run.world().org(natural).alive, s < 3) << s;  // 4 months below 5 after its first year
    EXPECT_EQ(logged(rec, "cooperative_liquidated", natural), s == 3);
    EXPECT_EQ(run.world().org(young).alive, s < 15) << s;  // counted from month 12, liquidated in the 4th
    EXPECT_TRUE(run.world().org(legal).alive);
    EXPECT_TRUE(run.world().org(five).alive);
    if (s == 0) {  // `young`, on its founding date
      EXPECT_EQ(metric(rec, "cooperatives_founded"), 1);
    }
  }
  EXPECT_EQ(run.world().org(natural).members, 4);
  EXPECT_EQ(run.world().org(five).members, 5);
}

TEST(Cooperatives, QuietCooperativesHaveNoCostsAndNoMembersRule) {
  SpecBuilder b(24);
  quiet_reintegration(b);
  testing::quiet_cooperatives(b);
  const auto c = coop(b, "coop", 0, -24, 1);
  b.last_org().social_jobs = 3;
  b.people(2, 0, PersonState::EmployedSocial, c);
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.value(0, 23, "cooperatives_active"), 1);
  EXPECT_EQ(rec.value(0, 23, "cooperative_cash_pln"), 0);
  EXPECT_EQ(rec.value(0, 23, "social_economy_jobs"), 3);
}

TEST(Cooperatives, FoundsOnePerMunicipalityAndMonthLowestSlotFirst) {
  for (double three : {0.0, 1.0}) {
    SpecBuilder b(5);
    quiet(b).param("cooperatives.founding_rate", 1.0).param("cooperatives.three_founder_share", three);
    b.param("cooperatives.fixed_overhead_pln", 0);  // no costs: no debt, no job cuts
    b.org("city", OrgKind::Municipality);
    const std::vector<std::uint32_t> slots = {latent_slot(b, "s0", 0), latent_slot(b, "s1", 1), latent_slot(b, "s2", 0),
                                              latent_slot(b, "s3", 1), latent_slot(b, "s4", 0)};
    const std::vector<int> expected_step = {0, 0, 1, 1, 2};
    const ScenarioSpec spec = b.build();
    ReplicateRun run(spec, 0, ModuleRegistry::instance());
    std::vector<double> founded;
    std::vector<double> cumulative;
    for (int s = 0; s < spec.steps; ++s) {
      const StepRecord& rec = run.advance();
      founded.push_back(metric(rec, "cooperatives_founded"));
      cumulative.push_back(metric(rec, "cooperatives_founded_cumulative"));
      for (std::size_t k = 0; k < slots.size(); ++k) {
        EXPECT_EQ(logged(rec, "cooperative_founded", slots[k]), expected_step[k] == s);
      }
      ASSERT_EQ(run.world().money_total(), 0);
    }
    EXPECT_EQ(founded, (std::vector<double>{2, 2, 1, 0, 0}));
    EXPECT_EQ(cumulative, (std::vector<double>{2, 4, 5, 5, 5}));
    const int founders = three == 1.0 ? 3 : 5;
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const Organisation& o = run.world().org(slots[k]);
      EXPECT_EQ(o.founded_step, expected_step[k]);
      EXPECT_TRUE(o.alive);
      EXPECT_EQ(o.members, founders);  // in their first year the founders count before they are employed
      EXPECT_EQ(o.social_jobs, founders);
      EXPECT_EQ(o.staff, 0);
    }
  }
}

TEST(Cooperatives, NoFoundingAtRateZero) {
  SpecBuilder b(24);
  quiet(b);
  for (int k = 0; k < 4; ++k) latent_slot(b, "s" + std::to_string(k), static_cast<std::uint32_t>(k % 2));
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.value(0, 23, "cooperatives_founded_cumulative"), 0);
  EXPECT_EQ(rec.value(0, 23, "cooperatives_active"), 0);
  EXPECT_EQ(rec.value(0, 23, "share_dormant"), 0);
}

TEST(Cooperatives, SupportRaisesCapacity) {
  SpecBuilder b(5);
  quiet(b);
  b.param("cooperatives.revival_rate", 0.0);  // the sleeping one stays asleep
  b.spec().sectors = {"none", "catering"};
  const double base = 5 * 5133.0;
  const auto centre = b.org("owes", OrgKind::SupportCentre);
  const auto plain = coop(b, "plain", 1e6, -24, 5);
  const auto tied = coop(b, "tied", 1e6, -24, 5);
  const auto paid = coop(b, "paid", 1e6, -24, 5);
  const auto sleeping = coop(b, "sleeping", 1e6, -24, 5);
  for (auto c : {plain, tied, paid, sleeping}) b.spec().organisations[c].sector = 1;
  const auto shop = b.org("shop", OrgKind::Business);
  b.last_org().sector = 1;
  b.last_org().staff = 2;
  const auto office = b.org("office", OrgKind::Business);  // sector "none": sells nothing
  b.last_org().staff = 2;
  b.tie(centre, tied, TieKind::InKind);
  EventSpec close;
  close.step = 3;
  close.action = EventAction::CloseOrganisation;
  close.target = centre;
  b.spec().events.push_back(close);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.world().org(paid).supported_until = 2;
  run.world().org(sleeping).status = OrgStatus::Dormant;
  const auto capacity = [&](std::uint32_t i) { return grosze_to_pln(run.world().org(i).capacity); };
  for (int s = 0; s < spec.steps; ++s) {
    run.advance();
    EXPECT_DOUBLE_EQ(capacity(plain), base);
    EXPECT_DOUBLE_EQ(capacity(tied), s < 3 ? 1.2 * base : base) << s;  // until its support centre closes
    EXPECT_DOUBLE_EQ(capacity(paid), s < 2 ? 1.2 * base : base) << s;
    EXPECT_EQ(capacity(sleeping), 0);
    EXPECT_DOUBLE_EQ(capacity(shop), 2 * 5133.0);
    EXPECT_EQ(capacity(office), 0);
  }
}

TEST(Cooperatives, HiresWhenBusyAndRichAndShedsJobsAfterTwoMonthsOfDebt) {
  // demand_pln: private demand for catering; the coop of 5 can make 5 x 5,133 = 25,665 a month.
  auto jobs_of_busy_coop = [](double demand_pln) {
    SpecBuilder b(6);
    quiet(b);
    b.spec().sectors = {"none", "catering"};
    const auto c = coop(b, "coop", 1e6, -24, 5);
    b.last_org().sector = 1;
    b.spec().markets.push_back(MarketSpec{0, 1, pln_to_grosze(demand_pln)});
    const ScenarioSpec spec = b.build();
    ReplicateRun run(spec, 0, ModuleRegistry::instance());
    std::vector<int> jobs;
    while (!run.finished()) {
      run.advance();
      jobs.push_back(run.world().org(c).social_jobs);
    }
    return jobs;
  };
  // Sold out in month 0, so one job opens in month 1; no more while it stays unfilled.
  EXPECT_EQ(jobs_of_busy_coop(1e6), (std::vector<int>{0, 1, 1, 1, 1, 1}));
  // Sold 10,000 of 25,665: below 80% of capacity, no hiring.
  EXPECT_EQ(jobs_of_busy_coop(10000), (std::vector<int>{0, 0, 0, 0, 0, 0}));

  SpecBuilder b(6);
  quiet(b);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto c = coop(b, "coop", 0);
  b.last_org().social_jobs = 3;
  legal_founders(b, c, city, ngo);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  std::vector<int> jobs;
  while (!run.finished()) {
    run.advance();
    jobs.push_back(run.world().org(c).social_jobs);
  }
  // Negative cash from month 0: a job goes in each month from the third, down to none.
  EXPECT_EQ(jobs, (std::vector<int>{3, 3, 2, 1, 0, 0}));
}

TEST(Cooperatives, SupportLowersFailures) {
  // Only shocks end activity (plenty of cash). Expected share of cooperatives hit within
  // 24 months: 1 - (1 - h)^24 = 0.708 for h = 0.05, 0.455 for supported ones (h = 0.025).
  // 4 replicates x 100 cooperatives per group: SD about 0.025; tolerance 0.07.
  constexpr int kPerGroup = 100;
  constexpr int kReplicates = 4;
  constexpr int kSteps = 24;
  SpecBuilder b(kSteps);
  quiet(b).param("cooperatives.failure_hazard", 0.05).param("cooperatives.support_hazard_reduction", 0.5);
  b.param("cooperatives.revival_rate", 0.0);  // one hit each at most: the law below
  b.replicates(kReplicates).seed(7);
  const auto centre = b.org("owes", OrgKind::SupportCentre);
  std::set<std::uint32_t> supported;
  std::set<std::uint32_t> unsupported;
  for (int k = 0; k < 2 * kPerGroup; ++k) {
    const auto c = coop(b, "c" + std::to_string(k), 1e6, -36, 5);
    if (k % 2 == 0) {
      b.tie(centre, c, TieKind::InKind);
      supported.insert(c);
    } else {
      unsupported.insert(c);
    }
  }
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  double hit_supported = 0;
  double hit_unsupported = 0;
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    for (const auto& e : rec.events(r)) {
      if (e.kind != "cooperative_dormant") continue;
      hit_supported += supported.contains(e.source) ? 1 : 0;
      hit_unsupported += unsupported.contains(e.source) ? 1 : 0;
    }
  }
  const double n = kPerGroup * kReplicates;
  EXPECT_NEAR(hit_unsupported / n, 1 - std::pow(0.95, kSteps), 0.07);
  EXPECT_NEAR(hit_supported / n, 1 - std::pow(0.975, kSteps), 0.07);
  EXPECT_LT(hit_supported, hit_unsupported);
}

// A world where everything moves: foundings, shocks, support, grants, people.
ScenarioSpec busy_scenario() {
  SpecBuilder b(36);
  b.replicates(3).seed(11);
  b.param("cooperatives.failure_hazard", 0.05).param("cooperatives.founding_rate", 0.3);
  b.spec().sectors = {"none", "catering", "cleaning"};
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto ngo = b.org("ngo", OrgKind::Ngo, 50, 0, 0, 1);
  const auto centre = b.org("owes", OrgKind::SupportCentre);
  const auto cis = b.org("cis", OrgKind::ReintegrationCentre, 80);
  const auto a = coop(b, "a", 20000, -12, 2);
  b.last_org().social_jobs = 8;
  b.last_org().sector = 1;
  b.last_org().rent = pln_to_grosze(1500);
  const auto c = coop(b, "c", 5000, 0, 1);
  b.last_org().social_jobs = 6;
  b.last_org().sector = 2;
  legal_founders(b, c, city, ngo);
  b.tie(centre, a, TieKind::InKind);
  for (int k = 0; k < 6; ++k) latent_slot(b, "slot" + std::to_string(k), static_cast<std::uint32_t>(k % 2));
  b.people(3000, 0).people(2000, 1);
  b.people(5, 0, PersonState::EmployedSocial, a).people(20, 0, PersonState::InProgramme, cis);
  FundingProgrammeSpec grant;
  grant.id = "grant";
  grant.name = "grant";
  grant.external_source = "ESF";
  grant.start_step = 3;
  grant.end_step = 27;
  grant.budget = pln_to_grosze(1e6);
  grant.awards = {{.organisation = a, .monthly = pln_to_grosze(4000)},
                  {.organisation = c, .monthly = pln_to_grosze(6000)}};
  b.spec().programmes.push_back(grant);
  return b.build();
}

TEST(Cooperatives, MoneyIsConservedEveryStep) {
  const ScenarioSpec spec = busy_scenario();
  for (std::uint32_t r = 0; r < 3; ++r) {
    ReplicateRun run(spec, r, ModuleRegistry::instance());
    while (!run.finished()) {
      const StepRecord& rec = run.advance();
      ASSERT_EQ(run.world().money_total(), 0) << "replicate " << r << " step " << rec.step;
    }
  }
}

MemoryRecorder run_with_threads(const ScenarioSpec& spec, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  MemoryRecorder recorder;
  run_scenario(spec, recorder);
  return recorder;
}

// Bit-identical, NaN included (a ratio is NaN in a month without cooperative revenue).
bool same_bits(const std::vector<std::vector<std::vector<double>>>& a,
               const std::vector<std::vector<std::vector<double>>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t r = 0; r < a.size(); ++r) {
    if (a[r].size() != b[r].size()) return false;
    for (std::size_t s = 0; s < a[r].size(); ++s) {
      if (a[r][s].size() != b[r][s].size()) return false;
      if (std::memcmp(a[r][s].data(), b[r][s].data(), a[r][s].size() * sizeof(double)) != 0) return false;
    }
  }
  return true;
}

TEST(Cooperatives, SameResultsOnOneAndTwoThreads) {
  const ScenarioSpec spec = busy_scenario();
  const auto one = run_with_threads(spec, 1);
  const auto two = run_with_threads(spec, 2);
  EXPECT_TRUE(same_bits(one.values(), two.values()));
  // The scenario does exercise the life cycle.
  double founded = 0;
  double dormant = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    founded += one.value(r, 35, "cooperatives_founded_cumulative");
    for (const auto& e : one.events(r)) dormant += e.kind == "cooperative_dormant" ? 1 : 0;
  }
  EXPECT_GT(founded, 0);
  EXPECT_GT(dormant, 0);
}

}  // namespace
}  // namespace partnersim
