// Cooperation dynamics (models/cooperation): decay of bridges and cluster ties, pacts,
// joint work, triadic closure with homophily, brokers, and determinism. Most tests drive the
// module alone on a hand-built world (the engine's Ties and Rewire phases only), so that no
// other mechanism touches the ties.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/cooperation/cooperation.h"
#include "sim/recorder.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

constexpr std::size_t kFormed = 0;
constexpr std::size_t kByBrokers = 1;
constexpr std::size_t kDecayed = 2;
constexpr std::size_t kMeanStrength = 3;
constexpr std::size_t kPactStrength = 4;

// The cooperation module alone on a world: each step opens the month, runs Phase::Ties,
// applies the proposed edits and observes.
class Harness {
 public:
  explicit Harness(ScenarioSpec spec) : spec_(std::move(spec)), world_(spec_, 0) {
    coop_.configure(world_.params());
    coop_.setup(world_);
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  void step() {
    world_.clear_step_events();
    world_.begin_step(next_++);
    coop_.step(Phase::Ties, world_);
    world_.apply_graph_edits();
    coop_.observe(world_, out_);
  }
  World& world() { return world_; }
  [[nodiscard]] double metric(std::size_t i) const { return out_.at(i); }

 private:
  ScenarioSpec spec_;
  World world_;
  models::Cooperation coop_;
  std::array<double, 5> out_{};
  int next_ = 0;
};

// The most recently added tie of `kind` between a and b (either direction), or nullptr.
const Tie* find_tie(const World& w, std::uint32_t a, std::uint32_t b, TieKind kind) {
  const OrgGraph& g = w.graph();
  const Tie* found = nullptr;
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto s = boost::source(e, g);
    const auto t = boost::target(e, g);
    if (((s == a && t == b) || (s == b && t == a)) && g[e].kind == kind) found = &g[e];
  }
  return found;
}

bool tied_now(const World& w, std::uint32_t a, std::uint32_t b) {
  const OrgGraph& g = w.graph();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto s = boost::source(e, g);
    const auto t = boost::target(e, g);
    if (((s == a && t == b) || (s == b && t == a)) && g[e].active_at(w.step())) return true;
  }
  return false;
}

// Pairs (a < b) tied by any tie in force now.
std::set<std::pair<std::uint32_t, std::uint32_t>> tied_pairs(const World& w) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  const OrgGraph& g = w.graph();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    if (!g[e].active_at(w.step())) continue;
    const auto s = static_cast<std::uint32_t>(boost::source(e, g));
    const auto t = static_cast<std::uint32_t>(boost::target(e, g));
    pairs.emplace(std::min(s, t), std::max(s, t));
  }
  return pairs;
}

// No new ties unless a test switches formation on.
SpecBuilder quiet(int steps) {
  SpecBuilder b(steps);
  b.param("cooperation.closure_rate", 0.0).param("cooperation.broker_rate", 0.0);
  return b;
}

// First step t at which strength s0 (1 - rate)^t falls below the threshold, in the module's
// float arithmetic.
int predicted_break(double s0, double rate, double threshold) {
  float s = static_cast<float>(s0);
  for (int t = 1;; ++t) {
    s = static_cast<float>(static_cast<double>(s) * (1.0 - rate));
    if (s < threshold) return t;
  }
}

TEST(Cooperation, LoneBridgeDecaysGeometricallyAndBreaksOnThePredictedStep) {
  SpecBuilder b = quiet(30);
  const auto a = b.org("a", OrgKind::Ngo);
  const auto c = b.org("c", OrgKind::Ngo);
  b.tie(a, c, TieKind::Informal);  // strength 0.5 from step 0
  Harness h(b.build());
  const int breaks = predicted_break(0.5, 0.17, 0.05);
  ASSERT_EQ(breaks, 13);  // 0.5 x 0.83^12 = 0.053, 0.5 x 0.83^13 = 0.044
  const Tie* tie = find_tie(h.world(), a, c, TieKind::Informal);
  for (int t = 0; t < breaks; ++t) {
    h.step();
    ASSERT_TRUE(tie->active_at(t)) << t;
    EXPECT_NEAR(tie->strength, 0.5 * std::pow(0.83, t), 1e-6) << t;  // no decay in the month it starts
    EXPECT_EQ(h.metric(kDecayed), 0.0) << t;
    EXPECT_NEAR(h.metric(kMeanStrength), 0.5 * std::pow(0.83, t), 1e-6) << t;
  }
  h.step();
  EXPECT_EQ(tie->end_step, breaks);
  EXPECT_EQ(h.metric(kDecayed), 1.0);
  EXPECT_EQ(h.metric(kMeanStrength), 0.0);  // no cooperation tie left
  ASSERT_EQ(h.world().step_events().size(), 1U);
  EXPECT_EQ(h.world().step_events()[0].kind, "tie_decayed");
  h.step();
  EXPECT_EQ(h.metric(kDecayed), 0.0);
}

TEST(Cooperation, TieInsideATriangleDecaysAtTheClusterRate) {
  SpecBuilder b = quiet(12);
  const auto a = b.org("a", OrgKind::Ngo);
  const auto c = b.org("c", OrgKind::Ngo);
  const auto d = b.org("d", OrgKind::Ngo);
  const auto x = b.org("x", OrgKind::Ngo);
  const auto y = b.org("y", OrgKind::Ngo);
  b.tie(a, c, TieKind::Informal);
  b.tie(c, d, TieKind::Founding).tie(d, a, TieKind::Referral);  // close the triangle, neither decays
  b.tie(x, y, TieKind::Partnership);                            // a lone bridge beside it
  Harness h(b.build());
  const Tie* inside = find_tie(h.world(), a, c, TieKind::Informal);
  const Tie* bridge = find_tie(h.world(), x, y, TieKind::Partnership);
  for (int t = 0; t < 12; ++t) {
    h.step();
    EXPECT_NEAR(inside->strength, 0.5 * std::pow(0.97, t), 1e-6) << t;
    EXPECT_NEAR(bridge->strength, 0.5 * std::pow(0.83, t), 1e-6) << t;
  }
  EXPECT_FLOAT_EQ(find_tie(h.world(), c, d, TieKind::Founding)->strength, 0.5F);  // not this module's kind
}

TEST(Cooperation, PactSignatoriesTiesDecayByTheFactor) {
  SpecBuilder b = quiet(24);
  const auto a = b.org("a", OrgKind::Municipality);
  const auto c = b.org("c", OrgKind::Ngo);
  const auto x = b.org("x", OrgKind::Ngo);
  const auto y = b.org("y", OrgKind::Ngo);
  b.tie(a, c, TieKind::Partnership).tie(x, y, TieKind::Partnership);
  Harness h(b.build());
  h.world().add_pact(Pact{"pact", 0, {a, c}});
  const Tie* pact = find_tie(h.world(), a, c, TieKind::Partnership);
  const Tie* other = find_tie(h.world(), x, y, TieKind::Partnership);
  for (int t = 0; t < 24; ++t) {
    h.step();
    EXPECT_NEAR(pact->strength, 0.5 * std::pow(1.0 - 0.17 * 0.25, t), 1e-6) << t;
    if (other->active_at(t)) {
      EXPECT_NEAR(other->strength, 0.5 * std::pow(0.83, t), 1e-6) << t;
      EXPECT_NEAR(h.metric(kMeanStrength), (pact->strength + other->strength) / 2.0, 1e-6);
    }
    EXPECT_NEAR(h.metric(kPactStrength), pact->strength, 1e-6) << t;
  }
  EXPECT_FALSE(other->active_at(23));
  EXPECT_TRUE(pact->active_at(23));  // 0.5 x 0.9575^23 = 0.18
}

TEST(Cooperation, JointWorkStrengthensUpToOne) {
  SpecBuilder b = quiet(14);
  const auto a = b.org("a", OrgKind::Municipality);
  const auto c = b.org("c", OrgKind::SocialCooperative);
  const auto x = b.org("x", OrgKind::SocialCooperative);
  const auto y = b.org("y", OrgKind::SocialCooperative);
  const auto u = b.org("u", OrgKind::SocialCooperative);
  const auto v = b.org("v", OrgKind::SocialCooperative);
  b.tie(a, c, TieKind::Informal).tie(c, a, TieKind::Contract);  // a contract in the other direction
  b.tie(x, y, TieKind::Consortium).tie(x, y, TieKind::Grant);   // a consortium with a grant
  b.tie(u, v, TieKind::Consortium);                             // a consortium alone is not joint work
  Harness h(b.build());
  const Tie* informal = find_tie(h.world(), a, c, TieKind::Informal);
  const Tie* consortium = find_tie(h.world(), x, y, TieKind::Consortium);
  const Tie* alone = find_tie(h.world(), u, v, TieKind::Consortium);
  for (int t = 0; t < 14; ++t) {
    h.step();
    const double expected = std::min(1.0, 0.5 + 0.05 * t);
    EXPECT_NEAR(informal->strength, expected, 1e-6) << t;
    EXPECT_NEAR(consortium->strength, expected, 1e-6) << t;
    if (t < 10) {
      EXPECT_NEAR(alone->strength, 0.5 * std::pow(0.83, t), 1e-6) << t;
    }
  }
  EXPECT_FLOAT_EQ(informal->strength, 1.0F);
  EXPECT_FLOAT_EQ(find_tie(h.world(), c, a, TieKind::Contract)->strength, 0.5F);  // not this module's kind
}

TEST(Cooperation, TriadicClosureClosesAnOpenTriadAndNeverReachesClosedLatentOrDormantOrganisations) {
  SpecBuilder b(30);
  b.param("cooperation.closure_rate", 1.0).param("cooperation.closure_acceptance", 1.0);
  b.param("cooperation.broker_rate", 0.0);
  const auto a = b.org("a", OrgKind::Ngo);
  const auto hub = b.org("hub", OrgKind::Ngo);
  const auto c = b.org("c", OrgKind::Ngo);
  const auto dormant = b.org("dormant", OrgKind::SocialCooperative);
  const auto closed = b.org("closed", OrgKind::Ngo);
  b.last_org().closed_step = 0;  // gone before the run; its tie below stays in the graph
  const auto latent = b.org("latent", OrgKind::SocialCooperative);
  b.last_org().founded_step = kNotFounded;
  b.last_org().latent = true;
  b.tie(a, hub, TieKind::Referral).tie(hub, c, TieKind::Referral);
  b.tie(hub, dormant, TieKind::Referral).tie(hub, closed, TieKind::Referral).tie(hub, latent, TieKind::Referral);
  Harness h(b.build());
  h.world().org(dormant).status = OrgStatus::Dormant;
  int formed_at = -1;
  double formed_total = 0.0;
  for (int t = 0; t < 30; ++t) {
    h.step();
    formed_total += h.metric(kFormed);
    if (formed_at < 0 && tied_now(h.world(), a, c)) formed_at = t;
    for (auto o : {a, hub, c}) {
      for (auto gone : {dormant, closed, latent}) EXPECT_EQ(find_tie(h.world(), o, gone, TieKind::Informal), nullptr);
    }
  }
  ASSERT_GE(formed_at, 0) << "a and c never met through hub";
  const Tie* tie = find_tie(h.world(), a, c, TieKind::Informal);
  EXPECT_EQ(tie->start_step, formed_at);
  EXPECT_EQ(tie->end_step, kOpenEnded);  // in a cluster: 0.3 x 0.97^29 = 0.12
  EXPECT_EQ(formed_total, 1.0);
  // Every tie the module added is informal and started at the initial strength.
  EXPECT_NEAR(tie->strength, 0.3 * std::pow(0.97, 29 - formed_at), 1e-6);
}

TEST(Cooperation, BrokersIntroduceTheirOperatingPartners) {
  SpecBuilder b(3);
  b.param("cooperation.closure_rate", 0.0).param("cooperation.broker_rate", 1.0);
  const auto owes = b.org("owes", OrgKind::SupportCentre);
  const auto rops = b.org("rops", OrgKind::RegionalCentre);
  const auto ngo = b.org("ngo", OrgKind::Ngo);  // not a broker
  const auto p = b.org("p", OrgKind::SocialCooperative);
  const auto q = b.org("q", OrgKind::SocialCooperative);
  const auto sleepy = b.org("sleepy", OrgKind::SocialCooperative);
  const auto r = b.org("r", OrgKind::Ngo);
  const auto s = b.org("s", OrgKind::Business);
  const auto u = b.org("u", OrgKind::Business);
  const auto v = b.org("v", OrgKind::Business);
  b.tie(owes, p, TieKind::InKind).tie(owes, q, TieKind::InKind).tie(owes, sleepy, TieKind::InKind);
  b.tie(rops, r, TieKind::Grant).tie(rops, s, TieKind::Grant);
  b.tie(ngo, u, TieKind::Partnership).tie(ngo, v, TieKind::Partnership);
  Harness h(b.build());
  h.world().org(sleepy).status = OrgStatus::Dormant;
  h.step();
  EXPECT_EQ(h.metric(kFormed), 2.0);
  EXPECT_EQ(h.metric(kByBrokers), 2.0);
  const Tie* pq = find_tie(h.world(), p, q, TieKind::Informal);
  ASSERT_NE(pq, nullptr);
  EXPECT_FLOAT_EQ(pq->strength, 0.3F);
  EXPECT_EQ(pq->start_step, 0);
  EXPECT_NE(find_tie(h.world(), r, s, TieKind::Informal), nullptr);
  EXPECT_EQ(find_tie(h.world(), u, v, TieKind::Informal), nullptr);
  EXPECT_EQ(find_tie(h.world(), p, sleepy, TieKind::Informal), nullptr);
  h.step();  // everyone operating is introduced already
  EXPECT_EQ(h.metric(kFormed), 0.0);
}

TEST(Cooperation, APairProposedTwiceInOneMonthIsTiedOnce) {
  SpecBuilder b(1);
  b.param("cooperation.closure_rate", 1.0).param("cooperation.closure_acceptance", 1.0);
  b.param("cooperation.broker_rate", 1.0);
  const auto o1 = b.org("owes1", OrgKind::SupportCentre);
  const auto o2 = b.org("owes2", OrgKind::SupportCentre);
  const auto p = b.org("p", OrgKind::SocialCooperative);
  const auto q = b.org("q", OrgKind::SocialCooperative);
  b.tie(o1, p, TieKind::InKind).tie(o1, q, TieKind::InKind).tie(o2, p, TieKind::InKind).tie(o2, q, TieKind::InKind);
  Harness h(b.build());
  h.step();
  std::size_t pq = 0;
  const OrgGraph& g = h.world().graph();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto s = boost::source(e, g);
    const auto t = boost::target(e, g);
    pq += ((s == p && t == q) || (s == q && t == p)) ? 1 : 0;
  }
  EXPECT_EQ(pq, 1U);
  // Both brokers introduce p and q (and p and q may close the triad too): one p-q tie. The
  // brokers themselves may be closed into a pair through p or q, the only other new tie.
  EXPECT_LE(h.metric(kFormed), 2.0);
  EXPECT_GE(h.metric(kFormed), 1.0);
}

// Open triads: a centre tied to two leaves; per month each leaf meets the other with
// probability 1/2 (its partner's random partner is itself otherwise) and accepts with
// min(1, h), so the pair is tied after one month with probability 1 - (1 - h/2)^2.
TEST(Cooperation, HomophilyRaisesClosureBySectorAndDistrict) {
  struct Kind {
    std::uint32_t sector_i, sector_k, municipality_i, municipality_k;
    double h;
  };
  const std::vector<Kind> kinds = {
      {1, 2, 0, 1, 0.3},  // different sector and district
      {1, 1, 0, 1, 0.6},  // same sector
      {2, 1, 1, 1, 0.6},  // same district
      {1, 1, 0, 0, 1.0},  // both: 0.3 x 2 x 2 = 1.2, capped
      {0, 0, 0, 1, 0.3},  // sector "none" is not a shared sector
  };
  constexpr int kTriads = 300;
  constexpr int kReplicates = 4;
  std::vector<double> closed(kinds.size(), 0.0);
  for (int r = 0; r < kReplicates; ++r) {
    SpecBuilder b(1);
    b.seed(1000 + static_cast<std::uint64_t>(r));
    b.spec().sectors = {"none", "catering", "cleaning"};
    b.param("cooperation.closure_rate", 1.0).param("cooperation.broker_rate", 0.0);
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> pairs(kinds.size());
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      for (int t = 0; t < kTriads; ++t) {
        const std::string id = std::to_string(k) + "_" + std::to_string(t);
        const auto centre = b.org("c" + id, OrgKind::Ngo);
        const auto i = b.org("i" + id, OrgKind::Ngo, 0, 0, 0, kinds[k].municipality_i);
        b.last_org().sector = kinds[k].sector_i;
        const auto j = b.org("k" + id, OrgKind::Ngo, 0, 0, 0, kinds[k].municipality_k);
        b.last_org().sector = kinds[k].sector_k;
        b.tie(centre, i, TieKind::Referral).tie(centre, j, TieKind::Referral);
        pairs[k].emplace_back(i, j);
      }
    }
    Harness h(b.build());
    h.step();
    const auto tied = tied_pairs(h.world());
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      for (const auto& [i, j] : pairs[k]) closed[k] += tied.contains({std::min(i, j), std::max(i, j)}) ? 1.0 : 0.0;
    }
  }
  const double n = kTriads * kReplicates;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const double expected = 1.0 - std::pow(1.0 - kinds[k].h / 2.0, 2.0);
    const double sd = std::sqrt(expected * (1.0 - expected) / n);
    EXPECT_NEAR(closed[k] / n, expected, 4.0 * sd) << "kind " << k;  // 4 sd: about 0.05
  }
  EXPECT_GT(closed[1], closed[0] + 0.15 * n);
  EXPECT_GT(closed[2], closed[0] + 0.15 * n);
  EXPECT_GT(closed[3], closed[1] + 0.15 * n);
}

TEST(Cooperation, RejectsABreakThresholdAboveTheInitialStrength) {
  ParamSet params = ModuleRegistry::instance().defaults();
  EXPECT_EQ(ModuleRegistry::instance().check(params), "");
  params.set("cooperation.break_threshold", 0.4);
  EXPECT_NE(ModuleRegistry::instance().check(params).find("cooperation: initial_strength"), std::string::npos);
  const ParamSpec* rate = ModuleRegistry::instance().find_param("cooperation.bridge_decay");
  ASSERT_NE(rate, nullptr);
  EXPECT_NE(rate->check(1.5), "");
  EXPECT_EQ(rate->default_value, 0.17);
}

// A larger world, run by the engine with every module: the same metrics and events for one
// and two threads (formation is decided in parallel chunks of organisations).
ScenarioSpec busy_network(std::uint64_t seed) {
  SpecBuilder b(15);
  b.seed(seed).replicates(2);
  b.spec().sectors = {"none", "catering", "cleaning", "care"};
  b.param("cooperation.closure_rate", 0.3).param("cooperation.broker_rate", 0.8);
  // Sampled betweenness: cheaper, and its draws must not depend on the threads either.
  b.param("network.betweenness_exact_limit", 100).param("network.betweenness_samples", 40);
  constexpr std::uint32_t kOrgs = 600;  // three chunks of the formation pass
  RandomStream rng(StreamKey{seed, 0}, 0, purpose("test.network"), 0);
  for (std::uint32_t i = 0; i < kOrgs; ++i) {
    const OrgKind kind = i % 50 == 0 ? OrgKind::SupportCentre : (i % 3 == 0 ? OrgKind::Business : OrgKind::Ngo);
    b.org("o" + std::to_string(i), kind, 0, 0, 0, i % 2);
    b.last_org().sector = i % 4;
  }
  for (std::uint32_t e = 0; e < 2 * kOrgs; ++e) {
    const auto x = static_cast<std::uint32_t>(rng.below(kOrgs));
    const auto y = static_cast<std::uint32_t>(rng.below(kOrgs));
    if (x == y) continue;
    const TieKind kind = e % 5 == 0 ? TieKind::Contract : (e % 2 == 0 ? TieKind::Informal : TieKind::Partnership);
    b.tie(x, y, kind);
  }
  EventSpec pact;
  pact.step = 3;
  pact.action = EventAction::SignPact;
  pact.note = "pact";
  pact.strength = 0.6;
  pact.signatories = {1, 2, 4, 5, 7, 8};
  b.spec().events.push_back(pact);
  return b.build();
}

MemoryRecorder run_with_threads(const ScenarioSpec& spec, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  MemoryRecorder recorder;
  run_scenario(spec, recorder);
  return recorder;
}

TEST(Cooperation, SameResultsForOneAndTwoThreads) {
  const ScenarioSpec spec = busy_network(5);
  const auto one = run_with_threads(spec, 1);
  const auto two = run_with_threads(spec, 2);
  // Bit-identical metrics (NaN, from ratios with a zero denominator, equals NaN here).
  const auto& x = one.values();
  const auto& y = two.values();
  ASSERT_EQ(x.size(), y.size());
  std::size_t differ = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    for (std::size_t t = 0; t < x[r].size(); ++t) {
      for (std::size_t m = 0; m < x[r][t].size(); ++m) {
        const double a = x[r][t][m];
        const double b = y[r][t].at(m);
        differ += (a == b || (std::isnan(a) && std::isnan(b))) ? 0 : 1;
      }
    }
  }
  EXPECT_EQ(differ, 0U);
  for (std::uint32_t r = 0; r < 2; ++r) {
    const auto& ex = one.events(r);
    const auto& ey = two.events(r);
    ASSERT_EQ(ex.size(), ey.size());
    for (std::size_t k = 0; k < ex.size(); ++k) {
      EXPECT_EQ(ex[k].step, ey[k].step);
      EXPECT_EQ(ex[k].kind, ey[k].kind);
      EXPECT_EQ(ex[k].source, ey[k].source);
      EXPECT_EQ(ex[k].target, ey[k].target);
    }
  }
  double formed = 0.0;
  double by_brokers = 0.0;
  double decayed = 0.0;
  for (double v : one.series(0, "ties_formed")) formed += v;
  for (double v : one.series(0, "ties_formed_by_brokers")) by_brokers += v;
  for (double v : one.series(0, "ties_decayed")) decayed += v;
  EXPECT_GT(formed, 100.0);
  EXPECT_GT(by_brokers, 20.0);
  EXPECT_GT(decayed, 100.0);
  EXPECT_GT(one.value(0, 14, "pact_ties_mean_strength"), 0.0);
  EXPECT_EQ(one.value(0, 2, "pact_ties_mean_strength"), 0.0);  // before the pact
  EXPECT_NE(one.series(0, "ties_formed"), one.series(1, "ties_formed"));
}

}  // namespace
}  // namespace partnersim
