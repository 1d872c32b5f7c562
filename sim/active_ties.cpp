#include "sim/active_ties.h"

#include <algorithm>
#include <iterator>

#include "sim/parallel.h"

namespace partnersim {

namespace {
constexpr std::size_t kPrefetchAhead = 16;     // pending ties ahead whose graph ties are fetched early
constexpr std::size_t kMinViewChanges = 1024;  // view changes kept even when there are fewer ties
}  // namespace

void ActiveTies::set_strength(const ActiveTie& t, float strength) {
  Pending& p = pending_[t.pending];
  const_cast<Tie*>(p.tie)->strength = strength;  // NOLINT(cppcoreguidelines-pro-type-const-cast): World's own tie
  p.strength = strength;
}

void ActiveTies::end(const ActiveTie& t, int step) {
  Pending& p = pending_[t.pending];
  const_cast<Tie*>(p.tie)->end_step = step;  // NOLINT(cppcoreguidelines-pro-type-const-cast): World's own tie
  p.end_step = step;
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
    view_changes_.clear();  // no tie was counted in a view: a view must be built afresh
    view_changes_known_ = false;
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

  // Two passes over the sources, in parallel: count the ties each keeps pending and in force
  // (re-reading from the graph the ties of changed sources, and the out-edges added since),
  // then write them where the counts place them. Rows keep out-edge order.
  auto read = [](std::uint32_t target, const Tie* tie) {
    return Pending{target, tie->strength, tie->start_step, tie->end_step, tie, tie->kind};
  };
  auto refresh = [&](std::size_t v) {  // the changed source's copies, from the graph
    for (std::size_t k = pending_offsets_[v]; k < pending_offsets_[v + 1]; ++k) {
      // The ties live in the graph's edge nodes, scattered in memory: ask for the ones a
      // little ahead while this one is read (results do not depend on it).
      if (k + kPrefetchAhead < pending_offsets_[v + 1]) __builtin_prefetch(pending_[k + kPrefetchAhead].tie);
      const bool in_view = pending_[k].in_view;  // what the view counted, whatever the graph says now
      pending_[k] = read(pending_[k].target, pending_[k].tie);
      pending_[k].in_view = in_view;
    }
  };
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      if (reread_all || dirty_[v] != 0) refresh(v);
      std::size_t kept = 0;
      std::size_t active = 0;
      auto count = [&](const Pending& p) {
        if (p.end_step <= step) return;  // ended: never in force again
        ++kept;
        active += p.start_step <= step ? 1 : 0;
      };
      for (std::size_t k = pending_offsets_[v]; k < pending_offsets_[v + 1]; ++k) count(pending_[k]);
      const auto [first, last] = boost::out_edges(v, g);
      for (auto e = std::next(first, static_cast<std::ptrdiff_t>(scanned_[v])); e != last; ++e) count(read(0, &g[*e]));
      pending_count_[v] = kept;
      active_count_[v] = active;
    }
  });
  std::vector<std::size_t> next_offsets(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    next_offsets[v + 1] = next_offsets[v] + pending_count_[v];
    offsets_[v + 1] = offsets_[v] + active_count_[v];
  }
  next_pending_.resize(next_offsets[n]);
  ties_.resize(offsets_[n]);
  // Each tie also says whether it entered or left the view since the last rebuild.
  auto changes = parallel_gather<ViewChange>(
      n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::vector<ViewChange>& changed) {
        for (std::size_t v = begin; v < end; ++v) {
          const auto source = static_cast<std::uint32_t>(v);
          std::size_t kept = next_offsets[v];
          ActiveTie* out = ties_.data() + offsets_[v];
          auto keep = [&](Pending p) {
            const bool both_alive = alive_[source] != 0 && alive_[p.target] != 0;
            const bool in_view =
                p.start_step <= step && p.end_step > step && counts_in_view(source, p.target, both_alive);
            if (in_view != p.in_view) changed.push_back({source, p.target, in_view ? 1 : -1});
            if (p.end_step <= step) return;
            p.in_view = in_view;
            next_pending_[kept] = p;
            if (p.start_step <= step) {
              *out++ = ActiveTie{source, p.target,  p.strength, p.start_step, static_cast<std::uint32_t>(kept),
                                 p.kind, both_alive};
            }
            ++kept;
          };
          for (std::size_t k = pending_offsets_[v]; k < pending_offsets_[v + 1]; ++k) keep(pending_[k]);
          const auto [first, last] = boost::out_edges(v, g);
          for (auto e = std::next(first, static_cast<std::ptrdiff_t>(scanned_[v])); e != last; ++e) {
            keep(read(static_cast<std::uint32_t>(boost::target(*e, g)), &g[*e]));
          }
          scanned_[v] = static_cast<std::size_t>(std::distance(first, last));
        }
      });
  if (view_changes_known_ && view_changes_.size() + changes.size() <= ties_.size() + kMinViewChanges) {
    view_changes_.insert(view_changes_.end(), changes.begin(), changes.end());
  } else {
    view_changes_.clear();
    view_changes_known_ = false;
  }
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
