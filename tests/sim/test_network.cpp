// Network measures of the ties in force (sim/network.h): the undirected view, the summary
// (density, degree, transitivity, components) and Brandes betweenness, on hand-built graphs
// with known answers and against Boost.Graph on random graphs.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/connected_components.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "sim/network.h"
#include "sim/random.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;
using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// A world of n NGOs tied by the given edges (partnerships in force from step 0), at step 0.
struct Net {
  ScenarioSpec spec;
  std::unique_ptr<World> world;

  Net(std::size_t n, const Edges& edges, TieKind kind = TieKind::Partnership) {
    SpecBuilder b(2);
    for (std::size_t i = 0; i < n; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
    for (const auto& [u, v] : edges) b.tie(u, v, kind);
    spec = b.build();
    world = std::make_unique<World>(spec, 0);
    world->begin_step(0);
  }
  [[nodiscard]] TieView view() const { return TieView(*world); }
};

std::vector<double> exact_betweenness(const TieView& v) {
  return betweenness(v, v.nodes(), [](std::size_t) -> std::uint32_t { return 0; });
}

Edges star(std::uint32_t n) {
  Edges e;
  for (std::uint32_t i = 1; i < n; ++i) e.emplace_back(0, i);
  return e;
}

Edges path(std::uint32_t n) {
  Edges e;
  for (std::uint32_t i = 0; i + 1 < n; ++i) e.emplace_back(i, i + 1);
  return e;
}

// Erdős–Rényi G(n, p) from a fixed stream.
Edges random_graph(std::uint32_t n, double p, std::uint64_t seed) {
  RandomStream rng(StreamKey{seed, 0}, 0, purpose("test.graph"), 0);
  Edges e;
  for (std::uint32_t u = 0; u < n; ++u) {
    for (std::uint32_t v = u + 1; v < n; ++v) {
      if (rng.bernoulli(p)) e.emplace_back(u, v);
    }
  }
  return e;
}

TEST(TieView, OneUndirectedEdgePerPairOfLivingOrganisationsWithATieInForce) {
  SpecBuilder b(4);
  for (int i = 0; i < 5; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
  b.tie(0, 1, TieKind::Partnership).tie(1, 0, TieKind::Contract).tie(0, 1, TieKind::Informal);  // one pair
  b.tie(1, 2, TieKind::Referral, 0, 1);                                                         // ended at step 1
  b.tie(2, 3, TieKind::Grant, 2);                                                               // from step 2
  b.tie(3, 4, TieKind::Informal);
  b.tie(4, 4, TieKind::Informal);  // a loop is not an edge
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  w.begin_step(0);
  {
    const TieView v(w);
    EXPECT_EQ(v.nodes(), 5U);
    EXPECT_EQ(v.edges(), 3U);  // 0-1, 1-2, 3-4
    EXPECT_EQ(v.degree(0), 1U);
    EXPECT_EQ(v.degree(1), 2U);
    EXPECT_TRUE(v.adjacent(1, 0));
    EXPECT_TRUE(v.adjacent(0, 1));
    EXPECT_FALSE(v.adjacent(0, 2));
    EXPECT_TRUE(v.share_neighbour(0, 2));  // both tied to 1
    EXPECT_FALSE(v.share_neighbour(0, 1));
    EXPECT_EQ(v.ties(0, 0), 3U);  // 0-1: three ties, both directions
    EXPECT_EQ(v.ties(1, 0), 3U);
    EXPECT_EQ(v.ties(1, 1), 1U);  // 1-2
  }
  w.clear_step_events();
  w.begin_step(2);
  w.close_organisation(4, "organisation_closed", "");
  const TieView v(w);
  EXPECT_EQ(v.alive_count(), 4U);
  EXPECT_EQ(v.edges(), 2U);  // 0-1, 2-3; 1-2 ended, 3-4 ended with its organisation
  EXPECT_TRUE(v.adjacent(2, 3));
  EXPECT_FALSE(v.adjacent(1, 2));
  EXPECT_EQ(v.degree(4), 0U);
}

// The rows the view must hold, from the graph itself: every tie in force between two living
// organisations (not a loop), in both directions, each neighbour once, sorted.
std::vector<std::vector<std::uint32_t>> expected_rows(const World& w) {
  const OrgGraph& g = w.graph();
  std::vector<std::vector<std::uint32_t>> rows(w.organisation_count());
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto u = static_cast<std::uint32_t>(boost::source(e, g));
    const auto v = static_cast<std::uint32_t>(boost::target(e, g));
    if (u == v || !g[e].active_at(w.step()) || !w.org(u).alive || !w.org(v).alive) continue;
    rows[u].push_back(v);
    rows[v].push_back(u);
  }
  for (auto& r : rows) {
    std::sort(r.begin(), r.end());
    r.erase(std::unique(r.begin(), r.end()), r.end());
  }
  return rows;
}

void expect_rows(const TieView& view, const World& w, int round) {
  const auto rows = expected_rows(w);
  ASSERT_EQ(view.nodes(), rows.size());
  std::size_t ends = 0;
  for (std::uint32_t v = 0; v < rows.size(); ++v) {
    ASSERT_EQ(std::vector<std::uint32_t>(view.begin(v), view.end(v)), rows[v])
        << "organisation " << v << ", round " << round;
    ASSERT_EQ(view.degree(v), rows[v].size());
    ends += rows[v].size();
  }
  EXPECT_EQ(view.edges(), ends / 2) << "round " << round;
}

TEST(TieView, AViewReusedAcrossStepsOfRandomAddsEndsAndClosuresEqualsTheGraph) {
  // More organisations than one row chunk, with hubs, repeated pairs, both directions and
  // loops; each round adds ties, ends some and closes a few organisations, and the reused
  // view is compared with the graph and with a view built afresh.
  constexpr std::uint32_t kOrgs = 9000;
  SpecBuilder b(12);
  for (std::uint32_t i = 0; i < kOrgs; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo);
  RandomStream rng(StreamKey{11, 0}, 0, purpose("test.view"), 0);
  for (int k = 0; k < 20000; ++k) {
    const auto u = static_cast<std::uint32_t>(rng.below(kOrgs));
    const auto v = static_cast<std::uint32_t>(rng.bernoulli(0.2) ? rng.below(8) : rng.below(kOrgs));  // hubs 0..7
    b.tie(u, v, TieKind::Partnership, 0, rng.bernoulli(0.1) ? 1 + static_cast<int>(rng.below(5)) : kOpenEnded);
  }
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  TieView reused;
  for (int step = 0; step < 6; ++step) {
    w.clear_step_events();
    w.begin_step(step);
    for (int k = 0; k < 500; ++k) {
      const auto u = static_cast<std::uint32_t>(rng.below(kOrgs));
      auto v = static_cast<std::uint32_t>(rng.below(kOrgs));
      // Ends a tie in force last step (a partner in the previous view) or, rarely, none.
      const bool end = step > 0 && rng.bernoulli(0.3);
      if (end && reused.degree(u) > 0) v = reused.begin(u)[rng.below(reused.degree(u))];
      w.propose(GraphEdit{end ? GraphEdit::Type::EndTie : GraphEdit::Type::AddTie, u, static_cast<std::uint32_t>(k), u,
                          v, Tie{TieKind::Partnership, 0.5F, step, kOpenEnded}});
    }
    w.apply_graph_edits();
    w.close_organisation(static_cast<std::uint32_t>(rng.below(kOrgs)), "organisation_closed", "");
    reused.assign(w);
    expect_rows(reused, w, step);
    const TieView fresh(w);
    EXPECT_EQ(fresh.edges(), reused.edges());
  }
}

// Ties in force per pair from the graph, as rows parallel to expected_rows.
std::vector<std::vector<std::uint32_t>> expected_counts(const World& w) {
  const auto rows = expected_rows(w);
  std::vector<std::vector<std::uint32_t>> counts(rows.size());
  for (std::size_t v = 0; v < rows.size(); ++v) counts[v].assign(rows[v].size(), 0);
  const OrgGraph& g = w.graph();
  auto add = [&](std::uint32_t u, std::uint32_t v) {
    const auto at = std::lower_bound(rows[u].begin(), rows[u].end(), v) - rows[u].begin();
    ++counts[u][static_cast<std::size_t>(at)];
  };
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto u = static_cast<std::uint32_t>(boost::source(e, g));
    const auto v = static_cast<std::uint32_t>(boost::target(e, g));
    if (u == v || !g[e].active_at(w.step()) || !w.org(u).alive || !w.org(v).alive) continue;
    add(u, v);
    add(v, u);
  }
  return counts;
}

TEST(TieView, AViewPatchedWithTheCachesChangesEqualsTheGraphAndAFreshView) {
  // World::tie_view patches one view with the ties that entered or left it: ties added and
  // ended by edits, ties starting and ending by date, organisations closed (their ties end)
  // and founded, pairs with several ties in both directions, loops; read once or twice a
  // step, as the cooperation and network modules do. Each read is compared with the graph
  // (rows and ties per pair) and with a view built afresh.
  constexpr std::uint32_t kOrgs = 6000;
  constexpr std::uint32_t kLate = 40;  // the last kLate organisations are founded during the run
  SpecBuilder b(14);
  for (std::uint32_t i = 0; i < kOrgs; ++i) {
    b.org("o" + std::to_string(i), OrgKind::Ngo);
    if (i >= kOrgs - kLate) b.last_org().founded_step = 1 + static_cast<int>(i % 8);
  }
  RandomStream rng(StreamKey{13, 0}, 0, purpose("test.patch"), 0);
  for (int k = 0; k < 15000; ++k) {
    const auto u = static_cast<std::uint32_t>(rng.below(kOrgs - kLate));
    const auto v = static_cast<std::uint32_t>(rng.bernoulli(0.2) ? rng.below(6) : rng.below(kOrgs - kLate));
    const int start = rng.bernoulli(0.1) ? static_cast<int>(rng.below(6)) : 0;
    const int end = rng.bernoulli(0.1) ? start + 1 + static_cast<int>(rng.below(5)) : kOpenEnded;
    b.tie(u, v, rng.bernoulli(0.5) ? TieKind::Partnership : TieKind::Contract, start, end);
  }
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  int reads = 0;
  auto expect_view = [&](int step) {
    const TieView& view = w.tie_view();
    expect_rows(view, w, step);
    const auto counts = expected_counts(w);
    for (std::uint32_t v = 0; v < kOrgs; ++v) {
      for (std::size_t k = 0; k < view.degree(v); ++k) {
        ASSERT_EQ(view.ties(v, k), counts[v][k]) << "organisation " << v << ", step " << step;
      }
    }
    const TieView fresh(w);
    EXPECT_EQ(fresh.alive(), view.alive());
    EXPECT_EQ(fresh.alive_count(), view.alive_count());
    ++reads;
  };
  for (int step = 0; step < 12; ++step) {
    w.clear_step_events();
    w.begin_step(step);
    expect_view(step);
    for (int k = 0; k < 400; ++k) {
      const auto u = static_cast<std::uint32_t>(rng.below(kOrgs));
      auto v = static_cast<std::uint32_t>(rng.below(kOrgs));
      const bool end = rng.bernoulli(0.4);
      const TieView& seen = w.tie_view();
      if (end && seen.degree(u) > 0) v = seen.begin(u)[rng.below(seen.degree(u))];
      w.propose(GraphEdit{end ? GraphEdit::Type::EndTie : GraphEdit::Type::AddTie, u, static_cast<std::uint32_t>(k), u,
                          v, Tie{TieKind::Informal, 0.5F, step, kOpenEnded}});
      if (k == 200) {  // a first batch applied mid-step, read, then the rest
        w.apply_graph_edits();
        expect_view(step);
      }
    }
    w.apply_graph_edits();
    if (step % 3 == 1) w.close_organisation(static_cast<std::uint32_t>(rng.below(6)), "organisation_closed", "");
    w.close_organisation(static_cast<std::uint32_t>(rng.below(kOrgs)), "organisation_closed", "");
    expect_view(step);
    // Some ties lose strength and one ends through the cache, as cooperation's decay does.
    const auto& entries = w.active_ties().all();
    if (!entries.empty()) {
      w.end_tie_now(entries[rng.below(entries.size())]);
      w.ties_written();
    }
    expect_view(step);
  }
  EXPECT_EQ(reads, 48);
}

TEST(NetworkSummary, TriangleIsFullyTransitiveAndSquareNotAtAll) {
  const Net triangle(3, {{0, 1}, {1, 2}, {2, 0}});
  const NetworkSummary t = summarize(triangle.view());
  EXPECT_DOUBLE_EQ(t.clustering, 1.0);
  EXPECT_DOUBLE_EQ(t.density, 1.0);
  EXPECT_DOUBLE_EQ(t.mean_degree, 2.0);
  EXPECT_EQ(t.components, 1U);
  EXPECT_DOUBLE_EQ(t.largest_component_share, 1.0);

  const Net square(4, {{0, 1}, {1, 2}, {2, 3}, {3, 0}});
  const NetworkSummary s = summarize(square.view());
  EXPECT_DOUBLE_EQ(s.clustering, 0.0);
  EXPECT_DOUBLE_EQ(s.density, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.mean_degree, 2.0);
}

TEST(NetworkSummary, TransitivityOfATriangleWithATail) {
  // Triangle 0-1-2 plus 2-3: 1 triangle, triples 1 + 1 + 3 + 0 = 5, transitivity 3/5.
  const Net n(4, {{0, 1}, {1, 2}, {2, 0}, {2, 3}});
  EXPECT_DOUBLE_EQ(summarize(n.view()).clustering, 0.6);
  // Two triangles sharing the edge 0-1 (a diamond): 2 triangles, triples 3+3+1+1 = 8.
  const Net diamond(4, {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}});
  EXPECT_DOUBLE_EQ(summarize(diamond.view()).clustering, 6.0 / 8.0);
}

TEST(NetworkSummary, ComponentsCountIsolatesAndSkipClosedOrganisations) {
  // 0-1-2, 3-4, 5 alone, 6 closed (its tie to 5 ends with it).
  Net n(7, {{0, 1}, {1, 2}, {3, 4}, {5, 6}});
  n.world->close_organisation(6, "organisation_closed", "");
  const NetworkSummary s = summarize(n.view());
  EXPECT_EQ(s.components, 3U);
  EXPECT_DOUBLE_EQ(s.largest_component_share, 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.mean_degree, 2.0 * 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.density, 3.0 / 15.0);
}

// Many chunks of organisations, united in parallel: the components are Boost's, however
// the unions interleave. Random pairs, about as many as half the nodes: many components of
// all sizes.
TEST(NetworkSummary, ComponentsAgreeWithBoostGraphOnALargeSparseRandomGraph) {
  const std::uint32_t n = 20'000;
  RandomStream rng(StreamKey{11, 0}, 0, purpose("test.pairs"), 0);
  Edges edges;
  for (std::uint32_t k = 0; k < n * 11 / 20; ++k) {
    const auto u = static_cast<std::uint32_t>(rng.uniform() * n);
    const auto v = static_cast<std::uint32_t>(rng.uniform() * n);
    if (u != v) edges.emplace_back(u, v);
  }
  const Net net(n, edges);
  const NetworkSummary s = summarize(net.view());

  using UG = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  UG g(n);
  for (const auto& [u, v] : edges) boost::add_edge(u, v, g);
  std::vector<int> component(n);
  const auto count = static_cast<std::size_t>(boost::connected_components(g, component.data()));
  std::vector<std::size_t> size(count, 0);
  for (const int c : component) ++size[static_cast<std::size_t>(c)];
  const std::size_t largest = *std::max_element(size.begin(), size.end());
  EXPECT_EQ(s.components, count);
  EXPECT_DOUBLE_EQ(s.largest_component_share, static_cast<double>(largest) / n);
  EXPECT_GT(count, 1000U);    // many components,
  EXPECT_GT(largest, 1000U);  // one of them large
}

TEST(NetworkSummary, EmptyWorld) {
  const Net n(0, {});
  const NetworkSummary s = summarize(n.view());
  EXPECT_EQ(s.components, 0U);
  EXPECT_DOUBLE_EQ(s.density, 0.0);
  EXPECT_DOUBLE_EQ(s.largest_component_share, 0.0);
}

TEST(Betweenness, StarCentreLiesOnEveryPairOfLeaves) {
  for (std::uint32_t n : {3U, 5U, 12U}) {
    const Net s(n, star(n));
    const auto c = exact_betweenness(s.view());
    EXPECT_DOUBLE_EQ(c[0], (n - 1.0) * (n - 2.0) / 2.0) << n;
    for (std::uint32_t i = 1; i < n; ++i) EXPECT_DOUBLE_EQ(c[i], 0.0);
  }
}

TEST(Betweenness, PathNodeCarriesLeftTimesRight) {
  const std::uint32_t n = 6;
  const Net p(n, path(n));
  const auto c = exact_betweenness(p.view());
  for (std::uint32_t i = 0; i < n; ++i) EXPECT_DOUBLE_EQ(c[i], static_cast<double>(i) * (n - 1 - i)) << i;
}

TEST(Betweenness, SquareSplitsEachOppositePairBetweenTwoPaths) {
  const Net sq(4, {{0, 1}, {1, 2}, {2, 3}, {3, 0}});
  for (double c : exact_betweenness(sq.view())) EXPECT_DOUBLE_EQ(c, 0.5);
}

TEST(Betweenness, ClosedOrganisationsAreNeitherSourcesNorBrokers) {
  // Path 0-1-2-3 whose end 3 closes: 1 carries 0-2 only.
  Net p(4, path(4));
  p.world->close_organisation(3, "organisation_closed", "");
  const auto c = exact_betweenness(p.view());
  EXPECT_EQ(c, (std::vector<double>{0.0, 1.0, 0.0, 0.0}));
}

// Boost's Brandes on an undirected graph counts each unordered pair once too (it halves the
// sum over sources itself), so the unnormalised values agree as they are.
TEST(Betweenness, AgreesWithBoostGraphOnARandomGraph) {
  const std::uint32_t n = 60;
  const Edges edges = random_graph(n, 0.08, 7);
  const Net net(n, edges);
  const auto ours = exact_betweenness(net.view());

  using UG = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  UG g(n);
  for (const auto& [u, v] : edges) boost::add_edge(u, v, g);
  std::vector<double> theirs(n, 0.0);
  boost::brandes_betweenness_centrality(
      g, boost::centrality_map(boost::make_iterator_property_map(theirs.begin(), boost::get(boost::vertex_index, g))));
  double total = 0.0;
  for (std::uint32_t v = 0; v < n; ++v) {
    EXPECT_NEAR(ours[v], theirs[v], 1e-9 * (1.0 + theirs[v])) << v;
    total += ours[v];
  }
  EXPECT_GT(total, 100.0);  // the graph is connected enough for the comparison to mean something

  // Boost's own star, to pin the normalisation down: (n-1)(n-2)/2, not twice that.
  UG s(5);
  for (std::uint32_t i = 1; i < 5; ++i) boost::add_edge(0U, i, s);
  std::vector<double> sc(5, 0.0);
  boost::brandes_betweenness_centrality(
      s, boost::centrality_map(boost::make_iterator_property_map(sc.begin(), boost::get(boost::vertex_index, s))));
  EXPECT_DOUBLE_EQ(sc[0], 6.0);
}

// Sampling sources estimates each node's betweenness with a large variance (a rare source
// behind a cut vertex weighs a lot), so the checks are on sums over nodes: the network's
// total, the 20 most central nodes together, and the mean of many small estimates.
TEST(Betweenness, SampledEstimateIsCloseToExact) {
  const std::uint32_t n = 400;
  const Net net(n, random_graph(n, 0.03, 11));
  const TieView view = net.view();
  const auto exact = exact_betweenness(view);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return exact[a] > exact[b]; });
  auto top_sum = [&](const std::vector<double>& c) {
    double sum = 0.0;
    for (std::size_t k = 0; k < 20; ++k) sum += c[order[k]];
    return sum;
  };
  auto correlation = [&](const std::vector<double>& x) {
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(exact.begin(), exact.end(), 0.0) / n;
    double sxy = 0.0;
    double sxx = 0.0;
    double syy = 0.0;
    for (std::uint32_t v = 0; v < n; ++v) {
      sxy += (x[v] - mx) * (exact[v] - my);
      sxx += (x[v] - mx) * (x[v] - mx);
      syy += (exact[v] - my) * (exact[v] - my);
    }
    return sxy / std::sqrt(sxx * syy);
  };

  RandomStream rng(StreamKey{3, 0}, 0, purpose("test.sources"), 0);
  const auto estimate = betweenness(view, 200, [&](std::size_t) { return static_cast<std::uint32_t>(rng.below(n)); });
  const double total_exact = std::accumulate(exact.begin(), exact.end(), 0.0);
  const double total_estimate = std::accumulate(estimate.begin(), estimate.end(), 0.0);
  EXPECT_NEAR(total_estimate, total_exact, 0.05 * total_exact);
  EXPECT_NEAR(top_sum(estimate), top_sum(exact), 0.10 * top_sum(exact));
  EXPECT_GT(correlation(estimate), 0.8);

  // Unbiased: the mean of many small estimates approaches the exact values.
  std::vector<double> mean(n, 0.0);
  const int runs = 40;
  for (int r = 0; r < runs; ++r) {
    RandomStream draw(StreamKey{100 + static_cast<std::uint64_t>(r), 0}, 0, purpose("test.sources"), 0);
    const auto e = betweenness(view, 25, [&](std::size_t) { return static_cast<std::uint32_t>(draw.below(n)); });
    for (std::uint32_t v = 0; v < n; ++v) mean[v] += e[v] / runs;
  }
  EXPECT_NEAR(top_sum(mean), top_sum(exact), 0.05 * top_sum(exact));
  EXPECT_GT(correlation(mean), 0.9);
}

TEST(Betweenness, EstimateScalesByLivingOrganisationsOnly) {
  // A star of 5 living organisations plus 5 closed ones: sampling every living one once is
  // exact, whatever the closed ones.
  Edges e = star(5);
  Net net(10, e);
  for (std::uint32_t i = 5; i < 10; ++i) net.world->close_organisation(i, "organisation_closed", "");
  const TieView view = net.view();
  const auto c = betweenness(view, 4, [](std::size_t k) { return static_cast<std::uint32_t>(k + 1); });
  // Sources are the four leaves (not the centre): each leaf's dependency on the centre is 3;
  // 4 x 3 x (5 / 4) / 2 = 7.5, versus the exact 6 (a biased pick, but the scale is by 5 living).
  EXPECT_DOUBLE_EQ(c[0], 7.5);
}

}  // namespace
}  // namespace partnersim
