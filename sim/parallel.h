// Deterministic parallel loops. Work is cut into fixed-size chunks that do not depend on
// the number of threads; results gathered per chunk are concatenated in chunk order, so a
// parallel pass produces exactly what the sequential pass would.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace partnersim {

inline constexpr std::size_t kPeopleChunk = 8192;
// Organisations per chunk of per-organisation passes (rows of the tie network, observation).
inline constexpr std::size_t kOrgRowChunk = 4096;

// f(begin, end) for each chunk [begin, end) of [0, n), in parallel.
template <typename F>
void parallel_chunks(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) f(c * chunk, std::min(n, (c + 1) * chunk));
  });
}

// f(begin, end, result) fills one R per chunk; returns the per-chunk results in chunk
// order, for the caller to combine sequentially.
template <typename R, typename F>
std::vector<R> parallel_chunk_results(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  std::vector<R> results(chunks);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) f(c * chunk, std::min(n, (c + 1) * chunk), results[c]);
  });
  return results;
}

// f(begin, end, out) appends items for one chunk; returns all items in chunk order.
template <typename T, typename F>
std::vector<T> parallel_gather(std::size_t n, std::size_t chunk, F&& f) {
  auto parts = parallel_chunk_results<std::vector<T>>(n, chunk, std::forward<F>(f));
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  std::vector<T> all;
  all.reserve(total);
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace partnersim
