// Run-time invariants of a World (`partnersim run --check`, on in every test): checked
// after every module's work so that a violation names the module that broke it. Each check
// returns what disagrees, or an empty string.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/world.h"

namespace partnersim {

// No person created or lost: the people by state sum to the scenario's total, every state
// is a known one, and each organisation's counters (participants, excluded workers,
// shelter and flat residents) equal a recount of the people placed with it.
std::string check_people(const World& world, std::size_t expected_people);
// The money ledger balances: organisations' cash plus outside accounts is zero.
std::string check_money(const World& world);
// Every tie active now joins two different, living organisations, and is of a known kind.
std::string check_ties(const World& world);
// The cache of ties in force (World::active_ties, kept up to date from what changed) lists
// exactly what a fresh read of the graph does, entry for entry.
std::string check_tie_cache(const World& world);
// The view of the ties in force that World keeps by patching it (World::tie_view) has the
// rows, counts of ties per pair and living organisations of a view built afresh.
std::string check_tie_view(const World& world);
// Stocks that cannot be negative (staff, members, places, residents, capacity, contracted
// output, rent, dividends, revenue of the month, tie strengths) are not; quality is in [0, 1].
std::string check_stocks(const World& world);

// All of the above, in that order; one line per failed check.
std::vector<std::string> check_world(const World& world, std::size_t expected_people);

// A failed check during a run: where (step, replicate, what ran last) and what disagrees.
class InvariantViolation : public std::runtime_error {
 public:
  InvariantViolation(int step, std::uint32_t replicate, std::string after, std::vector<std::string> problems,
                     const std::string& month);
  [[nodiscard]] int step() const { return step_; }
  [[nodiscard]] std::uint32_t replicate() const { return replicate_; }
  [[nodiscard]] const std::string& after() const { return after_; }
  [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }

 private:
  int step_;
  std::uint32_t replicate_;
  std::string after_;
  std::vector<std::string> problems_;
};

// Whether runs check invariants unless told otherwise (off by default; the CLI's --check
// and the test suite turn it on). Thread-safe.
void set_invariant_checks_default(bool on);
[[nodiscard]] bool invariant_checks_default();

}  // namespace partnersim
