// Network measures of the ties in force, observed every month: ties by kind, density, mean
// degree, clustering, components, the share of cross-sector ties, consortia, and the
// betweenness of the most central broker (recomputed every few months, exact on small
// networks and estimated from sampled sources on large ones). Runs in no phase.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/module.h"
#include "sim/network.h"

namespace partnersim::models {

struct NetworkParams {
  int betweenness_every = 12;
  int betweenness_exact_limit = 5000;
  int betweenness_samples = 256;
};

class Network final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void step(Phase /*phase*/, World& /*world*/) override {}
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  NetworkParams p_;
  // Betweenness is expensive: computed on its months and held in between.
  mutable int betweenness_step_ = -1;
  mutable double betweenness_max_ = 0.0;
  mutable double betweenness_top_ = -1.0;
};

// Groups of at least two living organisations connected by consortium ties in force.
std::size_t count_consortia(const World& world);

ModuleInfo network_module_info();

}  // namespace partnersim::models
