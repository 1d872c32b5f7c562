// Local market: private customers' monthly demand for one sector in one municipality is
// shared among the organisations selling there in proportion to free capacity times
// quality, each capped by its free capacity. Same-sector sellers in one place crowd each
// other: every new seller lowers the others' share of a fixed demand.
#pragma once

#include <cstdint>

#include "sim/module.h"

namespace partnersim::models {

class Market final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  double quality_elasticity_ = 1.0;
  Grosze sales_ = 0;
  Grosze unmet_ = 0;
  Grosze sales_social_economy_ = 0;
  std::int64_t sellers_ = 0;               // summed over markets
  std::int64_t markets_with_sellers_ = 0;  // markets with at least one seller
  std::int64_t markets_ = 0;
};

ModuleInfo market_module_info();

}  // namespace partnersim::models
