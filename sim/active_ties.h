// The ties in force at one step in flat arrays, grouped by source organisation in the
// graph's out-edge order: what passes over all ties (tie views, decay, counts by kind,
// degrees) read instead of walking the Boost adjacency lists, which also hold every tie
// that ever ended. A cache derived from the graph, which stays the storage of ties: World
// rebuilds it (World::active_ties) when it is read after the step, the ties or the
// organisations may have changed, so it never needs saving.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/organisations.h"

namespace partnersim {

struct ActiveTie {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  float strength = 0.0F;  // as at the last rebuild
  int start_step = 0;
  std::uint32_t pending = 0;  // where the cache keeps its copy of the tie (and the tie's address)
  TieKind kind = TieKind::Partnership;
  bool both_alive = false;  // both ends are living organisations
};

// Whether a tie in force counts in the undirected view of the ties in force
// (sim/tie_view.h): both its ends live and they are distinct organisations.
constexpr bool counts_in_view(std::uint32_t source, std::uint32_t target, bool both_alive) {
  return both_alive && source != target;
}

// A tie that entered (delta +1) or left (-1) the view: see counts_in_view.
struct ViewChange {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  std::int32_t delta = 0;
};

// The cache keeps a copy of each tie not yet ended (kind, strength, start and end), so that
// bringing it up to date after a month, a change of organisations' life or new ties streams
// through its own arrays instead of following a pointer per tie into the graph. The copies
// stay true because ties change only through World, which says which organisations' ties it
// changed (or writes through the cache, for cooperation's strengths); anything else that
// writes to the graph makes the next read re-read every tie (invalidate). The invariant
// checks (`--check`, on in every test) compare the cache with a fresh read after each module.
class ActiveTies {
 public:
  ActiveTies() = default;
  // A copied or moved world rebuilds its cache from its own graph: it starts empty.
  ActiveTies(const ActiveTies& /*other*/) {}
  ActiveTies(ActiveTies&& /*other*/) noexcept {}
  ActiveTies& operator=(const ActiveTies& /*other*/) {
    reset();
    return *this;
  }
  ActiveTies& operator=(ActiveTies&& /*other*/) noexcept {
    reset();
    return *this;
  }
  ~ActiveTies() = default;

  // Whether the arrays must be rebuilt before they are read at `step` with `edges` edges.
  [[nodiscard]] bool stale(int step, std::size_t edges) const {
    return !built_ || changed_ || step != step_ || edges != edges_;
  }
  // Something wrote to the graph behind the cache: re-read every tie at the next rebuild.
  void invalidate() { built_ = false; }
  // Organisations' life changed (the ties' copies still hold): refresh at the next read.
  void changed() { changed_ = true; }
  // Ties listed under `source` (its out-edges) changed in the graph: re-read them.
  void source_changed(std::uint32_t source) {
    changed_ = true;
    if (source < dirty_.size()) {
      dirty_[source] = 1;
      any_dirty_ = true;
    }
  }
  // Writes through an entry of all() to the tie and the cache's copy of it: safe from
  // parallel code for distinct entries; call changed() after (from sequential code).
  void set_strength(const ActiveTie& t, float strength);
  void end(const ActiveTie& t, int step);

  [[nodiscard]] std::span<const ActiveTie> all() const { return ties_; }
  [[nodiscard]] std::size_t size() const { return ties_.size(); }
  [[nodiscard]] std::size_t organisations() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Ties whose source is in [first, last), by source, in out-edge order.
  [[nodiscard]] std::span<const ActiveTie> from(std::size_t first, std::size_t last) const {
    return std::span<const ActiveTie>(ties_).subspan(offsets_[first], offsets_[last] - offsets_[first]);
  }
  [[nodiscard]] std::span<const ActiveTie> from(std::uint32_t source) const { return from(source, source + 1); }
  // The tie in the graph behind an entry of all().
  [[nodiscard]] const Tie* tie(const ActiveTie& t) const { return pending_[t.pending].tie; }

  // Organisations' life at the last rebuild (1 living, 0 not).
  [[nodiscard]] const std::vector<std::uint8_t>& alive() const { return alive_; }
  // The ties that entered or left the view of the ties in force since the last
  // forget_view_changes(), by rebuild and within one by source; unknown (a view must be
  // built afresh) after a rebuild from scratch, or when they outnumber the ties themselves
  // (nobody reads them).
  [[nodiscard]] bool view_changes_known() const { return view_changes_known_; }
  [[nodiscard]] std::span<const ViewChange> view_changes() const { return view_changes_; }
  void forget_view_changes() {
    view_changes_.clear();
    view_changes_known_ = true;
  }

  // Brings the arrays up to date with the graph at `step`: reads the out-edges added since
  // the last rebuild, re-reads the ties of changed sources (all of them after invalidate()),
  // and takes the others from its copies; forgets ties that ended by `step` (a tie's end
  // never moves later once passed; a step before the last rebuild's reads the graph again
  // from scratch). Parallel inside; call from sequential code.
  void rebuild(const OrgGraph& g, int step);

 private:
  struct Pending {  // a tie in force now or later, and the cache's copy of it
    std::uint32_t target = 0;
    float strength = 0.0F;
    int start_step = 0;
    int end_step = 0;
    const Tie* tie = nullptr;
    TieKind kind = TieKind::Partnership;
    bool in_view = false;  // in the view of the ties in force at the last rebuild
  };
  void reset() {
    built_ = false;
    pending_offsets_.clear();
    view_changes_.clear();
    view_changes_known_ = false;
  }
  std::vector<std::size_t> pending_offsets_;  // pending_[offsets[v], offsets[v+1]): v's ties, out-edge order
  std::vector<Pending> pending_;
  std::vector<Pending> next_pending_;
  std::vector<std::size_t> scanned_;  // out-edges of each organisation already read
  std::vector<std::uint8_t> dirty_;   // sources whose ties must be re-read from the graph
  std::vector<std::size_t> pending_count_;
  std::vector<std::size_t> active_count_;
  std::vector<std::uint8_t> alive_;
  std::vector<std::size_t> offsets_;
  std::vector<ActiveTie> ties_;
  std::vector<ViewChange> view_changes_;
  bool view_changes_known_ = false;
  bool built_ = false;
  bool changed_ = false;
  bool any_dirty_ = false;
  int step_ = -1;
  int pruned_step_ = -1;  // pending_ holds no tie that ended by this step
  std::size_t edges_ = 0;
};

}  // namespace partnersim
