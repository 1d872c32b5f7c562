#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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

TEST(Reintegration, ThePlacesGoToTheRequestsOfLowestPriority) {
  // 3,000 people ask for a programme in the first month, two municipalities with 37 and 5
  // places: in each, those served are exactly the ones whose priority draw (the person's
  // stream for "reintegration.priority" that month) is among the lowest, as many as places.
  SpecBuilder b(1);
  quiet_reintegration(b).param("reintegration.referral_rate", 1.0);
  b.org("cis", OrgKind::ReintegrationCentre, 30);
  b.org("ngo", OrgKind::Ngo, 7);
  b.org("cis_gdynia", OrgKind::ReintegrationCentre, 5, 0, 0, 1);
  b.people(2000, 0);
  b.people(1000, 1);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  const World& w = run.world();
  const People& people = w.people();
  for (const std::uint16_t municipality : {std::uint16_t{0}, std::uint16_t{1}}) {
    const std::size_t places = municipality == 0 ? 37 : 5;
    std::vector<std::pair<double, std::uint32_t>> drawn;  // (priority, person)
    std::vector<std::uint32_t> served;
    for (std::uint32_t i = 0; i < people.size(); ++i) {
      if (people.municipality[i] != municipality) continue;
      drawn.emplace_back(w.stream(purpose("reintegration.priority"), i).uniform(), i);
      if (people.state[i] == PersonState::InProgramme) served.push_back(i);
    }
    std::sort(drawn.begin(), drawn.end());
    std::vector<std::uint32_t> lowest;
    for (std::size_t k = 0; k < places; ++k) lowest.push_back(drawn[k].second);
    std::sort(lowest.begin(), lowest.end());
    EXPECT_EQ(served, lowest) << "municipality " << municipality;
  }
}

TEST(Reintegration, CompletersFillOnlyVacantSocialJobsNearby) {
  SpecBuilder b(8);
  quiet_reintegration(b).param("reintegration.placement_probability", 1.0);
  testing::quiet_cooperatives(b);  // no wages: the cooperative keeps its jobs
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

namespace partnersim {
namespace {

using testing::quiet_reintegration;
using testing::SpecBuilder;

TEST(ReintegrationHomelessPath, StreetToShelterToFlatToHousing) {
  SpecBuilder b(12);
  quiet_reintegration(b).param("reintegration.shelter_entry_rate", 1.0).param("reintegration.flat_entry_rate", 1.0);
  b.param("reintegration.flat_exit_rate", 1.0).param("reintegration.flat_min_months", 3);
  b.org("shelter", OrgKind::Ngo);
  b.last_org().shelter_places = 10;
  b.org("flats", OrgKind::Municipality);
  b.last_org().flat_places = 4;
  b.people(30, 0, PersonState::Street, 0, kHomeless);
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  // Month 0: 10 beds taken. Month 1: 4 move on to flats (beds freed the same month are
  // offered to the street again: flats go first). Month 4: the 4 leave after 3 months.
  EXPECT_EQ(rec.value(0, 0, "people_shelter"), 10);
  EXPECT_EQ(rec.value(0, 0, "people_street"), 20);
  EXPECT_EQ(rec.value(0, 1, "flat_entries"), 4);
  EXPECT_EQ(rec.value(0, 1, "people_training_flat"), 4);
  EXPECT_EQ(rec.value(0, 1, "people_shelter"), 10);
  EXPECT_EQ(rec.value(0, 1, "people_street"), 16);
  EXPECT_EQ(rec.value(0, 4, "rehoused"), 4);
  EXPECT_EQ(rec.value(0, 4, "people_excluded"), 4);
  for (int s = 0; s < 12; ++s) {
    const double total = rec.value(0, s, "people_street") + rec.value(0, s, "people_shelter") +
                         rec.value(0, s, "people_training_flat") + rec.value(0, s, "people_excluded");
    ASSERT_EQ(total, 30) << "step " << s;
  }
}

TEST(ReintegrationReferrals, TiedHostsComeFirstAndReachAcrossMunicipalities) {
  SpecBuilder b(1);
  quiet_reintegration(b).param("reintegration.referral_rate", 1.0);
  const auto mops = b.org("mops", OrgKind::SocialAssistanceCentre);
  b.org("local", OrgKind::Ngo, 50);
  const auto remote = b.org("remote_cis", OrgKind::ReintegrationCentre, 30, 0, 0, 1);
  b.tie(mops, remote, TieKind::Referral);
  b.people(40);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  EXPECT_EQ(run.world().org(remote).participants, 30);  // the tied host fills first
  EXPECT_EQ(run.world().org(1).participants, 10);
}

TEST(ReintegrationReferrals, ReferralTiesRaiseTheReferralRate) {
  auto referrals = [](bool tied) {
    SpecBuilder b(1);
    quiet_reintegration(b).param("reintegration.referral_rate", 0.1).param("reintegration.referral_tie_boost", 1.0);
    const auto mops = b.org("mops", OrgKind::SocialAssistanceCentre);
    const auto cis = b.org("cis", OrgKind::ReintegrationCentre, 10);
    if (tied) b.tie(mops, cis, TieKind::Referral);
    b.people(100000);
    MemoryRecorder rec;
    run_scenario(b.build(), rec);
    return rec.value(0, 0, "referrals");
  };
  // One referral tie of strength 0.5: rate 0.1 x (1 + 1 x 0.5). Expected 10,000 and 15,000
  // referrals of 100,000 people (sd about 95 and 113).
  EXPECT_NEAR(referrals(false), 10000, 600);
  EXPECT_NEAR(referrals(true), 15000, 700);
}

TEST(ReintegrationJobs, DirectHiresFillWhatCompletersLeaveAndRetentionIsMeasured) {
  SpecBuilder b(14);
  quiet_reintegration(b).param("reintegration.direct_hire_rate", 1.0);
  b.org("company", OrgKind::MunicipalCompany, 0, 8);
  b.people(20);
  MemoryRecorder rec;
  run_scenario(b.build(), rec);
  EXPECT_EQ(rec.value(0, 0, "direct_hires"), 8);
  EXPECT_EQ(rec.value(0, 0, "employed_in_municipal_companies"), 8);
  EXPECT_EQ(rec.value(0, 1, "direct_hires"), 0);  // no vacancy left
  EXPECT_TRUE(std::isnan(rec.value(0, 11, "still_employed_12m_share")));
  EXPECT_EQ(rec.value(0, 12, "still_employed_12m_share"), 1.0);           // nobody left in a year
  EXPECT_TRUE(std::isnan(rec.value(0, 13, "still_employed_12m_share")));  // no entries at step 1
}

TEST(ReintegrationJobs, WorkersLoseTheirJobsWhenTheEmployerStopsOperating) {
  SpecBuilder b(3);
  quiet_reintegration(b);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 6);
  b.people(6, 0, PersonState::EmployedSocial, coop);
  const ScenarioSpec spec = b.build();
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.advance();
  EXPECT_EQ(run.world().org(coop).excluded_workers, 6);
  run.world().org(coop).social_jobs = 4;  // sheds two jobs
  run.advance();
  EXPECT_EQ(run.world().org(coop).excluded_workers, 4);
  run.world().org(coop).status = OrgStatus::Dormant;
  const StepRecord& rec = run.advance();
  EXPECT_EQ(run.world().org(coop).excluded_workers, 0);
  EXPECT_EQ(rec.org_employees[coop], 0);
}

}  // namespace
}  // namespace partnersim
