#include "sim/network.h"

#include <algorithm>
#include <numeric>

#include "sim/parallel.h"

namespace partnersim {

TieView::TieView(const World& world) {
  const std::size_t n = world.organisation_count();
  const std::span<const ActiveTie> ties = world.active_ties().all();
  alive_.resize(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    alive_[v] = world.org(v).alive ? 1 : 0;
    alive_count_ += alive_[v];
  }
  // Rows come out sorted without sorting: the ties are listed by source, so filling each
  // target's row with the sources gives sorted "in" rows; walking those rows in order and
  // filling each source's row with the target gives sorted "out" rows. The two are merged
  // per organisation, dropping repeats (several ties between two organisations).
  auto counted = [](const ActiveTie& t) { return t.both_alive && t.source != t.target; };
  std::vector<std::size_t> in_offsets(n + 1, 0);
  for (const ActiveTie& t : ties) in_offsets[t.target + 1] += counted(t) ? 1 : 0;
  std::partial_sum(in_offsets.begin(), in_offsets.end(), in_offsets.begin());
  std::vector<std::uint32_t> in(in_offsets[n]);
  std::vector<std::size_t> out_offsets(n + 1, 0);
  {
    std::vector<std::size_t> fill(in_offsets.begin(), in_offsets.end() - 1);
    for (const ActiveTie& t : ties) {
      if (!counted(t)) continue;
      in[fill[t.target]++] = t.source;
      ++out_offsets[t.source + 1];
    }
  }
  std::partial_sum(out_offsets.begin(), out_offsets.end(), out_offsets.begin());
  std::vector<std::uint32_t> out(out_offsets[n]);
  {
    std::vector<std::size_t> fill(out_offsets.begin(), out_offsets.end() - 1);
    for (std::uint32_t v = 0; v < n; ++v) {
      for (std::size_t k = in_offsets[v]; k < in_offsets[v + 1]; ++k) out[fill[in[k]]++] = v;
    }
  }
  // Merge each organisation's two sorted rows, keeping each neighbour once: first how many
  // (to place the rows), then the rows themselves, both in parallel.
  auto merge_row = [&](std::size_t v, auto&& emit) {
    const std::uint32_t* a = in.data() + in_offsets[v];
    const std::uint32_t* a_end = in.data() + in_offsets[v + 1];
    const std::uint32_t* b = out.data() + out_offsets[v];
    const std::uint32_t* b_end = out.data() + out_offsets[v + 1];
    bool any = false;
    std::uint32_t last = 0;
    while (a != a_end || b != b_end) {
      const std::uint32_t x = (b == b_end || (a != a_end && *a < *b)) ? *a++ : *b++;
      if (any && x == last) continue;
      emit(x);
      last = x;
      any = true;
    }
  };
  offsets_.assign(n + 1, 0);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      std::size_t k = 0;
      merge_row(v, [&k](std::uint32_t) { ++k; });
      offsets_[v + 1] = k;
    }
  });
  std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
  neighbours_.resize(offsets_[n]);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      std::uint32_t* to = neighbours_.data() + offsets_[v];
      merge_row(v, [&to](std::uint32_t x) { *to++ = x; });
    }
  });
}

bool TieView::share_neighbour(std::uint32_t u, std::uint32_t v) const {
  if (degree(u) > degree(v)) std::swap(u, v);
  if (degree(u) * 16 < degree(v)) {  // a hub: look its short partner's neighbours up in it
    for (const std::uint32_t* a = begin(u); a != end(u); ++a) {
      if (std::binary_search(begin(v), end(v), *a)) return true;
    }
    return false;
  }
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

  // Triangles by the degree-ordered forward algorithm: each edge points from the end of
  // lower (degree, index) to the higher; a triangle is counted once, at its lowest corner u,
  // as a forward neighbour w of u's forward neighbour v that u also points to. Hubs keep
  // short forward lists, so the work stays near linear in the edges on these networks.
  // Counted in integers per chunk of u: exact whatever the split.
  auto before = [&view](std::uint32_t a, std::uint32_t b) {
    const std::size_t da = view.degree(a);
    const std::size_t db = view.degree(b);
    return da != db ? da < db : a < b;
  };
  std::vector<std::size_t> forward_offsets(n + 1, 0);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
      std::size_t k = 0;
      for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) k += before(u, *v) ? 1 : 0;
      forward_offsets[u + 1] = k;
    }
  });
  std::partial_sum(forward_offsets.begin(), forward_offsets.end(), forward_offsets.begin());
  std::vector<std::uint32_t> forward(forward_offsets[n]);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
      std::size_t k = forward_offsets[u];
      for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
        if (before(u, *v)) forward[k++] = *v;
      }
    }
  });
  struct Counts {
    std::uint64_t triangles = 0;
    std::uint64_t triples = 0;
  };
  const auto parts =
      parallel_chunk_results<Counts>(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, Counts& c) {
        std::vector<std::uint8_t> marked(n, 0);
        for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
          const std::uint64_t d = view.degree(u);
          c.triples += d * (d - (d > 0 ? 1 : 0)) / 2;
          const std::uint32_t* first = forward.data() + forward_offsets[u];
          const std::uint32_t* last = forward.data() + forward_offsets[u + 1];
          for (const std::uint32_t* v = first; v != last; ++v) marked[*v] = 1;
          for (const std::uint32_t* v = first; v != last; ++v) {
            for (std::size_t k = forward_offsets[*v]; k != forward_offsets[*v + 1]; ++k)
              c.triangles += marked[forward[k]];
          }
          for (const std::uint32_t* v = first; v != last; ++v) marked[*v] = 0;
        }
      });
  std::uint64_t triangle_count = 0;
  std::uint64_t triple_count = 0;
  for (const Counts& c : parts) {  // chunk order
    triangle_count += c.triangles;
    triple_count += c.triples;
  }
  const double triangles = static_cast<double>(triangle_count);
  const double triples = static_cast<double>(triple_count);
  s.clustering = triples > 0 ? 3.0 * triangles / triples : 0.0;

  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0U);
  for (std::uint32_t u = 0; u < n; ++u) {
    for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
      if (*v < u) continue;  // each edge once
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
