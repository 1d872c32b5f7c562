// Behaviour of the modules together, over replicates: what the model claims to reproduce,
// tested rather than assumed (DOMAIN.md stylized fact 8).
#include <gtest/gtest.h>

#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

constexpr int kCooperatives = 30;
constexpr int kReplicates = 4;

// Thirty small renovation cooperatives share a private market too small to pay their
// costs. With `supported`, each gets a year of free premises and the city (its co-founder)
// as an anchor customer through direct orders.
ScenarioSpec renovation_town(bool supported) {
  SpecBuilder b(30);
  quiet_reintegration(b).replicates(kReplicates).seed(8);
  b.spec().sectors = {"none", "renovation"};
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e8);
  const auto caritas = b.org("caritas", OrgKind::Church);
  std::vector<std::uint32_t> coops;
  for (int k = 0; k < kCooperatives; ++k) {
    const auto c = b.org("coop" + std::to_string(k), OrgKind::SocialCooperative, 0, 0, 10000);
    b.last_org().sector = 1;
    b.last_org().staff = 5;
    b.last_org().rent = pln_to_grosze(3000);
    b.last_org().founders = {city, caritas};  // legal persons: the members rule does not apply
    coops.push_back(c);
  }
  b.spec().markets = {{.municipality = 0, .sector = 1, .monthly = pln_to_grosze(12000.0 * kCooperatives)}};
  if (supported) {
    FundingProgrammeSpec premises;
    premises.id = "premises";
    premises.name = "free premises";
    premises.kind = ProgrammeKind::InKind;
    premises.funder = city;
    premises.start_step = 0;
    premises.end_step = 1;
    for (auto c : coops) premises.awards.push_back({.organisation = c, .rent_free_months = 12});
    b.spec().programmes = {premises};
    b.spec().buyers = {{.organisation = city,
                        .demand = {{.sector = 1, .yearly = pln_to_grosze(130000.0 * kCooperatives)}},
                        .contract_months = 12,
                        .tender_month = 1}};
  }
  return b.build();
}

double failed_share_at(const ScenarioSpec& spec, int step) {
  MemoryRecorder rec;
  run_scenario(spec, rec);
  double failed = 0;
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    failed += rec.value(r, step, "cooperatives_dormant") + rec.value(r, step, "cooperatives_liquidated_cumulative");
  }
  return failed / (kReplicates * kCooperatives);
}

TEST(Behaviour, FreePremisesAndAnAnchorCustomerLowerEarlyFailures) {
  const double without = failed_share_at(renovation_town(false), 23);
  const double with = failed_share_at(renovation_town(true), 23);
  // Without support sales cover about 80% of costs: nearly all fail within two years. With
  // it, the direct orders keep them solvent; only random shocks remain.
  EXPECT_GT(without, 0.8);
  EXPECT_LT(with, 0.35);
  EXPECT_LT(with, without - 0.5);
}

// Stylized fact 1: services drop when a fixed-length EU project ends, unless the city
// takes it over.
ScenarioSpec eu_funded_town(double takeover_probability) {
  SpecBuilder b(36);
  b.replicates(kReplicates).seed(3);
  b.param("funding.application_rate", 1.0).param("funding.takeover_probability", takeover_probability);
  b.param("funding.takeover_probability_pact", takeover_probability);
  b.param("reintegration.referral_rate", 0.2);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e8);
  for (int k = 0; k < 6; ++k) b.org("ngo" + std::to_string(k), OrgKind::Ngo);
  b.people(3000);
  FundingProgrammeSpec call;
  call.id = "esf";
  call.name = "ESF call";
  call.kind = ProgrammeKind::EuCall;
  call.external_source = "EU funds";
  call.start_step = 0;
  call.end_step = 24;
  call.duration_months = 24;
  call.eligible_kinds = 1U << static_cast<unsigned>(OrgKind::Ngo);
  call.project_value = pln_to_grosze(480000);
  call.places_per_project = 20;
  call.win_probability = 1.0;
  call.budget = pln_to_grosze(480000.0 * 6);
  call.takeover_by = city;
  b.spec().programmes = {call};
  return b.build();
}

TEST(Behaviour, EndingAnEuProjectProducesTheFundingCliffUnlessTheCityTakesOver) {
  auto mean_in_programme = [](const MemoryRecorder& rec, int step) {
    double sum = 0;
    for (std::uint32_t r = 0; r < kReplicates; ++r) sum += rec.value(r, step, "people_in_programme");
    return sum / kReplicates;
  };
  MemoryRecorder cliff;
  run_scenario(eu_funded_town(0.0), cliff);
  MemoryRecorder carried;
  run_scenario(eu_funded_town(1.0), carried);
  // 6 projects x 20 places are full before the end (3,000 people, 20% referred a month).
  EXPECT_NEAR(mean_in_programme(cliff, 23), 120, 5);
  EXPECT_NEAR(mean_in_programme(cliff, 24), 0, 1e-9);   // the cliff
  EXPECT_NEAR(mean_in_programme(carried, 24), 120, 5);  // the city carries the places on
  EXPECT_NEAR(mean_in_programme(carried, 35), 120, 5);
}

}  // namespace
}  // namespace partnersim
