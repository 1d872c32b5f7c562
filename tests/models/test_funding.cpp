#include <gtest/gtest.h>

#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

FundingProgrammeSpec programme(int start, int end, Grosze budget, std::vector<AwardSpec> awards) {
  FundingProgrammeSpec p;
  p.id = "esf";
  p.name = "ESF pilot";
  p.external_source = "ESF";
  p.start_step = start;
  p.end_step = end;
  p.budget = budget;
  p.awards = std::move(awards);
  return p;
}

TEST(Funding, PaysMonthlyWithinBudgetAndConservesMoney) {
  SpecBuilder b(10);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  // Budget for three monthly payments of 1,000 PLN, programme running six months.
  b.spec().programmes.push_back(
      programme(2, 8, pln_to_grosze(3000), {{.organisation = ngo, .monthly = pln_to_grosze(1000)}}));
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  std::vector<double> cash;
  while (!run.finished()) {
    const StepRecord& rec = run.advance();
    cash.push_back(rec.org_cash_pln[ngo]);
    ASSERT_EQ(run.world().money_total(), 0) << "step " << rec.step;
  }
  EXPECT_EQ(cash, (std::vector<double>{0, 0, 1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000}));
}

TEST(Funding, AnOrganisationCannotPayWhatItDoesNotHold) {
  SpecBuilder b(4);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 2500);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  auto p = programme(0, 4, pln_to_grosze(100000), {{.organisation = coop, .monthly = pln_to_grosze(1000)}});
  p.funder = city;
  b.spec().programmes.push_back(p);
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.series(0, "funding_paid_pln"), (std::vector<double>{1000, 1000, 0, 0}));
  EXPECT_EQ(rec.series(0, "funding_missed_pln"), (std::vector<double>{0, 0, 1000, 1000}));
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
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.value(0, 0, "people_in_programme"), 100);
  EXPECT_EQ(rec.value(0, 11, "people_in_programme"), 100);
  EXPECT_EQ(rec.value(0, 11, "funded_places"), 80);
  EXPECT_EQ(rec.value(0, 12, "funded_places"), 0);
  EXPECT_EQ(rec.value(0, 12, "programme_places_cut"), 80);
  EXPECT_EQ(rec.value(0, 12, "people_in_programme"), 20);
  EXPECT_EQ(rec.value(0, 12, "programmes_active"), 0);
}

}  // namespace
}  // namespace partnersim
