// The life cycle of social cooperatives: founding from latent slots (5 natural persons, or
// 3 plus 2 within a year), hiring and shedding jobs, monthly wages, subsidies, rent and
// overheads, dormancy after months of debt or a failure shock, revival, and liquidation
// (long dormancy, or too few members). Also sets the monthly capacity of every trading
// organisation, which the market and procurement modules sell against.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/module.h"

namespace partnersim::models {

struct CooperativesParams {
  Grosze output_per_worker = 0;  // monthly output one worker can deliver
  Grosze wage = 0;               // monthly wage cost of one worker (gross + employer contributions)
  Grosze subsidy_per_worker = 0;
  int subsidy_months = 24;
  Grosze fixed_overhead = 0;
  double overhead_share = 0.15;
  int dormant_after_months = 6;
  int liquidate_after_months = 12;
  double revival_rate = 0.2;
  double failure_hazard = 0.01;
  double support_hazard_reduction = 0.5;
  double support_capacity_boost = 0.2;
  double founding_rate = 0.02;
  double three_founder_share = 0.3;
  double growth_cash_months = 3.0;
  double growth_utilisation = 0.8;
  int min_members = 5;  // 0 switches the members rule off
};

// Legal rules of the Act on social cooperatives [S]: founders, member limits, the 2018
// "3 + 2 within 12 months" rule and liquidation after more than 3 months below the minimum
// of members (5, the parameter min_members).
inline constexpr int kFiveFounders = 5;
inline constexpr int kMaxMembers = 50;
inline constexpr int kThreeFounders = 3;
inline constexpr int kMembersGraceMonths = 12;
inline constexpr int kFewMembersMonthsAllowed = 3;
inline constexpr int kMinLegalFounders = 2;
inline constexpr int kShedAfterNegativeMonths = 2;

// Supported now: support paid until a later step, or an active in-kind, partnership or
// founding tie with an operating support centre (incubator, OWES).
[[nodiscard]] bool is_supported(const World& world, std::uint32_t org, int step);
// Founded by legal persons: at least 2 active founding ties from organisations. Such a
// cooperative is exempt from the natural-persons members rule.
[[nodiscard]] bool founded_by_legal_persons(const World& world, std::uint32_t org, int step);

class Cooperatives final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  void update_capacity(World& world, int step) const;
  void found_from_latent_slots(World& world);
  void grow_or_shrink(World& world) const;
  void settle_accounts(World& world);
  void update_status(World& world, std::uint32_t i);
  void count_births_and_deaths(const World& world);
  [[nodiscard]] Grosze monthly_costs(const Organisation& o, std::uint32_t i, int step) const;

  CooperativesParams p_;
  std::vector<std::vector<std::uint32_t>> latent_by_municipality_;  // slot indices, ascending
  std::vector<std::uint32_t> employers_;                            // municipal companies and businesses, ascending
  // Last month's figures per organisation, for the growth rule.
  std::vector<Grosze> last_sales_;    // market + contract revenue
  std::vector<Grosze> last_revenue_;  // all sources
  std::vector<Grosze> last_capacity_;

  Grosze wages_ = 0;  // paid this month by social cooperatives
  std::int64_t founded_ = 0;
  std::int64_t founded_cumulative_ = 0;
  std::int64_t liquidated_ = 0;
  std::int64_t liquidated_cumulative_ = 0;
};

ModuleInfo cooperatives_module_info();

}  // namespace partnersim::models
