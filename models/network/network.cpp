#include "models/network/network.h"

#include <array>
#include <numeric>
#include <string>

#include "sim/network.h"
#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

constexpr auto kBetweenness = purpose("network.betweenness");

// Metric slots, in the order declared below.
constexpr std::size_t kTiesByKind = 0;  // kTieKindCount slots
constexpr std::size_t kDensity = kTieKindCount;
constexpr std::size_t kMeanDegree = kDensity + 1;
constexpr std::size_t kClustering = kDensity + 2;
constexpr std::size_t kLargestShare = kDensity + 3;
constexpr std::size_t kComponents = kDensity + 4;
constexpr std::size_t kCrossSector = kDensity + 5;
constexpr std::size_t kConsortia = kDensity + 6;
constexpr std::size_t kBetweennessMax = kDensity + 7;
constexpr std::size_t kBetweennessTop = kDensity + 8;

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

}  // namespace

std::size_t count_consortia(const World& world) {
  const std::size_t n = world.organisation_count();
  const ActiveTies& ties = world.active_ties();
  // Consortium ties in force, gathered per source organisation in index order.
  const auto pairs = parallel_gather<std::pair<std::uint32_t, std::uint32_t>>(
      n, kOrgRowChunk,
      [&](std::size_t begin, std::size_t end, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
        for (const ActiveTie& t : ties.from(begin, end)) {
          if (t.kind == TieKind::Consortium && t.source != t.target && t.both_alive) {
            out.emplace_back(t.source, t.target);
          }
        }
      });
  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0U);
  std::vector<std::uint8_t> member(n, 0);
  for (const auto& [a, b] : pairs) {
    member[a] = member[b] = 1;
    const auto ra = find_root(parent, a);
    const auto rb = find_root(parent, b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::size_t groups = 0;
  for (std::uint32_t v = 0; v < n; ++v) groups += (member[v] != 0 && find_root(parent, v) == v) ? 1 : 0;
  return groups;
}

void Network::configure(const ParamSet& params) {
  const ModuleParams m(params, "network");
  p_.betweenness_every = m.integer("betweenness_every");
  p_.betweenness_exact_limit = m.integer("betweenness_exact_limit");
  p_.betweenness_samples = m.integer("betweenness_samples");
}

void Network::observe(const World& world, std::span<double> out) const {
  const int step = world.step();
  const ActiveTies& ties = world.active_ties();

  using KindCounts = std::array<std::int64_t, kTieKindCount>;
  const auto parts = parallel_chunk_results<KindCounts>(world.organisation_count(), kOrgRowChunk,
                                                        [&](std::size_t begin, std::size_t end, KindCounts& counts) {
                                                          counts.fill(0);
                                                          for (const ActiveTie& t : ties.from(begin, end)) {
                                                            if (t.both_alive)
                                                              ++counts[static_cast<std::size_t>(t.kind)];
                                                          }
                                                        });
  KindCounts by_kind{};
  for (const KindCounts& c : parts) {
    for (std::size_t k = 0; k < kTieKindCount; ++k) by_kind[k] += c[k];
  }
  for (std::size_t k = 0; k < kTieKindCount; ++k) out[kTiesByKind + k] = static_cast<double>(by_kind[k]);

  const TieView& view = world.tie_view();
  const NetworkSummary s = summarize(view);
  out[kDensity] = s.density;
  out[kMeanDegree] = s.mean_degree;
  out[kClustering] = s.clustering;
  out[kLargestShare] = s.largest_component_share;
  out[kComponents] = static_cast<double>(s.components);

  std::vector<SectorClass> sector(view.nodes());
  for (std::uint32_t u = 0; u < view.nodes(); ++u) sector[u] = sector_class(world.org(u).kind);
  const auto cross_parts = parallel_chunk_results<std::size_t>(
      view.nodes(), kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::size_t& c) {
        for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
          for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
            if (*v > u && sector[*v] != sector[u]) ++c;
          }
        }
      });
  std::size_t cross = 0;
  for (std::size_t c : cross_parts) cross += c;  // integer counts: exact in any order
  out[kCrossSector] = view.edges() > 0 ? static_cast<double>(cross) / static_cast<double>(view.edges()) : 0.0;
  out[kConsortia] = static_cast<double>(count_consortia(world));

  const int every = std::max(1, p_.betweenness_every);
  if (betweenness_step_ < 0 || step % every == 0) {
    std::vector<std::uint32_t> living;
    living.reserve(view.alive_count());
    for (std::uint32_t v = 0; v < view.nodes(); ++v) {
      if (view.alive()[v] != 0) living.push_back(v);
    }
    const bool exact = living.size() <= static_cast<std::size_t>(std::max(0, p_.betweenness_exact_limit));
    RandomStream rng = world.stream(kBetweenness, 0);
    const std::size_t sources = exact ? living.size() : static_cast<std::size_t>(std::max(1, p_.betweenness_samples));
    const auto c = betweenness(view, sources, [&](std::size_t) { return living[rng.below(living.size())]; });
    betweenness_max_ = 0.0;
    betweenness_top_ = -1.0;
    for (const std::uint32_t v : living) {  // ascending: ties go to the lowest index
      if (c[v] > betweenness_max_) {
        betweenness_max_ = c[v];
        betweenness_top_ = static_cast<double>(v);
      }
    }
    betweenness_step_ = step;
  }
  out[kBetweennessMax] = betweenness_max_;
  out[kBetweennessTop] = betweenness_top_;
}

ModuleInfo network_module_info() {
  ModuleInfo info;
  info.name = "network";
  info.doc =
      "Measures the network of ties in force every month (ties by kind, density, degree, clustering, components, "
      "cross-sector share, consortia) and the betweenness of the most central organisation every few months.";
  info.order = 90;
  info.phases = {};
  using T = ParamType;
  info.params = {
      {"betweenness_every", T::Integer, 12, "months", 1, 1200,
       "Months between betweenness computations (also computed at step 0; held in between)",
       "[G] computational setting"},
      {"betweenness_exact_limit", T::Integer, 5000, "organisations", 0, 1e7,
       "Betweenness is exact up to this many living organisations, estimated from sampled sources above",
       "[G] computational setting"},
      {"betweenness_samples", T::Integer, 256, "sources", 1, 1e6,
       "Source organisations drawn (uniformly, with replacement) for the betweenness estimate",
       "[G] computational setting"},
  };
  for (std::size_t k = 0; k < kTieKindCount; ++k) {
    const std::string kind(name_of(static_cast<TieKind>(k)));
    info.metrics.push_back(
        {"ties_" + kind, "ties", "Ties of kind " + kind + " in force between living organisations (each tie once)"});
  }
  const std::string view_note = " (undirected: one edge per pair of living organisations tied by any tie in force)";
  info.metrics.push_back({"network_density", "share", "Edges over possible pairs of living organisations" + view_note});
  info.metrics.push_back(
      {"network_mean_degree", "ties", "Mean number of partners per living organisation" + view_note});
  info.metrics.push_back({"network_clustering", "share",
                          "Transitivity: 3 x triangles / connected triples (0 without triples); exact, every month "
                          "(triangles counted by the degree-ordered forward algorithm)" +
                              view_note});
  info.metrics.push_back({"network_largest_component_share", "share",
                          "Share of living organisations in the largest connected component; exact" + view_note});
  info.metrics.push_back(
      {"network_components", "components",
       "Connected components, isolated organisations included; exact, every month (union-find)" + view_note});
  info.metrics.push_back(
      {"cross_sector_share", "share",
       "Share of tied pairs whose sectors (public, civil, private) differ (0 without ties)" + view_note});
  info.metrics.push_back({"consortia_active", "consortia",
                          "Groups of at least two living organisations connected by consortium ties in force"});
  const std::string when =
      " Computed at step 0 and every network.betweenness_every steps, held in between; exact when there are at most "
      "network.betweenness_exact_limit living organisations, otherwise estimated from network.betweenness_samples "
      "randomly drawn sources.";
  info.metrics.push_back({"broker_betweenness_max", "pairs",
                          "Highest betweenness of any organisation: the number of pairs of living organisations whose "
                          "shortest paths run through it (a pair with several shortest paths counts the share through "
                          "it), unnormalised." +
                              when});
  info.metrics.push_back(
      {"broker_betweenness_top", "index",
       "Index of the organisation with the highest betweenness (lowest index on ties; -1 if no organisation lies on "
       "any shortest path)." +
           when});
  info.make = [] { return std::make_unique<Network>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(network_module_info)

// The betweenness of a sampled step is kept until the next sample: it is state.
void Network::save_state(StateWriter& out) const {
  out.put(betweenness_step_);
  out.put(betweenness_max_);
  out.put(betweenness_top_);
}

void Network::restore_state(StateReader& in) {
  in.get(betweenness_step_);
  in.get(betweenness_max_);
  in.get(betweenness_top_);
}

}  // namespace partnersim::models
