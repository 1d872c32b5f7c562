#include <gtest/gtest.h>

#include <cmath>

#include "models/reintegration/reintegration.h"
#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

std::size_t metric_index(const std::vector<MetricSpec>& metrics, const std::string& name) {
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) return i;
  }
  throw std::out_of_range(name);
}

MemoryRecorder run(const ScenarioSpec& spec) {
  MemoryRecorder rec;
  run_scenario(spec, rec);
  return rec;
}

TEST(Reintegration, OpenMarketRelapseFollowsTheGeometricLaw) {
  // Only relapse is on: after step s, N (1-p)^(s+1) people are expected still employed.
  constexpr double p = 0.02;
  constexpr double n = 200000;
  SpecBuilder b(30);
  quiet_reintegration(b).param("reintegration.open_relapse_rate", p);
  b.org("ngo", OrgKind::Ngo);
  b.people(static_cast<std::int64_t>(n), 0, PersonState::EmployedOpen);
  const auto rec = run(b.build());
  for (int s : {0, 9, 29}) {
    const double q = std::pow(1 - p, s + 1);
    const double sd = std::sqrt(n * q * (1 - q));
    EXPECT_NEAR(rec.value(0, s, "people_employed_open"), n * q, 5 * sd) << "step " << s;
  }
}

TEST(Reintegration, ProgrammeLastsExactlyItsLengthWhenMinEqualsMax) {
  SpecBuilder b(14);
  quiet_reintegration(b).param("reintegration.referral_rate", 1.0);
  b.param("reintegration.programme_min_months", 6).param("reintegration.programme_max_months", 6);
  b.org("cis", OrgKind::ReintegrationCentre, 500);
  b.people(100);
  const auto rec = run(b.build());
  const std::vector<double> expected = {100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 0};
  EXPECT_EQ(rec.series(0, "people_in_programme"), expected);
  EXPECT_EQ(rec.value(0, 6, "programme_completions"), 100);
  EXPECT_EQ(rec.value(0, 6, "people_excluded"), 100);
}

TEST(Reintegration, PlacesAreLimitedAndTheRestWait) {
  SpecBuilder b(5);
  quiet_reintegration(b).param("reintegration.referral_rate", 1.0);
  b.org("cis", OrgKind::ReintegrationCentre, 30);
  b.org("ngo", OrgKind::Ngo, 20);
  b.org("far_ngo", OrgKind::Ngo, 1000, 0, 0, 1);  // another municipality: out of reach
  b.people(1000);
  const auto rec = run(b.build());
  EXPECT_EQ(rec.value(0, 0, "programme_entries"), 50);
  EXPECT_EQ(rec.value(0, 0, "referrals_waiting"), 950);
  EXPECT_EQ(rec.value(0, 0, "people_in_programme"), 50);
  EXPECT_EQ(rec.value(0, 4, "people_in_programme"), 50);
  EXPECT_EQ(rec.value(0, 1, "programme_entries"), 0);  // no place freed up yet
}

TEST(Reintegration, CompletersFillOnlyVacantSocialJobsNearby) {
  SpecBuilder b(8);
  quiet_reintegration(b).param("reintegration.placement_probability", 1.0);
  b.param("reintegration.programme_min_months", 3).param("reintegration.programme_max_months", 3);
  const auto cis = b.org("cis", OrgKind::ReintegrationCentre, 40);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 10);
  b.org("brigade", OrgKind::MunicipalCompany, 0, 8);
  b.people(40, 0, PersonState::InProgramme, cis).people(4, 0, PersonState::EmployedSocial, coop);
  const auto rec = run(b.build());
  // Month 3: all 40 complete; 6 + 8 vacancies are filled, 26 go back to exclusion.
  EXPECT_EQ(rec.value(0, 2, "programme_completions"), 40);
  EXPECT_EQ(rec.value(0, 2, "social_placements"), 14);
  EXPECT_EQ(rec.value(0, 2, "people_employed_social"), 18);
  EXPECT_EQ(rec.value(0, 2, "social_job_vacancies"), 0);
  EXPECT_EQ(rec.value(0, 2, "people_excluded"), 26);
}

TEST(Reintegration, OrganisationCountersMatchThePeopleEveryStep) {
  SpecBuilder b(40);
  b.param("reintegration.referral_rate", 0.2).param("reintegration.dropout_rate", 0.1);
  const auto cis = b.org("cis", OrgKind::ReintegrationCentre, 300);
  b.org("ngo", OrgKind::Ngo, 100, 0, 0, 1);
  b.org("coop", OrgKind::SocialCooperative, 0, 60);
  b.org("company", OrgKind::MunicipalCompany, 0, 50, 0, 1);
  b.people(5000, 0).people(3000, 1).people(100, 0, PersonState::InProgramme, cis);
  const ScenarioSpec spec = b.build();
  const auto metrics = describe_run(spec).metrics;
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  while (!run.finished()) {
    const StepRecord& rec = run.advance();
    const World& w = run.world();
    std::vector<int> participants(w.organisation_count(), 0);
    std::vector<int> workers(w.organisation_count(), 0);
    std::array<int, kPersonStateCount> by_state{};
    for (std::size_t i = 0; i < w.people().size(); ++i) {
      ++by_state[static_cast<std::size_t>(w.people().state[i])];
      if (w.people().state[i] == PersonState::InProgramme) ++participants[w.people().placement[i]];
      if (w.people().state[i] == PersonState::EmployedSocial) ++workers[w.people().placement[i]];
    }
    for (std::uint32_t o = 0; o < w.organisation_count(); ++o) {
      ASSERT_EQ(w.org(o).participants, participants[o]) << "step " << rec.step;
      ASSERT_EQ(w.org(o).excluded_workers, workers[o]) << "step " << rec.step;
      ASSERT_LE(participants[o], w.org(o).programme_places());
      ASSERT_LE(workers[o], w.org(o).social_jobs);
    }
    // The module's state counts (kept incrementally) agree with a recount.
    for (std::size_t s = 0; s < kPersonStateCount; ++s) {
      const std::string metric = "people_" + std::string(name_of(static_cast<PersonState>(s)));
      ASSERT_EQ(rec.metrics[metric_index(metrics, metric)], by_state[s]) << metric << " step " << rec.step;
    }
  }
}

}  // namespace
}  // namespace partnersim
