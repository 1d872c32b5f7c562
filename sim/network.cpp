#include "sim/network.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>

#include "sim/parallel.h"

namespace partnersim {

namespace {
constexpr std::uint32_t kNoNeighbour = 0xFFFFFFFFU;  // above every organisation index
constexpr std::size_t kRowSlack = 2;                 // room per row beyond its ties, for neighbours patched in
}  // namespace

void TieView::assign(const World& world) {
  const std::size_t n = world.organisation_count();
  const ActiveTies& ties = world.active_ties();
  const ActiveTie* const all = ties.all().data();
  set_alive(ties.alive());
  // Out rows: each organisation's targets over ties between two living organisations (not
  // loops), sorted; per organisation, in parallel.
  out_.resize(ties.size());
  out_count_.resize(n);
  out_first_.resize(n);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      // v's out row starts where its ties do in the active ties, with room for all of them.
      const std::span<const ActiveTie> from = ties.from(v, v + 1);
      out_first_[v] = static_cast<std::size_t>(from.data() - all);
      std::uint32_t* row = out_.data() + out_first_[v];
      std::uint32_t k = 0;
      for (const ActiveTie& t : from) {
        if (counts_in_view(t.source, t.target, t.both_alive)) row[k++] = t.target;
      }
      std::sort(row, row + k);
      out_count_[v] = k;
    }
  });
  // In rows: the sources tied to each organisation, filed in source order so that the rows
  // come out sorted without sorting. The sources are cut into a fixed number of blocks
  // (whatever the thread count): each block counts its entries per target, the counts become
  // each block's place in every row, and the blocks file their sources in parallel.
  const std::size_t blocks = std::min<std::size_t>(kTransposeBlocks, std::max<std::size_t>(n, 1));
  auto block_begin = [&](std::size_t b) { return b * n / blocks; };
  block_count_.resize(blocks * n);
  parallel_chunks(blocks, 1, [&](std::size_t b_begin, std::size_t b_end) {
    for (std::size_t b = b_begin; b < b_end; ++b) {
      std::uint32_t* count = block_count_.data() + b * n;
      std::fill(count, count + n, 0U);
      for (std::size_t v = block_begin(b); v < block_begin(b + 1); ++v) {
        const std::uint32_t* row = out_.data() + out_first_[v];
        for (std::uint32_t k = 0; k < out_count_[v]; ++k) ++count[row[k]];
      }
    }
  });
  in_first_.resize(n + 1);
  in_first_[0] = 0;
  // Each block's counts become its offset inside the row; the row's length goes to in_first_.
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      std::uint32_t filed = 0;
      for (std::size_t b = 0; b < blocks; ++b) {
        const std::uint32_t c = block_count_[b * n + t];
        block_count_[b * n + t] = filed;
        filed += c;
      }
      in_first_[t + 1] = filed;
    }
  });
  std::partial_sum(in_first_.begin(), in_first_.end(), in_first_.begin());
  in_.resize(in_first_[n]);
  parallel_chunks(blocks, 1, [&](std::size_t b_begin, std::size_t b_end) {
    for (std::size_t b = b_begin; b < b_end; ++b) {
      std::uint32_t* fill = block_count_.data() + b * n;
      for (std::size_t v = block_begin(b); v < block_begin(b + 1); ++v) {
        const std::uint32_t* row = out_.data() + out_first_[v];
        for (std::uint32_t k = 0; k < out_count_[v]; ++k) {
          const std::uint32_t t = row[k];
          in_[in_first_[t] + fill[t]++] = static_cast<std::uint32_t>(v);
        }
      }
    }
  });

  // Merge each organisation's two sorted rows into its place, keeping each neighbour once
  // with the number of ties to it. Each row has room for all the organisation's ties in
  // force, in and out, and a little more, for the patches to come.
  first_.resize(n);
  degree_.resize(n);
  capacity_.resize(n);
  neighbours_.resize(in_.size() + ties.size() + kRowSlack * n);
  multiplicity_.resize(neighbours_.size());
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      first_[v] = in_first_[v] + out_first_[v] + kRowSlack * v;
      capacity_[v] =
          static_cast<std::uint32_t>(in_first_[v + 1] - in_first_[v] + ties.from(v, v + 1).size() + kRowSlack);
      const std::uint32_t* a = in_.data() + in_first_[v];
      const std::uint32_t* a_end = in_.data() + in_first_[v + 1];
      const std::uint32_t* b = out_.data() + out_first_[v];
      const std::uint32_t* b_end = b + out_count_[v];
      std::uint32_t* const row = neighbours_.data() + first_[v];
      std::uint32_t* const ties_to = multiplicity_.data() + first_[v];
      // Without branches on the values (which of the two is smaller is a coin toss the
      // branch predictor loses): take the smaller, advance past it in both rows, and keep it
      // unless it repeats the last kept, whose count it then adds to.
      std::uint32_t k = 0;
      std::uint32_t last = kNoNeighbour;
      auto take = [&](std::uint32_t x, std::uint32_t count) {
        const bool fresh = x != last;
        const std::uint32_t at = fresh ? k : k - 1;
        row[at] = x;
        ties_to[at] = (fresh ? 0 : ties_to[at]) + count;
        k += fresh ? 1 : 0;
        last = x;
      };
      while (a != a_end && b != b_end) {
        const std::uint32_t x = std::min(*a, *b);
        const std::uint32_t from_a = *a == x ? 1 : 0;
        const std::uint32_t from_b = *b == x ? 1 : 0;
        a += from_a;
        b += from_b;
        take(x, from_a + from_b);
      }
      for (const std::uint32_t* rest = a != a_end ? a : b; rest != (a != a_end ? a_end : b_end); ++rest) take(*rest, 1);
      degree_[v] = k;
    }
  });
  built_size_ = neighbours_.size();
  ends_ = 0;
  for (const std::uint32_t d : degree_) ends_ += d;
}

void TieView::set_alive(const std::vector<std::uint8_t>& alive) {
  alive_ = alive;
  alive_count_ = 0;
  for (const std::uint8_t a : alive_) alive_count_ += a;
}

bool TieView::apply(std::span<const ViewChange> changes, const std::vector<std::uint8_t>& alive) {
  if (degree_.size() != alive.size() || neighbours_.size() > built_size_ + built_size_ / 2) return false;
  for (const ViewChange& c : changes) {
    add_to_row(c.source, c.target, c.delta);
    add_to_row(c.target, c.source, c.delta);
  }
  set_alive(alive);
  return true;
}

void TieView::add_to_row(std::uint32_t v, std::uint32_t w, std::int32_t delta) {
  std::uint32_t* row = neighbours_.data() + first_[v];
  const std::uint32_t d = degree_[v];
  const auto k = static_cast<std::uint32_t>(std::lower_bound(row, row + d, w) - row);
  std::uint32_t* ties_to = multiplicity_.data() + first_[v];
  if (k < d && row[k] == w) {
    ties_to[k] = static_cast<std::uint32_t>(static_cast<std::int64_t>(ties_to[k]) + delta);
    if (ties_to[k] != 0) return;
    std::copy(row + k + 1, row + d, row + k);  // the last tie between the two ended
    std::copy(ties_to + k + 1, ties_to + d, ties_to + k);
    --degree_[v];
    --ends_;
    return;
  }
  if (delta < 0) throw std::logic_error("tie view: a tie left the view between two organisations it did not tie");
  if (d == capacity_[v]) {  // full: the row moves to the end with room to grow
    const std::size_t moved = neighbours_.size();
    capacity_[v] = static_cast<std::uint32_t>(2 * std::size_t{d} + kRowSlack);
    neighbours_.resize(moved + capacity_[v]);
    multiplicity_.resize(neighbours_.size());
    std::copy_n(neighbours_.begin() + static_cast<std::ptrdiff_t>(first_[v]), d,
                neighbours_.begin() + static_cast<std::ptrdiff_t>(moved));
    std::copy_n(multiplicity_.begin() + static_cast<std::ptrdiff_t>(first_[v]), d,
                multiplicity_.begin() + static_cast<std::ptrdiff_t>(moved));
    first_[v] = moved;
    row = neighbours_.data() + moved;
    ties_to = multiplicity_.data() + moved;
  }
  std::copy_backward(row + k, row + d, row + d + 1);
  std::copy_backward(ties_to + k, ties_to + d, ties_to + d + 1);
  row[k] = w;
  ties_to[k] = static_cast<std::uint32_t>(delta);
  ++degree_[v];
  ++ends_;
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

// Union-find shared by threads (parent pointers read and written atomically): a root is
// only ever linked under a smaller root, so parent[v] <= v and every pointer leads to an
// ancestor; path halving may race with a link and then halves less, never wrongly. The
// partition found is the graph's components whatever the order of the unions.
std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t v) {
  for (;;) {
    const std::uint32_t p = std::atomic_ref(parent[v]).load(std::memory_order_relaxed);
    if (p == v) return v;
    const std::uint32_t grandparent = std::atomic_ref(parent[p]).load(std::memory_order_relaxed);
    if (grandparent != p) std::atomic_ref(parent[v]).store(grandparent, std::memory_order_relaxed);
    v = grandparent;
  }
}

void unite(std::vector<std::uint32_t>& parent, std::uint32_t u, std::uint32_t v) {
  for (;;) {
    std::uint32_t ru = find_root(parent, u);
    std::uint32_t rv = find_root(parent, v);
    if (ru == rv) return;
    if (ru < rv) std::swap(ru, rv);
    std::uint32_t expected = ru;  // still a root?
    if (std::atomic_ref(parent[ru]).compare_exchange_weak(expected, rv, std::memory_order_relaxed)) return;
  }
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
  // Forward rows in one pass: u's row has room for its whole degree, and is filled with its
  // forward neighbours (in neighbour order) and their count.
  std::vector<std::size_t> forward_first(n + 1, 0);
  for (std::uint32_t u = 0; u < n; ++u) forward_first[u + 1] = forward_first[u] + view.degree(u);
  std::vector<std::uint32_t> forward(forward_first[n]);
  std::vector<std::uint32_t> forward_count(n);
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
      std::uint32_t* row = forward.data() + forward_first[u];
      std::uint32_t k = 0;
      for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
        row[k] = *v;
        k += before(u, *v) ? 1 : 0;
      }
      forward_count[u] = k;
    }
  });
  auto forward_begin = [&](std::uint32_t u) { return forward.data() + forward_first[u]; };
  auto forward_end = [&](std::uint32_t u) { return forward.data() + forward_first[u] + forward_count[u]; };
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
          const std::uint32_t* first = forward_begin(u);
          const std::uint32_t* last = forward_end(u);
          for (const std::uint32_t* v = first; v != last; ++v) marked[*v] = 1;
          for (const std::uint32_t* v = first; v != last; ++v) {
            for (const std::uint32_t* w = forward_begin(*v); w != forward_end(*v); ++w) c.triangles += marked[*w];
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
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto u = static_cast<std::uint32_t>(begin); u < end; ++u) {
      for (const std::uint32_t* v = view.begin(u); v != view.end(u); ++v) {
        if (*v > u) unite(parent, u, *v);  // each edge once
      }
    }
  });
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
