// Cooperation dynamics: informal ties form by triadic closure (a partner's partner), with
// homophily by sector and district, and by brokers (support and regional centres) who
// introduce their partners to each other. Informal, partnership and consortium ties
// strengthen while the pair works together (a contract, consortium or grant between them)
// and otherwise decay, bridges faster than ties inside a cluster and pact signatories'
// ties slower; a tie that decays below a threshold ends.
#pragma once

#include <cstdint>

#include "sim/module.h"
#include "sim/network.h"

namespace partnersim::models {

struct CooperationParams {
  double bridge_decay = 0.17;
  double cluster_decay = 0.03;
  double pact_decay_factor = 0.25;
  double strengthen_step = 0.05;
  double break_threshold = 0.05;
  double closure_rate = 0.05;
  double closure_acceptance = 0.3;
  double homophily_sector = 2.0;
  double homophily_district = 2.0;
  double broker_rate = 0.2;
  double initial_strength = 0.3;
};

class Cooperation final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  [[nodiscard]] const CooperationParams& params() const { return p_; }

 private:
  void update_strengths(World& world, const TieView& view);
  void form_ties(World& world, const TieView& view);

  CooperationParams p_;
  std::int64_t formed_ = 0;
  std::int64_t formed_by_brokers_ = 0;
  std::int64_t decayed_ = 0;
};

// The kinds of tie this module strengthens, decays and breaks; the others carry contracts,
// funding or founding and end on their own dates.
bool is_cooperation_tie(TieKind kind);

ModuleInfo cooperation_module_info();

}  // namespace partnersim::models
