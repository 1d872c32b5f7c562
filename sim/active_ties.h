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
  const Tie* tie = nullptr;  // the tie in the graph; World::tie() gives it to change
  float strength = 0.0F;     // as at the last rebuild
  int start_step = 0;
  TieKind kind = TieKind::Partnership;
  bool both_alive = false;  // both ends are living organisations
};

class ActiveTies {
 public:
  ActiveTies() = default;
  // A copied or moved world rebuilds its cache from its own graph: it starts empty.
  ActiveTies(const ActiveTies& /*other*/) {}
  ActiveTies(ActiveTies&& /*other*/) noexcept {}
  ActiveTies& operator=(const ActiveTies& /*other*/) {
    built_ = false;
    pending_offsets_.clear();
    return *this;
  }
  ActiveTies& operator=(ActiveTies&& /*other*/) noexcept {
    built_ = false;
    pending_offsets_.clear();
    return *this;
  }
  ~ActiveTies() = default;

  // Whether the arrays must be rebuilt before they are read at `step` with `edges` edges.
  [[nodiscard]] bool stale(int step, std::size_t edges) const { return !built_ || step != step_ || edges != edges_; }
  void invalidate() { built_ = false; }

  [[nodiscard]] std::span<const ActiveTie> all() const { return ties_; }
  [[nodiscard]] std::size_t size() const { return ties_.size(); }
  [[nodiscard]] std::size_t organisations() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Ties whose source is in [first, last), by source, in out-edge order.
  [[nodiscard]] std::span<const ActiveTie> from(std::size_t first, std::size_t last) const {
    return std::span<const ActiveTie>(ties_).subspan(offsets_[first], offsets_[last] - offsets_[first]);
  }
  [[nodiscard]] std::span<const ActiveTie> from(std::uint32_t source) const { return from(source, source + 1); }

  // Brings the arrays up to date with the graph at `step`: reads the out-edges added since
  // the last rebuild and the ties not yet ended then; forgets ties that ended by `step`
  // (a tie's end never moves later once passed; a step before the last rebuild's reads the
  // graph again from scratch). Parallel inside; call from sequential code.
  void rebuild(const OrgGraph& g, int step);

 private:
  struct Pending {  // a tie in force now or later
    std::uint32_t target = 0;
    const Tie* tie = nullptr;
  };
  struct Chunk {
    std::vector<Pending> pending;
    std::vector<ActiveTie> active;
  };
  std::vector<std::size_t> pending_offsets_;  // pending_[offsets[v], offsets[v+1]): v's ties, out-edge order
  std::vector<Pending> pending_;
  std::vector<Pending> next_pending_;
  std::vector<std::size_t> scanned_;  // out-edges of each organisation already read
  std::vector<std::size_t> pending_count_;
  std::vector<std::size_t> active_count_;
  std::vector<std::uint8_t> alive_;
  std::vector<Chunk> chunks_;
  std::vector<std::size_t> offsets_;
  std::vector<ActiveTie> ties_;
  bool built_ = false;
  int step_ = -1;
  int pruned_step_ = -1;  // pending_ holds no tie that ended by this step
  std::size_t edges_ = 0;
};

}  // namespace partnersim
