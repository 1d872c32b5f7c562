// The undirected, simple view of the ties in force (one edge per pair of living
// organisations tied by at least one tie in force) in rows of sorted neighbours: what the
// network measures and the cooperation rules read. World keeps one up to date
// (World::tie_view) by patching it with the month's changes; assign() builds one afresh.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/active_ties.h"

namespace partnersim {

class World;

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
  // Brings the view from the ties in force when it was built to those after `changes`
  // (each tie that entered or left the view, ActiveTies::view_changes), with `alive` the
  // organisations' life now. The rows come out as assign() would build them. False, and
  // nothing changed, when the view must be built afresh instead: it was never built, or its
  // rows have moved so often that a third of its memory is holes.
  bool apply(std::span<const ViewChange> changes, const std::vector<std::uint8_t>& alive);

  [[nodiscard]] std::size_t nodes() const { return degree_.size(); }
  [[nodiscard]] std::size_t edges() const { return ends_ / 2; }
  [[nodiscard]] std::size_t degree(std::uint32_t v) const { return degree_[v]; }
  // Sorted, distinct neighbours of v.
  [[nodiscard]] const std::uint32_t* begin(std::uint32_t v) const { return neighbours_.data() + first_[v]; }
  [[nodiscard]] const std::uint32_t* end(std::uint32_t v) const { return begin(v) + degree_[v]; }
  // Ties in force between v and its k-th neighbour (either direction): at least 1.
  [[nodiscard]] std::uint32_t ties(std::uint32_t v, std::size_t k) const { return multiplicity_[first_[v] + k]; }
  [[nodiscard]] bool adjacent(std::uint32_t u, std::uint32_t v) const {
    return std::binary_search(begin(u), end(u), v);
  }
  // True if some organisation is tied to both u and v (the u-v tie is then not a bridge).
  [[nodiscard]] bool share_neighbour(std::uint32_t u, std::uint32_t v) const;
  [[nodiscard]] const std::vector<std::uint8_t>& alive() const { return alive_; }
  [[nodiscard]] std::size_t alive_count() const { return alive_count_; }

 private:
  void set_alive(const std::vector<std::uint8_t>& alive);
  // Adds `delta` (+1 or -1) to the ties between v and w, in v's row.
  void add_to_row(std::uint32_t v, std::uint32_t w, std::int32_t delta);

  // Row v: neighbours_[first_[v], first_[v] + degree_[v]), with room up to capacity_[v];
  // multiplicity_ runs alongside. A row that outgrows its room moves to the end.
  std::vector<std::size_t> first_;
  std::vector<std::uint32_t> degree_;
  std::vector<std::uint32_t> capacity_;
  std::vector<std::uint32_t> neighbours_;
  std::vector<std::uint32_t> multiplicity_;
  std::size_t built_size_ = 0;  // neighbours_.size() after the last assign()
  std::size_t ends_ = 0;        // sum of the degrees
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

}  // namespace partnersim
