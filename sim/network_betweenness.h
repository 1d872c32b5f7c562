// Brandes' algorithm for unweighted graphs, from selected sources. Included by network.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/parallel.h"

namespace partnersim {

namespace detail {

// Adds the dependencies of every node on shortest paths from `source` to `centrality`.
inline void accumulate_from(const TieView& view, std::uint32_t source, std::vector<double>& centrality,
                            std::vector<std::int64_t>& distance, std::vector<double>& paths,
                            std::vector<double>& dependency, std::vector<std::uint32_t>& order) {
  const std::size_t n = view.nodes();
  distance.assign(n, -1);
  paths.assign(n, 0.0);
  dependency.assign(n, 0.0);
  order.clear();
  distance[source] = 0;
  paths[source] = 1.0;
  order.push_back(source);
  for (std::size_t head = 0; head < order.size(); ++head) {  // breadth-first; `order` is the queue
    const std::uint32_t v = order[head];
    for (const std::uint32_t* w = view.begin(v); w != view.end(v); ++w) {
      if (distance[*w] < 0) {
        distance[*w] = distance[v] + 1;
        order.push_back(*w);
      }
      if (distance[*w] == distance[v] + 1) paths[*w] += paths[v];
    }
  }
  for (std::size_t k = order.size(); k-- > 1;) {  // reverse BFS order, skipping the source
    const std::uint32_t w = order[k];
    for (const std::uint32_t* v = view.begin(w); v != view.end(w); ++v) {
      if (distance[*v] == distance[w] - 1) dependency[*v] += paths[*v] / paths[w] * (1.0 + dependency[w]);
    }
    centrality[w] += dependency[w];
  }
}

}  // namespace detail

template <typename PickSource>
std::vector<double> betweenness(const TieView& view, std::size_t sources, PickSource&& pick_source) {
  const std::size_t n = view.nodes();
  const std::size_t living = view.alive_count();
  // Closed organisations are isolated in the view: they neither lie on paths nor count as
  // sources, so the exact pass skips them and the estimate scales by the living count.
  const bool exact = sources >= living;
  std::vector<std::uint32_t> from;  // the sources, drawn in order before any parallel work
  if (exact) {
    for (std::uint32_t v = 0; v < n; ++v) {
      if (view.alive()[v] != 0) from.push_back(v);
    }
  } else {
    for (std::size_t k = 0; k < sources; ++k) from.push_back(static_cast<std::uint32_t>(pick_source(k)));
  }
  // Sources in fixed chunks (at most about 32 of them, whatever the thread count), each
  // with its own sums; the chunks' sums are added in chunk order.
  const std::size_t chunk = std::max<std::size_t>(4, (from.size() + 31) / 32);
  auto parts = parallel_chunk_results<std::vector<double>>(
      from.size(), chunk, [&](std::size_t begin, std::size_t end, std::vector<double>& centrality) {
        centrality.assign(n, 0.0);
        std::vector<std::int64_t> distance;
        std::vector<double> paths;
        std::vector<double> dependency;
        std::vector<std::uint32_t> order;
        for (std::size_t k = begin; k < end; ++k) {
          detail::accumulate_from(view, from[k], centrality, distance, paths, dependency, order);
        }
      });
  std::vector<double> centrality(n, 0.0);
  for (const auto& part : parts) {
    for (std::size_t v = 0; v < n; ++v) centrality[v] += part[v];
  }
  // Each unordered pair was counted from both ends; sampling scales by living / sources.
  const double scale = 0.5 * (exact || sources == 0 ? 1.0 : static_cast<double>(living) / static_cast<double>(sources));
  for (double& c : centrality) c *= scale;
  return centrality;
}

}  // namespace partnersim
