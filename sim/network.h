// Network measures of the ties in force: an undirected, simple view (one edge per pair of
// living organisations tied by at least one tie in force) in compressed sparse rows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/parallel.h"
#include "sim/world.h"

namespace partnersim {

// Sources are filed into the in rows in this many blocks, in parallel (a fixed number, so
// the work does not depend on the thread count; the rows are the same for any number).
inline constexpr std::size_t kTransposeBlocks = 8;

class TieView {
 public:
  TieView() = default;
  explicit TieView(const World& world) { assign(world); }
  // Builds the view of `world`'s ties in force now, reusing this view's memory (a view kept
  // across steps allocates nothing once it has grown to the network's size).
  void assign(const World& world);

  [[nodiscard]] std::size_t nodes() const { return degree_.size(); }
  [[nodiscard]] std::size_t edges() const { return edges_; }
  [[nodiscard]] std::size_t degree(std::uint32_t v) const { return degree_[v]; }
  // Sorted, distinct neighbours of v.
  [[nodiscard]] const std::uint32_t* begin(std::uint32_t v) const { return neighbours_.data() + first_[v]; }
  [[nodiscard]] const std::uint32_t* end(std::uint32_t v) const { return begin(v) + degree_[v]; }
  [[nodiscard]] bool adjacent(std::uint32_t u, std::uint32_t v) const {
    return std::binary_search(begin(u), end(u), v);
  }
  // True if some organisation is tied to both u and v (the u-v tie is then not a bridge).
  [[nodiscard]] bool share_neighbour(std::uint32_t u, std::uint32_t v) const;
  [[nodiscard]] const std::vector<std::uint8_t>& alive() const { return alive_; }
  [[nodiscard]] std::size_t alive_count() const { return alive_count_; }

 private:
  // Rows have room for every tie of the organisation, in and out, so each row is written
  // where it starts without counting its repeats first: v's neighbours are
  // neighbours_[first_[v], first_[v] + degree_[v]).
  std::vector<std::size_t> first_;
  std::vector<std::uint32_t> degree_;
  std::vector<std::uint32_t> neighbours_;
  std::size_t edges_ = 0;
  std::vector<std::uint8_t> alive_;
  std::size_t alive_count_ = 0;
  // Scratch kept for the next assign: targets by source (each row where the source's ties
  // start in the active ties, sorted), and sources by target (sorted).
  std::vector<std::uint32_t> out_;
  std::vector<std::size_t> out_first_;
  std::vector<std::uint32_t> out_count_;
  std::vector<std::size_t> in_first_;
  std::vector<std::uint32_t> block_count_;  // per block of sources, per target: count, then offset
  std::vector<std::uint32_t> in_;
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
