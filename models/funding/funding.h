// Funding programmes: each month a running programme pays its recipients and funds their
// programme places. When it ends, money and places stop (the funding cliff). Later work
// adds calls, start-up grants, capital grants, in-kind support and takeover by the city.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/module.h"

namespace partnersim::models {

class Funding final : public Module {
 public:
  void configure(const ParamSet& /*params*/) override {}
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;

 private:
  struct ProgrammeState {
    Account payer;
    Grosze remaining = 0;
  };
  std::vector<ProgrammeState> programmes_;
  Grosze paid_ = 0;
  Grosze unpaid_ = 0;
  std::int64_t funded_places_ = 0;
  std::int64_t active_ = 0;
};

ModuleInfo funding_module_info();

}  // namespace partnersim::models
