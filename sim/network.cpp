#include "sim/network.h"

#include <algorithm>
#include <numeric>

namespace partnersim {

TieView::TieView(const World& world) {
  const std::size_t n = world.organisation_count();
  const OrgGraph& g = world.graph();
  const int step = world.step();
  alive_.resize(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    alive_[v] = world.org(v).alive ? 1 : 0;
    alive_count_ += alive_[v];
  }
  // Counting sort into rows by endpoint, then each row sorted and deduplicated in place:
  // linear in the ties plus the rows' own sorting, so it stays cheap every month.
  std::vector<std::size_t> raw(n + 1, 0);
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto a = static_cast<std::uint32_t>(boost::source(e, g));
    const auto b = static_cast<std::uint32_t>(boost::target(e, g));
    if (a == b || alive_[a] == 0 || alive_[b] == 0 || !g[e].active_at(step)) continue;
    ++raw[a + 1];
    ++raw[b + 1];
  }
  std::partial_sum(raw.begin(), raw.end(), raw.begin());
  neighbours_.resize(raw[n]);
  std::vector<std::size_t> fill(raw.begin(), raw.end() - 1);
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto a = static_cast<std::uint32_t>(boost::source(e, g));
    const auto b = static_cast<std::uint32_t>(boost::target(e, g));
    if (a == b || alive_[a] == 0 || alive_[b] == 0 || !g[e].active_at(step)) continue;
    neighbours_[fill[a]++] = b;
    neighbours_[fill[b]++] = a;
  }
  offsets_.assign(n + 1, 0);
  std::size_t out = 0;
  for (std::size_t v = 0; v < n; ++v) {
    auto* first = neighbours_.data() + raw[v];
    auto* last = neighbours_.data() + raw[v + 1];
    std::sort(first, last);
    last = std::unique(first, last);
    out = static_cast<std::size_t>(std::copy(first, last, neighbours_.data() + out) - neighbours_.data());
    offsets_[v + 1] = out;
  }
  neighbours_.resize(out);
}

bool TieView::share_neighbour(std::uint32_t u, std::uint32_t v) const {
  const std::uint32_t* a = begin(u);
  const std::uint32_t* b = begin(v);
  while (a != end(u) && b != end(v)) {
    if (*a < *b) {
      ++a;
    } else if (*b < *a) {
      ++b;
    } else {
      return true;
    }
  }
  return false;
}

namespace {

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

}  // namespace

NetworkSummary summarize(const TieView& view) {
  NetworkSummary s;
  const std::size_t n = view.nodes();
  const double living = static_cast<double>(view.alive_count());
  if (view.alive_count() == 0) return s;
  const double e = static_cast<double>(view.edges());
  s.mean_degree = 2.0 * e / living;
  s.density = view.alive_count() > 1 ? 2.0 * e / (living * (living - 1.0)) : 0.0;

  // Triangles: for each edge (u, v) with u < v, count common neighbours w > v.
  double triangles = 0.0;
  double triples = 0.0;
  for (std::uint32_t u = 0; u < n; ++u) {
    const double d = static_cast<double>(view.degree(u));
    triples += d * (d - 1.0) / 2.0;
    for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
      if (*v <= u) continue;
      const std::uint32_t* a = std::upper_bound(view.begin(u), view.end(u), *v);
      const std::uint32_t* b = std::upper_bound(view.begin(*v), view.end(*v), *v);
      while (a != view.end(u) && b != view.end(*v)) {
        if (*a < *b) {
          ++a;
        } else if (*b < *a) {
          ++b;
        } else {
          triangles += 1.0;
          ++a;
          ++b;
        }
      }
    }
  }
  s.clustering = triples > 0 ? 3.0 * triangles / triples : 0.0;

  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0U);
  for (std::uint32_t u = 0; u < n; ++u) {
    for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
      const auto ru = find_root(parent, u);
      const auto rv = find_root(parent, *v);
      if (ru != rv) parent[std::max(ru, rv)] = std::min(ru, rv);
    }
  }
  std::vector<std::size_t> size(n, 0);
  for (std::uint32_t u = 0; u < n; ++u) {
    if (view.alive()[u] != 0) ++size[find_root(parent, u)];
  }
  std::size_t largest = 0;
  for (std::size_t c : size) {
    largest = std::max(largest, c);
    s.components += c > 0 ? 1 : 0;
  }
  s.largest_component_share = static_cast<double>(largest) / living;
  return s;
}

}  // namespace partnersim
