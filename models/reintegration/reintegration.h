// Reintegration of excluded people: excluded -> programme place at an NGO or CIS/KIS ->
// job at a social cooperative or municipal company -> open labour market, with dropout and
// relapse at every stage. Places and social jobs are limited; who gets them is decided by
// random priority, so the flow depends on what funding and organisations provide.
#pragma once

#include <array>
#include <cstdint>

#include "sim/module.h"

namespace partnersim::models {

struct ReintegrationParams {
  double referral_rate = 0.05;
  int programme_min_months = 6;
  int programme_max_months = 12;
  double completion_rate = 0.35;
  double dropout_rate = 0.04;
  double placement_probability = 0.5;
  int min_social_months = 12;
  double open_market_rate = 0.03;
  double social_job_loss_rate = 0.01;
  double open_relapse_rate = 0.01;
};

// Flows of one month, summed over people.
struct ReintegrationFlows {
  std::int64_t referrals = 0;
  std::int64_t entries = 0;
  std::int64_t waiting = 0;  // referred but no free place in their municipality
  std::int64_t completions = 0;
  std::int64_t dropouts = 0;
  std::int64_t cut = 0;  // lost their place when its funding ended or the host closed
  std::int64_t placements = 0;
  std::int64_t to_open_market = 0;
  std::int64_t job_losses = 0;  // left a social job back to exclusion
  std::int64_t relapses = 0;    // lost an open-market job
};

class Reintegration final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;

  [[nodiscard]] const ReintegrationFlows& flows() const { return flows_; }

 private:
  void cut_places_without_host(World& world);
  void move(World& world, std::size_t person, PersonState to, std::uint32_t placement);

  ReintegrationParams p_;
  ReintegrationFlows flows_;
  std::array<std::int64_t, kPersonStateCount> in_state_{};
  std::int64_t places_ = 0;
  std::int64_t vacancies_ = 0;
};

ModuleInfo reintegration_module_info();

}  // namespace partnersim::models
