// Network measures of the ties in force: an undirected, simple view (one edge per pair of
// living organisations tied by at least one tie in force) in compressed sparse rows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/parallel.h"
#include "sim/world.h"

namespace partnersim {

class TieView {
 public:
  explicit TieView(const World& world);

  [[nodiscard]] std::size_t nodes() const { return offsets_.size() - 1; }
  [[nodiscard]] std::size_t edges() const { return neighbours_.size() / 2; }
  [[nodiscard]] std::size_t degree(std::uint32_t v) const { return offsets_[v + 1] - offsets_[v]; }
  // Sorted, distinct neighbours of v.
  [[nodiscard]] const std::uint32_t* begin(std::uint32_t v) const { return neighbours_.data() + offsets_[v]; }
  [[nodiscard]] const std::uint32_t* end(std::uint32_t v) const { return neighbours_.data() + offsets_[v + 1]; }
  [[nodiscard]] bool adjacent(std::uint32_t u, std::uint32_t v) const {
    return std::binary_search(begin(u), end(u), v);
  }
  // True if some organisation is tied to both u and v (the u-v tie is then not a bridge).
  [[nodiscard]] bool share_neighbour(std::uint32_t u, std::uint32_t v) const;
  [[nodiscard]] const std::vector<std::uint8_t>& alive() const { return alive_; }
  [[nodiscard]] std::size_t alive_count() const { return alive_count_; }

 private:
  std::vector<std::size_t> offsets_;
  std::vector<std::uint32_t> neighbours_;
  std::vector<std::uint8_t> alive_;
  std::size_t alive_count_ = 0;
};

struct NetworkSummary {
  double density = 0.0;                  // edges / possible pairs among living organisations
  double mean_degree = 0.0;              // over living organisations
  double clustering = 0.0;               // transitivity: 3 x triangles / connected triples
  double largest_component_share = 0.0;  // share of living organisations in the largest component
  std::size_t components = 0;            // among living organisations (isolates count)
};

// Exact: triangles by merging sorted neighbour lists, components by union-find.
NetworkSummary summarize(const TieView& view);

// Betweenness centrality (Brandes), unnormalised, on the undirected view: for each node, the
// sum over unordered pairs {s, t} of living organisations (s, t != v) of the share of
// shortest s-t paths through v. With `sources` at least the number of living organisations
// it is exact; otherwise it is estimated from that many source nodes drawn by
// `pick_source(k)` (k = 0 .. sources-1), which must return living organisations drawn
// uniformly and independently, and scaled by living/sources (an unbiased estimator).
template <typename PickSource>
std::vector<double> betweenness(const TieView& view, std::size_t sources, PickSource&& pick_source);

}  // namespace partnersim

#include "sim/network_betweenness.h"
