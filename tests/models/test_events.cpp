#include <gtest/gtest.h>

#include <algorithm>

#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

EventSpec event(int step, EventAction action) {
  EventSpec e;
  e.step = step;
  e.action = action;
  return e;
}

TEST(ScheduledEvents, TiesAreAddedAndEndedOnTheirMonth) {
  SpecBuilder b(6);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  auto add = event(2, EventAction::AddTie);
  add.source = city;
  add.target = ngo;
  add.tie_kind = TieKind::Partnership;
  auto end = event(4, EventAction::EndTie);
  end.source = ngo;  // either direction ends it
  end.target = city;
  end.tie_kind = TieKind::Partnership;
  b.spec().events = {add, end};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "ties_active"), (std::vector<double>{0, 0, 1, 1, 0, 0}));
  EXPECT_EQ(rec.series(0, "events_applied"), (std::vector<double>{0, 0, 1, 0, 1, 0}));
}

TEST(ScheduledEvents, TransfersMoveMoneyAndAreLogged) {
  SpecBuilder b(3);
  b.org("aqua", OrgKind::MunicipalCompany, 0, 0, 10);
  const auto rotary = b.org("rotary", OrgKind::Donor, 0, 0, 80000);
  auto t = event(1, EventAction::Transfer);
  t.source = rotary;
  t.target = 0;
  t.amount = pln_to_grosze(80000);
  t.note = "equipment";
  auto grant = event(2, EventAction::Transfer);
  grant.from_external = true;
  grant.external_source = "government fund";
  grant.target = 0;
  grant.amount = pln_to_grosze(280756);
  b.spec().events = {t, grant};
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  const StepRecord& s1 = run.advance();
  EXPECT_EQ(s1.org_cash_pln[0], 80010);
  EXPECT_EQ(s1.org_cash_pln[rotary], 0);
  ASSERT_EQ(s1.events.size(), 1U);
  EXPECT_EQ(s1.events[0].kind, "transfer");
  EXPECT_EQ(s1.events[0].amount, pln_to_grosze(80000));
  const StepRecord& s2 = run.advance();
  EXPECT_EQ(s2.org_cash_pln[0], 80010 + 280756);
  EXPECT_EQ(run.world().money_total(), 0);
}

TEST(ScheduledEvents, ClosingAnEmployerSendsItsWorkersBackToExclusion) {
  SpecBuilder b(4);
  quiet_reintegration(b);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 10);
  b.people(7, 0, PersonState::EmployedSocial, coop).people(3);
  auto close = event(2, EventAction::CloseOrganisation);
  close.target = coop;
  b.spec().events = {close};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "people_employed_social"), (std::vector<double>{7, 7, 0, 0}));
  EXPECT_EQ(rec.series(0, "people_excluded"), (std::vector<double>{3, 3, 10, 10}));
  EXPECT_EQ(rec.series(0, "organisations_alive"), (std::vector<double>{1, 1, 0, 0}));
  const auto& log = rec.events(0);
  EXPECT_TRUE(
      std::any_of(log.begin(), log.end(), [](const LoggedEvent& e) { return e.kind == "organisation_closed"; }));
}

TEST(ScheduledEvents, SetCapacityOpensJobsFromItsMonthAndLaysOffBeyondALoweredOne) {
  SpecBuilder b(7);
  quiet_reintegration(b);
  b.param("reintegration.direct_hire_rate", 1.0);  // every vacancy is filled at once
  const auto company = b.org("company", OrgKind::MunicipalCompany);
  b.people(20);
  auto open = event(2, EventAction::SetCapacity);
  open.target = company;
  open.social_jobs = 8;
  auto lower = event(4, EventAction::SetCapacity);
  lower.target = company;
  lower.social_jobs = 3;
  b.spec().events = {open, lower};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "employed_in_municipal_companies"), (std::vector<double>{0, 0, 8, 8, 3, 3, 3}));
  EXPECT_EQ(rec.series(0, "people_excluded"), (std::vector<double>{20, 20, 12, 12, 17, 17, 17}));
  EXPECT_EQ(rec.series(0, "people_total"), (std::vector<double>(7, 20)));
}

TEST(ScheduledEvents, SetParameterTakesEffectFromItsMonth) {
  SpecBuilder b(6);
  quiet_reintegration(b);
  b.org("cis", OrgKind::ReintegrationCentre, 100);
  b.people(50);
  auto set = event(3, EventAction::SetParameter);
  set.parameter = "reintegration.referral_rate";
  set.value = 1.0;
  b.spec().events = {set};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "programme_entries"), (std::vector<double>{0, 0, 0, 50, 0, 0}));
}

}  // namespace
}  // namespace partnersim

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

TEST(ScheduledEvents, FoundingOpensTheOrganisationWithFoundersGrantAndFreePremises) {
  SpecBuilder b(5);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 100000);
  const auto caritas = b.org("caritas", OrgKind::Church);
  const auto coop = b.org("kooperacja", OrgKind::SocialCooperative, 0, 5);
  b.last_org().founded_step = kNotFounded;
  b.last_org().rent = pln_to_grosze(2000);
  auto found = event(2, EventAction::FoundOrganisation);
  found.target = coop;
  found.founders = {city, caritas};
  found.source = city;
  found.amount = pln_to_grosze(40000);
  found.rent_free_months = 12;
  b.spec().events = {found};
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  run.advance();
  EXPECT_FALSE(run.world().org(coop).alive);  // not before its month
  run.advance();
  const World& w = run.world();
  EXPECT_TRUE(w.org(coop).alive);
  EXPECT_EQ(w.org(coop).founded_step, 2);
  EXPECT_EQ(w.org(coop).rent_free_until, 14);
  EXPECT_EQ(w.active_degree(coop), 2);  // two founding ties
  EXPECT_EQ(w.org(city).cash, pln_to_grosze(60000));
  EXPECT_EQ(w.money_total(), 0);
}

TEST(ScheduledEvents, AnOrganisationFoundedByAnEventStillClosesOnItsDate) {
  SpecBuilder b(6);
  const auto centre = b.org("ceson", OrgKind::SupportCentre);
  b.last_org().founded_step = kNotFounded;
  b.last_org().closed_step = 4;
  auto found = event(1, EventAction::FoundOrganisation);
  found.target = centre;
  b.spec().events = {found};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "organisations_alive"), (std::vector<double>{0, 1, 1, 1, 0, 0}));
}

TEST(ScheduledEvents, APactTiesEverySignatoryPairOnce) {
  SpecBuilder b(3);
  const auto city = b.org("city", OrgKind::Municipality);
  const auto a = b.org("caritas", OrgKind::Church);
  const auto c = b.org("zadba", OrgKind::Ngo);
  const auto d = b.org("brat_albert", OrgKind::Ngo);
  b.tie(city, a, TieKind::Partnership);  // already partners: raised, not doubled
  b.param("cooperation.cluster_decay", 0.0).param("cooperation.bridge_decay", 0.0);
  auto pact = event(1, EventAction::SignPact);
  pact.signatories = {d, city, c, a};
  pact.strength = 0.8;
  pact.note = "Pact for social entrepreneurship";
  b.spec().events = {pact};
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  EXPECT_EQ(run.world().active_tie_count(), 1U);
  run.advance();
  const World& w = run.world();
  EXPECT_EQ(w.active_tie_count(), 6U);  // 4 signatories: 6 pairs
  ASSERT_EQ(w.pacts().size(), 1U);
  EXPECT_TRUE(w.share_pact(city, d));
  EXPECT_FALSE(w.share_pact(city, 99));
  for (auto e : boost::make_iterator_range(boost::edges(w.graph()))) {
    EXPECT_FLOAT_EQ(w.graph()[e].strength, 0.8F);
  }
}

TEST(ScheduledEvents, ProgrammesCanBeSwitchedOnAndOff) {
  SpecBuilder b(8);
  quiet_reintegration(b);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  FundingProgrammeSpec p;
  p.id = "pilot";
  p.name = "pilot";
  p.external_source = "ESF";
  p.start_step = 6;
  p.end_step = 8;
  p.budget = pln_to_grosze(1e6);
  p.awards = {{.organisation = ngo, .places = 10}};
  b.spec().programmes = {p};
  auto on = event(2, EventAction::StartProgramme);
  on.programme = 0;
  auto off = event(4, EventAction::EndProgramme);
  off.programme = 0;
  b.spec().events = {on, off};
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funded_places"), (std::vector<double>{0, 0, 10, 10, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace partnersim
