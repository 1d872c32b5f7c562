#include "sim/people.h"

namespace partnersim {

void People::reserve(std::size_t n) {
  groups.reserve(n);
  state.reserve(n);
  months_in_state.reserve(n);
  placement.reserve(n);
  municipality.reserve(n);
  job_entry_step.reserve(n);
}

void People::add(std::uint8_t person_groups, std::uint16_t municipality_index, PersonState initial,
                 std::uint32_t placement_org) {
  groups.push_back(person_groups);
  state.push_back(initial);
  months_in_state.push_back(0);
  placement.push_back(placement_org);
  municipality.push_back(municipality_index);
  job_entry_step.push_back(-1);
}

}  // namespace partnersim
