// Network measures of the ties in force, on their undirected, simple view (sim/tie_view.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/parallel.h"
#include "sim/tie_view.h"
#include "sim/world.h"

namespace partnersim {

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
