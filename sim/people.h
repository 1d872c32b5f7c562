// Excluded people as a struct of arrays: one entry per person in each column, so that a
// per-person pass touches only the columns it needs and millions of people fit in memory
// (12 bytes a person today).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/kinds.h"

namespace partnersim {

inline constexpr std::uint32_t kNoOrganisation = std::numeric_limits<std::uint32_t>::max();

struct People {
  std::vector<std::uint8_t> groups;  // PersonGroup bit set
  std::vector<PersonState> state;
  std::vector<std::uint16_t> months_in_state;  // saturates at 65535
  std::vector<std::uint32_t> placement;        // programme host or employer; kNoOrganisation
  std::vector<std::uint16_t> municipality;     // index into World::municipalities
  std::vector<std::int16_t> job_entry_step;    // step of the last entry into a social job; -1 never

  [[nodiscard]] std::size_t size() const { return state.size(); }

  void reserve(std::size_t n);
  void add(std::uint8_t person_groups, std::uint16_t municipality_index, PersonState initial,
           std::uint32_t placement_org);

  // Moves person i into a new state, restarting the months-in-state counter.
  void move(std::size_t i, PersonState to, std::uint32_t placement_org) {
    state[i] = to;
    months_in_state[i] = 0;
    placement[i] = placement_org;
  }

  [[nodiscard]] static constexpr std::size_t bytes_per_person() {
    return sizeof(std::uint8_t) + sizeof(PersonState) + sizeof(std::uint16_t) + sizeof(std::uint32_t) +
           sizeof(std::uint16_t) + sizeof(std::int16_t);
  }
};

}  // namespace partnersim
