#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string_view>

#include "models/events/events.h"
#include "models/funding/funding.h"
#include "models/reintegration/reintegration.h"
#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

constexpr std::uint32_t bit(OrgKind k) { return 1U << static_cast<unsigned>(k); }

// Only the modules these tests are about, so that other mechanisms (wages, rent, markets)
// do not move the money the tests count.
const ModuleRegistry& funding_registry() {
  static const ModuleRegistry registry = [] {
    ModuleRegistry r;
    r.add(models::events_module_info());
    r.add(models::funding_module_info());
    r.add(models::reintegration_module_info());
    return r;
  }();
  return registry;
}

// Runs every replicate and records it; the ledger must balance after every step.
void run_checked(const ScenarioSpec& spec, MemoryRecorder& rec, const ModuleRegistry& registry = funding_registry()) {
  rec.on_start(RunDescription{&spec, registry.all_metrics()});
  for (int r = 0; r < spec.replicates; ++r) {
    ReplicateRun run(spec, static_cast<std::uint32_t>(r), registry);
    while (!run.finished()) {
      const StepRecord& record = run.advance();
      ASSERT_EQ(run.world().money_total(), 0) << "replicate " << r << " step " << record.step;
      rec.on_step(record);
    }
  }
}

std::vector<LoggedEvent> events_of(const MemoryRecorder& rec, std::string_view kind, std::uint32_t replicate = 0) {
  std::vector<LoggedEvent> out;
  for (const auto& e : rec.events(replicate)) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

FundingProgrammeSpec programme(int start, int end, Grosze budget, std::vector<AwardSpec> awards,
                               ProgrammeKind kind = ProgrammeKind::Grant) {
  FundingProgrammeSpec p;
  p.id = "esf";
  p.name = "ESF pilot";
  p.kind = kind;
  p.external_source = "ESF";
  p.start_step = start;
  p.end_step = end;
  p.budget = budget;
  p.awards = std::move(awards);
  return p;
}

// An EU call open in `start` for organisations of the given kinds.
FundingProgrammeSpec eu_call(int start, std::uint32_t kinds, Grosze project_value, int duration, int places, double win,
                             Grosze budget) {
  FundingProgrammeSpec p = programme(start, start + 1, budget, {}, ProgrammeKind::EuCall);
  p.id = "call";
  p.name = "ESF call";
  p.external_source = "EU funds";
  p.eligible_kinds = kinds;
  p.project_value = project_value;
  p.duration_months = duration;
  p.places_per_project = places;
  p.win_probability = win;
  return p;
}

EventSpec event(int step, EventAction action) {
  EventSpec e;
  e.step = step;
  e.action = action;
  return e;
}

TEST(Funding, PaysMonthlyWithinBudgetAndConservesMoney) {
  SpecBuilder b(10);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  // Budget for three monthly payments of 1,000 PLN, programme running six months.
  b.spec().programmes.push_back(
      programme(2, 8, pln_to_grosze(3000), {{.organisation = ngo, .monthly = pln_to_grosze(1000)}}));
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, funding_registry());
  std::vector<double> cash;
  while (!run.finished()) {
    const StepRecord& rec = run.advance();
    cash.push_back(rec.org_cash_pln[ngo]);
    ASSERT_EQ(run.world().money_total(), 0) << "step " << rec.step;
  }
  EXPECT_EQ(cash, (std::vector<double>{0, 0, 1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000}));
}

TEST(Funding, AGrantOfXOverNMonthsPaysXOverNAMonthAndTotalsX) {
  SpecBuilder b(12);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const Grosze x = 1234560;  // 12,345.60 PLN over 6 months: 2,057.60 PLN a month
  b.spec().programmes.push_back(programme(3, 9, x, {{.organisation = ngo, .monthly = x / 6}}));
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  const auto paid = rec.series(0, "funding_paid_pln");
  EXPECT_EQ(paid, (std::vector<double>{0, 0, 0, 2057.6, 2057.6, 2057.6, 2057.6, 2057.6, 2057.6, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(sum(paid), grosze_to_pln(x));
  EXPECT_DOUBLE_EQ(sum(rec.series(0, "public_spending_pln")), grosze_to_pln(x));
  EXPECT_DOUBLE_EQ(rec.value(0, 11, "public_spending_cumulative_pln"), grosze_to_pln(x));
  EXPECT_DOUBLE_EQ(sum(rec.series(0, "public_grants_pln")), grosze_to_pln(x));
  EXPECT_EQ(sum(rec.series(0, "funding_missed_pln")), 0);
  EXPECT_EQ(rec.series(0, "programmes_active"), (std::vector<double>{0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
}

TEST(Funding, OneOffAmountsArePaidInTheFirstMonthOfTheWindowEventsSet) {
  SpecBuilder b(8);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  // Planned for months 6-8; switched on in month 2 and off in month 5 by events.
  b.spec().programmes.push_back(
      programme(6, 9, pln_to_grosze(1e6),
                {{.organisation = ngo, .monthly = pln_to_grosze(1000), .amount = pln_to_grosze(5000), .places = 4}}));
  auto on = event(2, EventAction::StartProgramme);
  auto off = event(5, EventAction::EndProgramme);
  b.spec().events = {on, off};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funding_paid_pln"), (std::vector<double>{0, 0, 6000, 1000, 1000, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 0, 4, 4, 4, 0, 0, 0}));
  EXPECT_EQ(events_of(rec, "programme_started").size(), 1U);
}

TEST(Funding, NothingIsPaidBeyondTheBudget) {
  SpecBuilder b(5);
  const auto a = b.org("a", OrgKind::Ngo);
  const auto c = b.org("c", OrgKind::Ngo);
  // 2,500 PLN for two awards of 1,000 a month: both paid in month 0, only one in month 1
  // (500 left then, and a payment is made in full or not at all).
  b.spec().programmes.push_back(programme(
      0, 5, pln_to_grosze(2500),
      {{.organisation = a, .monthly = pln_to_grosze(1000)}, {.organisation = c, .monthly = pln_to_grosze(1000)}}));
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funding_paid_pln"), (std::vector<double>{2000, 0, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "funding_missed_pln"), (std::vector<double>{0, 2000, 2000, 2000, 2000}));
  const auto missed = events_of(rec, "payment_missed");
  ASSERT_EQ(missed.size(), 8U);
  EXPECT_NE(missed[0].note.find("budget exhausted"), std::string::npos);
}

TEST(Funding, AnOrganisationCannotPayWhatItDoesNotHold) {
  SpecBuilder b(4);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 2500);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  auto p = programme(0, 4, pln_to_grosze(100000), {{.organisation = coop, .monthly = pln_to_grosze(1000)}});
  p.funder = city;
  b.spec().programmes.push_back(p);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funding_paid_pln"), (std::vector<double>{1000, 1000, 0, 0}));
  EXPECT_EQ(rec.series(0, "funding_missed_pln"), (std::vector<double>{0, 0, 1000, 1000}));
  const auto missed = events_of(rec, "payment_missed");
  ASSERT_EQ(missed.size(), 2U);
  EXPECT_EQ(missed[0].source, city);
  EXPECT_NE(missed[0].note.find("short of cash"), std::string::npos);
}

TEST(Funding, PlacesStopWhenTheProgrammeEndsAndParticipantsAreCut) {
  // The funding cliff: 80 funded places for 12 months on top of 20 own places.
  SpecBuilder b(16);
  quiet_reintegration(b).param("reintegration.referral_rate", 1.0);
  b.param("reintegration.programme_min_months", 24).param("reintegration.programme_max_months", 24);
  const auto ngo = b.org("ngo", OrgKind::Ngo, 20);
  b.spec().programmes.push_back(programme(0, 12, pln_to_grosze(1e6), {{.organisation = ngo, .places = 80}}));
  b.people(500);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.value(0, 0, "people_in_programme"), 100);
  EXPECT_EQ(rec.value(0, 11, "people_in_programme"), 100);
  EXPECT_EQ(rec.value(0, 11, "funded_places"), 80);
  EXPECT_EQ(rec.value(0, 12, "funded_places"), 0);
  EXPECT_EQ(rec.value(0, 12, "programme_places_cut"), 80);
  EXPECT_EQ(rec.value(0, 12, "people_in_programme"), 20);
  EXPECT_EQ(rec.value(0, 12, "programmes_active"), 0);
}

TEST(Funding, PublicAndPrivateMoneyAreToldApartByPayerAndKind) {
  SpecBuilder b(4);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto rotary = b.org("rotary", OrgKind::Donor, 0, 0, 1e6);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  auto grant = programme(0, 4, pln_to_grosze(4000), {{.organisation = ngo, .monthly = pln_to_grosze(1000)}});
  grant.funder = city;
  auto esf = programme(0, 4, pln_to_grosze(400), {{.organisation = ngo, .monthly = pln_to_grosze(100)}});
  auto gift = programme(1, 2, pln_to_grosze(500), {{.organisation = ngo, .amount = pln_to_grosze(500)}},
                        ProgrammeKind::Donation);
  gift.funder = rotary;
  // A donation from the public at large is private money although an outside account pays.
  auto appeal = programme(2, 3, pln_to_grosze(300), {{.organisation = ngo, .amount = pln_to_grosze(300)}},
                          ProgrammeKind::Donation);
  appeal.external_source = "donors";
  b.spec().programmes = {grant, esf, gift, appeal};
  // Ten workers leave social jobs for the open market, for the cost-per-person ratio.
  quiet_reintegration(b).param("reintegration.open_market_rate", 1.0).param("reintegration.min_social_months", 0);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 10);
  b.people(10, 0, PersonState::EmployedSocial, coop);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "public_spending_pln"), (std::vector<double>{1100, 1100, 1100, 1100}));
  EXPECT_EQ(rec.series(0, "private_money_pln"), (std::vector<double>{0, 500, 300, 0}));
  EXPECT_EQ(rec.series(0, "donations_pln"), (std::vector<double>{0, 500, 300, 0}));
  EXPECT_EQ(rec.value(0, 3, "public_spending_cumulative_pln"), 4400);
  EXPECT_EQ(rec.value(0, 3, "private_money_cumulative_pln"), 800);
  EXPECT_DOUBLE_EQ(rec.value(0, 3, "private_per_public_zloty"), 800.0 / 4400.0);
  const double exits = rec.value(0, 3, "exits_to_open_market_cumulative");
  EXPECT_GT(exits, 0);
  EXPECT_DOUBLE_EQ(rec.value(0, 3, "public_spending_per_person_reintegrated_pln"), 4400.0 / exits);
}

// ---- EU calls ---------------------------------------------------------------------------

TEST(Funding, EuCallWithCertainWinsFundsEveryEligibleApplicantAndNoOther) {
  SpecBuilder b(4);
  b.param("funding.application_rate", 1.0);
  for (int i = 0; i < 5; ++i) b.org("ngo" + std::to_string(i), OrgKind::Ngo);
  b.org("firm", OrgKind::Business);
  b.spec().programmes.push_back(eu_call(1, bit(OrgKind::Ngo), pln_to_grosze(3000), 3, 2, 1.0, pln_to_grosze(1e6)));
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "eu_applications"), (std::vector<double>{0, 5, 0, 0}));
  EXPECT_EQ(rec.series(0, "eu_projects_won"), (std::vector<double>{0, 5, 0, 0}));
  EXPECT_EQ(rec.series(0, "eu_projects_active"), (std::vector<double>{0, 5, 5, 5}));
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 10, 10, 10}));
  EXPECT_EQ(rec.series(0, "eu_projects_pln"), (std::vector<double>{0, 5000, 5000, 5000}));
  for (const auto& e : events_of(rec, "project_won")) EXPECT_LT(e.target, 5U);
}

TEST(Funding, EuCallWithZeroWinProbabilityFundsOnlyPartnershipsThroughTheBonus) {
  SpecBuilder b(3);
  b.param("funding.application_rate", 1.0);
  for (int i = 0; i < 6; ++i) b.org("ngo" + std::to_string(i), OrgKind::Ngo);
  b.tie(0, 1, TieKind::Partnership);
  auto none = eu_call(1, bit(OrgKind::Ngo), pln_to_grosze(3000), 3, 2, 0.0, pln_to_grosze(1e6));
  none.partnership_bonus = 0.0;
  auto bonus = none;
  bonus.partnership_bonus = 1.0;
  for (const auto& call : {none, bonus}) {
    SpecBuilder with = b;
    with.spec().programmes = {call};
    MemoryRecorder rec;
    run_checked(with.build(), rec);
    EXPECT_EQ(rec.value(0, 1, "eu_applications"), 6);
    const auto won = events_of(rec, "project_won");
    if (call.partnership_bonus == 0.0) {
      EXPECT_TRUE(won.empty());
    } else {
      ASSERT_EQ(won.size(), 2U);
      EXPECT_EQ(won[0].target, 0U);
      EXPECT_EQ(won[1].target, 1U);
    }
  }
}

TEST(Funding, PartnershipBonusRaisesTheWinRateOverManyApplicants) {
  // 200 NGOs in partnered pairs, 200 alone; half apply; win 0.2 alone, 0.2 + 0.3 in partnership.
  SpecBuilder b(2);
  b.replicates(4).seed(2024);
  for (int i = 0; i < 400; ++i) b.org("ngo" + std::to_string(i), OrgKind::Ngo);
  for (std::uint32_t i = 0; i < 200; i += 2) b.tie(i, i + 1, TieKind::Partnership);
  auto call = eu_call(1, bit(OrgKind::Ngo), pln_to_grosze(1000), 12, 0, 0.2, pln_to_grosze(1e9));
  call.partnership_bonus = 0.3;
  b.spec().programmes = {call};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  double applications = 0;
  double won_partnered = 0;
  double won_alone = 0;
  for (std::uint32_t r = 0; r < 4; ++r) {
    applications += rec.value(r, 1, "eu_applications");
    for (const auto& e : events_of(rec, "project_won", r)) (e.target < 200 ? won_partnered : won_alone) += 1;
    EXPECT_EQ(rec.value(r, 1, "eu_projects_won"), static_cast<double>(events_of(rec, "project_won", r).size()));
  }
  // 800 organisation-draws per group; expected rates 0.5 x 0.5 = 0.25 and 0.5 x 0.2 = 0.10
  // (binomial s.d. about 0.015 and 0.011).
  EXPECT_NEAR(applications / 1600.0, 0.5, 0.04);
  EXPECT_NEAR(won_partnered / 800.0, 0.25, 0.05);
  EXPECT_NEAR(won_alone / 800.0, 0.10, 0.04);
}

TEST(Funding, AJointProjectTurnsAConsortiumIntoAPartnership) {
  SpecBuilder b(3);
  b.param("funding.application_rate", 1.0);
  const auto a = b.org("a", OrgKind::SocialCooperative);
  const auto c = b.org("c", OrgKind::SocialCooperative);
  b.org("alone", OrgKind::SocialCooperative);
  b.tie(a, c, TieKind::Consortium);
  b.spec().programmes = {
      eu_call(1, bit(OrgKind::SocialCooperative), pln_to_grosze(1000), 2, 0, 1.0, pln_to_grosze(1e6))};
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, funding_registry());
  run.advance();
  run.advance();
  const OrgGraph& g = run.world().graph();
  int partnerships = 0;
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    if (g[e].kind != TieKind::Partnership) continue;
    ++partnerships;
    const auto from = static_cast<std::uint32_t>(boost::source(e, g));
    const auto to = static_cast<std::uint32_t>(boost::target(e, g));
    EXPECT_TRUE((from == a && to == c) || (from == c && to == a));
    EXPECT_FLOAT_EQ(g[e].strength, 0.5F);
    EXPECT_EQ(g[e].start_step, 1);
  }
  // Both partners won; one tie for the pair.
  EXPECT_EQ(partnerships, 1);
}

TEST(Funding, TheCallBudgetCapsTheNumberOfProjects) {
  SpecBuilder b(6);
  b.param("funding.application_rate", 1.0);
  for (int i = 0; i < 10; ++i) b.org("ngo" + std::to_string(i), OrgKind::Ngo);
  // Room for 3.5 projects: three are funded, seven winners drop out.
  b.spec().programmes = {eu_call(0, bit(OrgKind::Ngo), pln_to_grosze(4000), 4, 1, 1.0, pln_to_grosze(14000))};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.value(0, 0, "eu_projects_won"), 3);
  EXPECT_EQ(events_of(rec, "project_won").size(), 3U);
  EXPECT_EQ(events_of(rec, "project_unfunded").size(), 7U);
  EXPECT_EQ(rec.series(0, "eu_projects_active"), (std::vector<double>{3, 3, 3, 3, 0, 0}));
  EXPECT_DOUBLE_EQ(sum(rec.series(0, "eu_projects_pln")), 12000);
  EXPECT_EQ(sum(rec.series(0, "funding_missed_pln")), 0);
}

TEST(Funding, EuProjectsPayTheirValueExactlyWithTheRemainderInTheLastMonth) {
  SpecBuilder b(9);
  b.param("funding.application_rate", 1.0);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const Grosze value = 100001;  // 1,000.01 PLN over 7 months: 142.85 x 6 + 142.91
  b.spec().programmes = {eu_call(1, bit(OrgKind::Ngo), value, 7, 0, 1.0, value)};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  const auto paid = rec.series(0, "eu_projects_pln");
  EXPECT_EQ(paid, (std::vector<double>{0, 142.85, 142.85, 142.85, 142.85, 142.85, 142.85, 142.91, 0}));
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, funding_registry());
  while (!run.finished()) run.advance();
  EXPECT_EQ(run.world().org(ngo).cash, value);
}

// One NGO wins a 6-month project with 10 places in month 1; the city may carry it on.
SpecBuilder cliff_world(double city_cash_pln = 1e6) {
  SpecBuilder b(12);
  b.param("funding.application_rate", 1.0).param("funding.place_cost_pln", 1500);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, city_cash_pln);
  b.org("ngo", OrgKind::Ngo);
  auto call = eu_call(1, bit(OrgKind::Ngo), pln_to_grosze(60000), 6, 10, 1.0, pln_to_grosze(60000));
  call.takeover_by = city;
  b.spec().programmes = {call};
  return b;
}

TEST(Funding, EuProjectPlacesStopAtTheEndWithoutTakeover) {
  SpecBuilder b = cliff_world();
  b.param("funding.takeover_probability", 0.0);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "eu_projects_ended"), (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(sum(rec.series(0, "projects_taken_over")), 0);
  EXPECT_DOUBLE_EQ(sum(rec.series(0, "eu_projects_pln")), 60000);
  EXPECT_EQ(events_of(rec, "project_ended").size(), 1U);
  EXPECT_TRUE(events_of(rec, "project_taken_over").empty());
}

TEST(Funding, TheCityTakesOverAProjectForTheConfiguredMonths) {
  SpecBuilder b = cliff_world();
  b.param("funding.takeover_probability", 1.0).param("funding.takeover_months", 3);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0, 0}));
  EXPECT_EQ(rec.series(0, "projects_taken_over"), (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0}));
  // 10 places x 1,500 PLN a month from the city's own cash.
  EXPECT_EQ(rec.series(0, "public_grants_pln"), (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 15000, 15000, 15000, 0, 0}));
  EXPECT_EQ(events_of(rec, "project_taken_over").size(), 1U);
  EXPECT_EQ(events_of(rec, "takeover_ended").size(), 1U);
  EXPECT_EQ(rec.value(0, 11, "public_spending_cumulative_pln"), 60000 + 45000);
}

TEST(Funding, AnOpenEndedTakeoverRunsToTheEndAndNeedsTheCitysCash) {
  SpecBuilder b = cliff_world(30000);  // two months of places
  b.param("funding.takeover_probability", 1.0).param("funding.takeover_months", 0);
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "projects_taken_over"), (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 10, 10, 10, 10, 10, 10, 10, 10, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "funding_missed_pln"), (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 0, 15000, 15000, 15000}));
}

TEST(Funding, APactRaisesTheTakeoverProbability) {
  SpecBuilder b = cliff_world();
  b.param("funding.takeover_probability", 0.0).param("funding.takeover_probability_pact", 1.0);
  auto pact = event(0, EventAction::SignPact);
  pact.note = "Sopot pact";
  pact.signatories = {0, 1};
  b.spec().events = {pact};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.value(0, 7, "projects_taken_over"), 1);
  EXPECT_EQ(rec.value(0, 11, "funded_places"), 10);
}

TEST(Funding, EuCallsAreIdenticalForOneAndTwoThreads) {
  SpecBuilder b(30);
  b.replicates(3).seed(7);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e7);
  for (int i = 0; i < 120; ++i) {
    b.org("o" + std::to_string(i), i % 3 == 0 ? OrgKind::SocialCooperative : OrgKind::Ngo, 0, 0, 0,
          static_cast<std::uint32_t>(i % 2));
  }
  for (std::uint32_t i = 1; i < 100; i += 3) b.tie(i, i + 1, i % 2 == 0 ? TieKind::Consortium : TieKind::Partnership);
  auto first = eu_call(2, bit(OrgKind::Ngo) | bit(OrgKind::SocialCooperative), pln_to_grosze(50000), 12, 5, 0.15,
                       pln_to_grosze(600000));
  first.takeover_by = city;
  auto second = first;  // opens in the same month
  second.id = "call2";
  second.name = "second call";
  b.spec().programmes = {first, second};
  b.people(3000);
  const ScenarioSpec spec = b.build();
  auto run_with = [&spec](int threads) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    MemoryRecorder rec;
    run_scenario(spec, rec);
    return rec;
  };
  const MemoryRecorder one = run_with(1);
  const MemoryRecorder two = run_with(2);
  // Bit for bit, NaN ratios included.
  const auto& a = one.values();
  const auto& c = two.values();
  ASSERT_EQ(a.size(), c.size());
  std::size_t differences = 0;
  for (std::size_t r = 0; r < a.size(); ++r) {
    for (std::size_t s = 0; s < a[r].size(); ++s) {
      ASSERT_EQ(a[r][s].size(), c[r][s].size());
      differences += std::memcmp(a[r][s].data(), c[r][s].data(), a[r][s].size() * sizeof(double)) != 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(differences, 0U);
  for (std::uint32_t r = 0; r < 3; ++r) {
    const auto& x = one.events(r);
    const auto& y = two.events(r);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].kind, y[i].kind);
      EXPECT_EQ(x[i].target, y[i].target);
    }
    EXPECT_GT(one.value(r, 2, "eu_projects_won"), 0);
  }
  MemoryRecorder checked;
  run_checked(spec, checked);
}

// ---- start-up grants --------------------------------------------------------------------

OrganisationSpec& latent(SpecBuilder& b, const std::string& id, int founded_step, int members, int jobs) {
  b.org(id, OrgKind::SocialCooperative, 0, jobs);
  OrganisationSpec& o = b.last_org();
  o.founded_step = founded_step;
  o.latent = founded_step == kNotFounded;
  o.members = members;
  return o;
}

TEST(Funding, StartupGrantsArePaidOnceAndRepaidAfterAnEarlyLiquidation) {
  SpecBuilder b(12);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  b.org("old", OrgKind::SocialCooperative, 0, 2);  // existed before the run: no grant
  b.last_org().members = 5;
  const auto opened = b.spec().organisations.size();  // founded in month 2 by its spec
  latent(b, "opened", 2, 5, 2);
  const auto founded = b.spec().organisations.size();  // founded in month 3 by an event
  latent(b, "founded", kNotFounded, 6, 0);
  const auto kept = b.spec().organisations.size();  // closes after the obligation ran out
  latent(b, "kept", 1, 5, 0).closed_step = 10;
  auto p = programme(0, 12, pln_to_grosze(1e6), {}, ProgrammeKind::StartupGrant);
  p.external_source = "Labour Fund";
  p.per_member = pln_to_grosze(1000);
  p.per_job = pln_to_grosze(2000);
  p.keep_months = 6;
  b.spec().programmes = {p};
  auto found = event(3, EventAction::FoundOrganisation);
  found.target = static_cast<std::uint32_t>(founded);
  auto spend = event(4, EventAction::Transfer);  // "founded" spends 4,000 PLN of its grant
  spend.source = static_cast<std::uint32_t>(founded);
  spend.target = city;
  spend.amount = pln_to_grosze(4000);
  auto close_opened = event(5, EventAction::CloseOrganisation);
  close_opened.target = static_cast<std::uint32_t>(opened);
  auto close_founded = event(8, EventAction::CloseOrganisation);  // keep_until is 3 + 6 = 9
  close_founded.target = static_cast<std::uint32_t>(founded);
  b.spec().events = {found, spend, close_opened, close_founded};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  // opened: 5 x 1,000 + 2 x 2,000; founded: 6 x 1,000; kept: 5 x 1,000.
  EXPECT_EQ(rec.series(0, "startup_grants_pln"), (std::vector<double>{0, 5000, 9000, 6000, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "grants_repaid_pln"), (std::vector<double>{0, 0, 0, 0, 0, 9000, 0, 0, 2000, 0, 0, 0}));
  const auto grants = events_of(rec, "startup_grant");
  ASSERT_EQ(grants.size(), 3U);
  EXPECT_EQ(grants[0].target, kept);
  EXPECT_EQ(grants[1].target, opened);
  EXPECT_EQ(grants[2].target, founded);
  const auto repaid = events_of(rec, "grant_repaid");
  ASSERT_EQ(repaid.size(), 2U);
  EXPECT_EQ(repaid[0].source, opened);
  EXPECT_EQ(repaid[1].source, founded);
  const auto shortfall = events_of(rec, "grant_repayment_shortfall");
  ASSERT_EQ(shortfall.size(), 1U);
  EXPECT_EQ(shortfall[0].amount, pln_to_grosze(4000));
  // Public money: the Labour Fund is an outside account.
  EXPECT_EQ(rec.value(0, 11, "public_spending_cumulative_pln"), 20000);
}

// A stand-in for the cooperatives module: founds one cooperative in month 2 and liquidates
// it in month 4, both in the Organisations phase (after Funding).
class FoundAndLiquidate final : public Module {
 public:
  void configure(const ParamSet& /*params*/) override {}
  void step(Phase /*phase*/, World& world) override {
    if (world.step() == 2) world.found_organisation(0, {}, "test founding");
    if (world.step() == 4) world.close_organisation(0, "cooperative_liquidated", "test liquidation");
  }
  void observe(const World& /*world*/, std::span<double> /*out*/) const override {}
  void save_state(StateWriter& /*out*/) const override {}  // carries nothing
  void restore_state(StateReader& /*in*/) override {}
};

TEST(Funding, ACooperativeFoundedLastMonthGetsItsGrantAndRepaysAfterLiquidation) {
  ModuleRegistry registry = funding_registry();
  ModuleInfo info;
  info.name = "test_founder";
  info.order = 50;
  info.phases = {Phase::Organisations};
  info.make = [] { return std::make_unique<FoundAndLiquidate>(); };
  registry.add(info);
  SpecBuilder b(7);
  latent(b, "coop", kNotFounded, 5, 0);
  auto p = programme(0, 7, pln_to_grosze(1e6), {}, ProgrammeKind::StartupGrant);
  p.per_member = pln_to_grosze(1000);
  b.spec().programmes = {p};
  MemoryRecorder rec;
  run_checked(b.build(), rec, registry);
  EXPECT_EQ(rec.series(0, "startup_grants_pln"), (std::vector<double>{0, 0, 0, 5000, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "grants_repaid_pln"), (std::vector<double>{0, 0, 0, 0, 0, 5000, 0}));
  EXPECT_TRUE(events_of(rec, "grant_repayment_shortfall").empty());
}

// ---- capital, in kind, investment and dividends -------------------------------------------

TEST(Funding, CapitalGrantsAreOneOff) {
  SpecBuilder b(5);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  b.spec().programmes = {programme(1, 5, pln_to_grosze(280756),
                                   {{.organisation = coop, .amount = pln_to_grosze(280756)}},
                                   ProgrammeKind::CapitalGrant)};
  MemoryRecorder rec;
  run_checked(b.build(), rec);
  EXPECT_EQ(rec.series(0, "capital_grants_pln"), (std::vector<double>{0, 280756, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "public_spending_pln"), (std::vector<double>{0, 280756, 0, 0, 0}));
}

TEST(Funding, InKindSupportWaivesRentForTheGivenMonths) {
  SpecBuilder b(12);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  b.last_org().rent = pln_to_grosze(2000);
  auto premises = programme(3, 4, 0, {{.organisation = coop, .rent_free_months = 6}}, ProgrammeKind::InKind);
  premises.funder = city;
  b.spec().programmes = {premises};
  const ScenarioSpec spec = b.build();
  MemoryRecorder rec;
  run_checked(spec, rec);
  ReplicateRun run(spec, 0, funding_registry());
  std::vector<int> until;
  for (int s = 0; s < 12; ++s) {
    run.advance();
    until.push_back(run.world().org(coop).rent_free_until);
  }
  EXPECT_EQ(until, (std::vector<int>{0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9}));
  EXPECT_EQ(rec.series(0, "in_kind_value_pln"),
            (std::vector<double>{0, 0, 0, 2000, 2000, 2000, 2000, 2000, 2000, 0, 0, 0}));
  EXPECT_EQ(sum(rec.series(0, "funding_paid_pln")), 0);
}

TEST(Funding, AnInvestmentIsRepaidByADividendHoliday) {
  SpecBuilder b(10);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto aqua = b.org("aqua", OrgKind::MunicipalCompany, 0, 0, 1e6);
  b.last_org().dividend = pln_to_grosze(10000);
  b.last_org().founders = {city};
  // A company with no municipal founder pays the state, until its cash runs out.
  b.org("port", OrgKind::MunicipalCompany, 0, 0, 2500);
  b.last_org().dividend = pln_to_grosze(1000);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  auto invest = programme(2, 3, pln_to_grosze(500000), {{.organisation = coop, .amount = pln_to_grosze(500000)}},
                          ProgrammeKind::Investment);
  invest.funder = aqua;
  invest.dividend_holiday_months = 4;
  b.spec().programmes = {invest};
  const ScenarioSpec spec = b.build();
  MemoryRecorder rec;
  run_checked(spec, rec);
  EXPECT_EQ(rec.series(0, "investments_pln"), (std::vector<double>{0, 0, 500000, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "dividends_paid_pln"),
            (std::vector<double>{11000, 11000, 0, 0, 0, 0, 10000, 10000, 10000, 10000}));
  EXPECT_EQ(rec.series(0, "dividends_forgone_pln"),
            (std::vector<double>{0, 0, 10000, 10000, 10000, 10000, 0, 0, 0, 0}));
  EXPECT_EQ(rec.series(0, "dividends_missed_pln"),
            (std::vector<double>{0, 0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}));
  // Forgone over the holiday = dividend x holiday months.
  EXPECT_EQ(rec.value(0, 9, "dividends_forgone_cumulative_pln"), 10000 * 4);
  ReplicateRun run(spec, 0, funding_registry());
  while (!run.finished()) run.advance();
  EXPECT_EQ(run.world().org(city).cash, pln_to_grosze(6 * 10000));
  EXPECT_EQ(run.world().org(aqua).dividend_holiday_until, 6);
  const auto& names = run.world().external_account_names();
  const auto state = std::find(names.begin(), names.end(), "state budget");
  ASSERT_NE(state, names.end());
  // The state budget received port's two dividends.
  EXPECT_EQ(run.world().external_balance(static_cast<std::uint32_t>(state - names.begin())), pln_to_grosze(2000));
}

}  // namespace
}  // namespace partnersim
