// Scheduled events from the scenario: on their month, ties are added or ended,
// organisations close, money is transferred and parameters change.
#pragma once

#include <cstddef>

#include "sim/module.h"

namespace partnersim::models {

class ScheduledEvents final : public Module {
 public:
  void configure(const ParamSet& /*params*/) override {}
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  static void sign_pact(World& world, const EventSpec& e, std::uint32_t sequence);

  std::size_t next_ = 0;  // first event not yet applied (events are sorted by step)
  int applied_ = 0;
};

ModuleInfo events_module_info();

}  // namespace partnersim::models
