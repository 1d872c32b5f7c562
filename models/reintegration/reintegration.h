// Reintegration of excluded people. Two paths meet in one flow:
//   street -> night shelter -> social flat with training support -> housed (excluded)
//   excluded -> programme place at a CIS/KIS or NGO -> social job (cooperative, municipal
//   company brigade, social business) -> open labour market
// with dropout and relapse at every stage. Beds, flat places, programme places and social
// jobs are limited and offered per municipality in random priority order; referral ties from
// social-assistance centres and labour offices raise referrals and open the tied hosts.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/module.h"

namespace partnersim::models {

struct ReintegrationParams {
  double referral_rate = 0.05;
  double referral_tie_boost = 1.0;
  int programme_min_months = 6;
  int programme_max_months = 12;
  double completion_rate = 0.35;
  double dropout_rate = 0.04;
  double placement_probability = 0.5;
  double direct_hire_rate = 0.002;
  int min_social_months = 12;
  double open_market_rate = 0.03;
  double social_job_loss_rate = 0.01;
  double open_relapse_rate = 0.01;
  double shelter_entry_rate = 0.1;
  double shelter_exit_rate = 0.05;
  double flat_entry_rate = 0.05;
  int flat_min_months = 6;
  double flat_exit_rate = 0.15;
  double flat_dropout_rate = 0.02;
};

// The limited things people queue for.
enum class Resource : std::uint8_t { Programme, Job, Shelter, Flat };
inline constexpr std::size_t kResourceCount = 4;

// Flows of one month, summed over people.
struct ReintegrationFlows {
  std::int64_t referrals = 0;
  std::int64_t entries = 0;
  std::int64_t waiting = 0;  // referred but no free place within reach
  std::int64_t completions = 0;
  std::int64_t dropouts = 0;
  std::int64_t cut = 0;           // lost their place when its funding ended or the host stopped
  std::int64_t placements = 0;    // completers who took a social job
  std::int64_t direct_hires = 0;  // excluded people hired straight into a social job
  std::int64_t to_open_market = 0;
  std::int64_t job_losses = 0;  // left a social job back to exclusion
  std::int64_t relapses = 0;    // lost an open-market job
  std::int64_t shelter_entries = 0;
  std::int64_t flat_entries = 0;
  std::int64_t rehoused = 0;        // left a training flat for own housing
  std::int64_t back_to_street = 0;  // left a shelter or flat for the street
  std::int64_t retained_12m = 0;    // entered a social job 12 months ago and still employed
};

class Reintegration final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  [[nodiscard]] const ReintegrationFlows& flows() const { return flows_; }

 private:
  void cut_without_capacity(World& world);
  // Moves a person, keeping the organisations' occupancy and the state counts right.
  // Moves a person, adjusting both organisations' occupancy and the count per state in `in_state`.
  static void relocate(World& world, std::size_t person, PersonState to, std::uint32_t placement,
                       std::array<std::int64_t, kPersonStateCount>& in_state);
  void prepare_referrals(const World& world);

  ReintegrationParams p_;
  ReintegrationFlows flows_;
  std::array<std::int64_t, kPersonStateCount> in_state_{};
  std::vector<double> referral_boost_;                      // per municipality, >= 1
  std::vector<std::vector<std::uint32_t>> referral_hosts_;  // per municipality, hosts tied by referral
  std::vector<std::uint32_t>
      referrers_;  // social-assistance centres and labour offices, ascending (kinds never change)
  std::vector<std::int64_t> job_entries_by_step_;
  std::int64_t exits_cumulative_ = 0;
  std::array<std::int64_t, kResourceCount> capacity_{};
  std::array<std::int64_t, kResourceCount> vacant_{};
  std::array<std::int64_t, 3> employed_by_kind_{};  // cooperatives, municipal companies, others
  double retention_12m_ = 0.0;
};

ModuleInfo reintegration_module_info();

}  // namespace partnersim::models
