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
