#include "sim/active_ties.h"

#include <algorithm>
#include <iterator>

#include "sim/parallel.h"

namespace partnersim {

namespace {
constexpr std::size_t kPrefetchAhead = 16;  // pending ties ahead whose graph ties are fetched early
}  // namespace

void ActiveTies::set_strength(const ActiveTie& t, float strength) {
  const_cast<Tie*>(t.tie)->strength = strength;  // NOLINT(cppcoreguidelines-pro-type-const-cast): World's own tie
  pending_[t.pending].strength = strength;
}

void ActiveTies::end(const ActiveTie& t, int step) {
  const_cast<Tie*>(t.tie)->end_step = step;  // NOLINT(cppcoreguidelines-pro-type-const-cast): World's own tie
  pending_[t.pending].end_step = step;
}

void ActiveTies::rebuild(const OrgGraph& g, int step) {
  const std::size_t n = boost::num_vertices(g);
  // From scratch the first time (vertices are never added during a run) and when the step
  // went back (a test may look at an earlier step: ties forgotten since may hold again).
  if (pending_offsets_.size() != n + 1 || step < pruned_step_) {
    pending_offsets_.assign(n + 1, 0);
    pending_.clear();
    scanned_.assign(n, 0);
    built_ = false;
  }
  const bool reread_all = !built_;  // after invalidate(): no copy can be trusted
  if (dirty_.size() != n) {
    dirty_.assign(n, 0);
    any_dirty_ = false;
  }
  pending_count_.resize(n);
  active_count_.resize(n);
  alive_.resize(n);
  offsets_.resize(n + 1);
  for (std::size_t v = 0; v < n; ++v) alive_[v] = g[v].alive ? 1 : 0;

  // Per chunk of source organisations: the ties still pending (the earlier ones, then the
  // out-edges added since), and among them those in force now. Rows keep out-edge order.
  const std::size_t chunks = (n + kOrgRowChunk - 1) / kOrgRowChunk;
  chunks_.resize(chunks);
  parallel_chunks(chunks, 1, [&](std::size_t c_begin, std::size_t c_end) {
    for (std::size_t c = c_begin; c < c_end; ++c) {
      Chunk& chunk = chunks_[c];
      chunk.pending.clear();
      chunk.active.clear();
      const std::size_t last = std::min(n, (c + 1) * kOrgRowChunk);
      for (std::size_t v = c * kOrgRowChunk; v < last; ++v) {
        const auto source = static_cast<std::uint32_t>(v);
        const std::size_t pending_before = chunk.pending.size();
        const std::size_t active_before = chunk.active.size();
        auto consider = [&](const Pending& p) {
          if (p.end_step <= step) return;  // ended: never in force again
          const auto local = static_cast<std::uint32_t>(chunk.pending.size());
          chunk.pending.push_back(p);
          if (p.start_step > step || step >= p.end_step) return;
          chunk.active.push_back(ActiveTie{source, p.target, p.tie, p.strength, p.start_step, p.kind,
                                           alive_[source] != 0 && alive_[p.target] != 0, local});
        };
        auto read = [](std::uint32_t target, const Tie* tie) {
          return Pending{target, tie->strength, tie->start_step, tie->end_step, tie, tie->kind};
        };
        if (reread_all || dirty_[v] != 0) {
          for (std::size_t k = pending_offsets_[v]; k < pending_offsets_[v + 1]; ++k) {
            // The ties live in the graph's edge nodes, scattered in memory: ask for the ones
            // a little ahead while this one is read (results do not depend on it).
            if (k + kPrefetchAhead < pending_.size()) __builtin_prefetch(pending_[k + kPrefetchAhead].tie);
            consider(read(pending_[k].target, pending_[k].tie));
          }
        } else {
          for (std::size_t k = pending_offsets_[v]; k < pending_offsets_[v + 1]; ++k) consider(pending_[k]);
        }
        const auto [first, end] = boost::out_edges(v, g);
        const auto known = static_cast<std::ptrdiff_t>(scanned_[v]);
        for (auto e = std::next(first, known); e != end; ++e) {
          consider(read(static_cast<std::uint32_t>(boost::target(*e, g)), &g[*e]));
        }
        scanned_[v] = static_cast<std::size_t>(std::distance(first, end));
        pending_count_[v] = chunk.pending.size() - pending_before;
        active_count_[v] = chunk.active.size() - active_before;
      }
    }
  });

  // Lay the chunks out one after the other (chunk order is organisation order); an entry's
  // copy moves with its chunk.
  std::vector<std::size_t> next_offsets(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    next_offsets[v + 1] = next_offsets[v] + pending_count_[v];
    offsets_[v + 1] = offsets_[v] + active_count_[v];
  }
  next_pending_.resize(next_offsets[n]);
  ties_.resize(offsets_[n]);
  parallel_chunks(chunks, 1, [&](std::size_t c_begin, std::size_t c_end) {
    for (std::size_t c = c_begin; c < c_end; ++c) {
      const std::size_t v = c * kOrgRowChunk;
      const auto base = static_cast<std::uint32_t>(next_offsets[v]);
      std::copy(chunks_[c].pending.begin(), chunks_[c].pending.end(),
                next_pending_.begin() + static_cast<std::ptrdiff_t>(next_offsets[v]));
      ActiveTie* out = ties_.data() + offsets_[v];
      for (const ActiveTie& t : chunks_[c].active) {
        *out = t;
        out->pending += base;
        ++out;
      }
    }
  });
  pending_.swap(next_pending_);
  pending_offsets_.swap(next_offsets);
  if (any_dirty_) std::fill(dirty_.begin(), dirty_.end(), std::uint8_t{0});
  any_dirty_ = false;
  built_ = true;
  changed_ = false;
  step_ = step;
  pruned_step_ = step;
  edges_ = boost::num_edges(g);
}

}  // namespace partnersim
