// Network metrics module (models/network): observed on hand-built worlds with known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/network/network.h"
#include "sim/network.h"
#include "sim/registry.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

// The network module observing a world that the test advances by hand.
class Observed {
 public:
  explicit Observed(ScenarioSpec spec) : spec_(std::move(spec)), world_(spec_, 0) {
    info_ = models::network_module_info();
    module_ = info_.make();
    module_->configure(world_.params());
    module_->setup(world_);
    out_.assign(info_.metrics.size(), -99.0);
  }
  Observed(const Observed&) = delete;
  Observed& operator=(const Observed&) = delete;

  void step(int s) {
    world_.clear_step_events();
    world_.begin_step(s);
    module_->observe(world_, out_);
  }
  [[nodiscard]] double operator[](const std::string& name) const {
    for (std::size_t i = 0; i < info_.metrics.size(); ++i) {
      if (info_.metrics[i].name == name) return out_[i];
    }
    throw std::out_of_range(name);
  }
  World& world() { return world_; }

 private:
  ScenarioSpec spec_;
  World world_;
  ModuleInfo info_;
  std::unique_ptr<Module> module_;
  std::vector<double> out_;
};

TEST(NetworkModule, DeclaresOneTieCountPerKindAndUniqueNames) {
  const ModuleInfo info = models::network_module_info();
  std::vector<std::string> names;
  for (const auto& m : info.metrics) names.push_back(m.name);
  for (std::size_t k = 0; k < kTieKindCount; ++k) {
    const std::string name = "ties_" + std::string(name_of(static_cast<TieKind>(k)));
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_TRUE(info.phases.empty());
  ASSERT_NE(ModuleRegistry::instance().find("network"), nullptr);
}

TEST(NetworkModule, StarWithTiesOfSeveralKinds) {
  // A centre tied to 5 leaves; the leaf 1 twice (contract both ways and a partnership).
  SpecBuilder b(2);
  const auto centre = b.org("city", OrgKind::Municipality);
  for (int i = 1; i <= 5; ++i) b.org("ngo" + std::to_string(i), OrgKind::Ngo);
  b.tie(centre, 1, TieKind::Partnership).tie(centre, 1, TieKind::Contract).tie(1, centre, TieKind::Contract);
  b.tie(centre, 2, TieKind::Grant).tie(centre, 3, TieKind::Referral).tie(centre, 4, TieKind::InKind);
  b.tie(5, centre, TieKind::Informal);
  b.tie(2, 3, TieKind::Founding, 1);  // from step 1: closes a triangle
  Observed o(b.build());
  o.step(0);
  EXPECT_EQ(o["ties_partnership"], 1.0);
  EXPECT_EQ(o["ties_contract"], 2.0);  // both directions
  EXPECT_EQ(o["ties_grant"], 1.0);
  EXPECT_EQ(o["ties_founding"], 0.0);  // not yet in force
  EXPECT_EQ(o["ties_referral"], 1.0);
  EXPECT_EQ(o["ties_in_kind"], 1.0);
  EXPECT_EQ(o["ties_consortium"], 0.0);
  EXPECT_EQ(o["ties_informal"], 1.0);
  EXPECT_DOUBLE_EQ(o["network_density"], 5.0 / 15.0);
  EXPECT_DOUBLE_EQ(o["network_mean_degree"], 10.0 / 6.0);
  EXPECT_DOUBLE_EQ(o["network_clustering"], 0.0);
  EXPECT_EQ(o["network_components"], 1.0);
  EXPECT_DOUBLE_EQ(o["network_largest_component_share"], 1.0);
  EXPECT_DOUBLE_EQ(o["cross_sector_share"], 1.0);       // public centre, civil leaves
  EXPECT_DOUBLE_EQ(o["broker_betweenness_max"], 10.0);  // (n-1)(n-2)/2 pairs of leaves
  EXPECT_EQ(o["broker_betweenness_top"], 0.0);

  o.step(1);  // the triangle 0-2-3: 3 x 1 / (10 + 1 + 1) triples
  EXPECT_EQ(o["ties_founding"], 1.0);
  EXPECT_DOUBLE_EQ(o["network_clustering"], 3.0 / 12.0);
  EXPECT_DOUBLE_EQ(o["cross_sector_share"], 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(o["broker_betweenness_max"], 10.0);  // held until the next betweenness month
}

TEST(NetworkModule, BetweennessIsRecomputedEveryKStepsAndHeldInBetween) {
  SpecBuilder b(30);
  b.param("network.betweenness_every", 12);
  for (int i = 0; i < 4; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
  b.tie(0, 1, TieKind::Informal).tie(1, 2, TieKind::Informal).tie(2, 3, TieKind::Informal);  // a path
  b.tie(0, 2, TieKind::Partnership, 5).tie(1, 3, TieKind::Partnership, 5).tie(0, 3, TieKind::Partnership, 5);
  Observed o(b.build());
  o.step(0);
  EXPECT_DOUBLE_EQ(o["broker_betweenness_max"], 2.0);  // nodes 1 and 2 each carry 2 pairs
  EXPECT_EQ(o["broker_betweenness_top"], 1.0);         // lowest index on ties
  for (int s = 1; s < 12; ++s) {
    o.step(s);
    EXPECT_DOUBLE_EQ(o["broker_betweenness_max"], 2.0) << s;  // complete from step 5, but held
    EXPECT_EQ(o["broker_betweenness_top"], 1.0) << s;
  }
  o.step(12);
  EXPECT_DOUBLE_EQ(o["broker_betweenness_max"], 0.0);  // complete graph: no one in between
  EXPECT_EQ(o["broker_betweenness_top"], -1.0);
  EXPECT_DOUBLE_EQ(o["network_clustering"], 1.0);
}

TEST(NetworkModule, ComponentsCountIsolatesButNotClosedOrganisations) {
  SpecBuilder b(3);
  for (int i = 0; i < 7; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
  b.tie(0, 1, TieKind::Partnership).tie(1, 2, TieKind::Partnership).tie(3, 4, TieKind::Partnership);
  b.tie(5, 6, TieKind::Partnership);
  Observed o(b.build());
  o.step(0);
  EXPECT_EQ(o["network_components"], 3.0);
  o.world().close_organisation(6, "organisation_closed", "");  // 5 becomes an isolate
  o.step(1);
  EXPECT_EQ(o["network_components"], 3.0);
  EXPECT_DOUBLE_EQ(o["network_largest_component_share"], 0.5);
  EXPECT_EQ(o["ties_partnership"], 3.0);
}

TEST(NetworkModule, CrossSectorShareCountsEachTiedPairOnce) {
  SpecBuilder b(1);
  const auto city = b.org("city", OrgKind::Municipality);                   // public
  const auto mops = b.org("mops", OrgKind::SocialAssistanceCentre);         // public
  const auto ngo = b.org("ngo", OrgKind::Ngo);                              // civil
  const auto coop = b.org("coop", OrgKind::SocialCooperative);              // civil
  const auto firm = b.org("firm", OrgKind::Business);                       // private
  b.tie(city, mops, TieKind::Partnership);                                  // same sector
  b.tie(city, ngo, TieKind::Grant).tie(ngo, city, TieKind::Contract);       // cross, one pair
  b.tie(ngo, coop, TieKind::Founding);                                      // same sector
  b.tie(coop, firm, TieKind::Contract).tie(firm, coop, TieKind::Informal);  // cross, one pair
  Observed o(b.build());
  o.step(0);
  EXPECT_DOUBLE_EQ(o["cross_sector_share"], 2.0 / 4.0);
}

TEST(NetworkModule, ConsortiaAreConnectedGroupsOfConsortiumTies) {
  SpecBuilder b(3);
  for (int i = 0; i < 10; ++i) b.org("c" + std::to_string(i), OrgKind::SocialCooperative);
  b.tie(0, 1, TieKind::Consortium).tie(1, 2, TieKind::Consortium).tie(2, 0, TieKind::Consortium);  // one of three
  b.tie(3, 4, TieKind::Consortium);                                                                // one of two
  b.tie(5, 6, TieKind::Consortium, 0, 1);                                                          // ends at step 1
  b.tie(7, 8, TieKind::Partnership);                                                               // not a consortium
  b.tie(4, 9, TieKind::Consortium, 2);  // from step 2: joins 3-4
  Observed o(b.build());
  o.step(0);
  EXPECT_EQ(o["consortia_active"], 3.0);
  EXPECT_EQ(o["ties_consortium"], 5.0);
  o.step(1);
  EXPECT_EQ(o["consortia_active"], 2.0);
  o.step(2);
  EXPECT_EQ(o["consortia_active"], 2.0);
  EXPECT_EQ(models::count_consortia(o.world()), 2U);
  o.world().close_organisation(1, "organisation_closed", "");  // 0-2 still tied
  EXPECT_EQ(models::count_consortia(o.world()), 2U);
  o.world().close_organisation(3, "organisation_closed", "");  // 4-9 still tied
  EXPECT_EQ(models::count_consortia(o.world()), 2U);
  o.world().close_organisation(9, "organisation_closed", "");  // 4 left alone
  EXPECT_EQ(models::count_consortia(o.world()), 1U);
}

TEST(NetworkModule, LargeNetworksUseTheSampledEstimate) {
  // A ring of 150 with chords: exact versus estimated from 100 sampled sources.
  auto build = [](double exact_limit) {
    SpecBuilder b(1);
    b.param("network.betweenness_exact_limit", exact_limit).param("network.betweenness_samples", 100);
    const int n = 150;
    for (int i = 0; i < n; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
    for (int i = 0; i < n; ++i) b.tie(i, (i + 1) % n, TieKind::Partnership);
    for (int i = 0; i < n; i += 10) b.tie(i, (i + 37) % n, TieKind::Partnership);
    b.tie(0, 75, TieKind::Partnership);  // node 0 is a hub of the chords
    return b.build();
  };
  Observed exact(build(5000));
  Observed sampled(build(10));
  exact.step(0);
  sampled.step(0);
  EXPECT_GT(exact["broker_betweenness_max"], 1000.0);
  EXPECT_NEAR(sampled["broker_betweenness_max"], exact["broker_betweenness_max"],
              0.10 * exact["broker_betweenness_max"]);
  EXPECT_NE(sampled["broker_betweenness_max"], exact["broker_betweenness_max"]);  // it did sample
  // The exact path agrees with the engine's exact Brandes.
  const TieView view(exact.world());
  const auto c = betweenness(view, view.nodes(), [](std::size_t) -> std::uint32_t { return 0; });
  EXPECT_DOUBLE_EQ(exact["broker_betweenness_max"], *std::max_element(c.begin(), c.end()));
  EXPECT_EQ(exact["broker_betweenness_top"], static_cast<double>(std::max_element(c.begin(), c.end()) - c.begin()));
}

}  // namespace
}  // namespace partnersim
