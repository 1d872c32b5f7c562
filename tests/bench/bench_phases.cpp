// Micro-benchmarks of the hot phases on generated national worlds (Google Benchmark).
// Built with -DPARTNERSIM_BUILD_BENCHMARKS=ON (not in CI); run from a Release build:
//
//   build/release/tests/bench/bench_phases --benchmark_filter=/10$   # scale 0.1
//   build/release/tests/bench/bench_phases --benchmark_filter=/100$  # scale 1
//
// The argument is the scale in percent of scenarios/poland-synthetic.yaml. Each world is
// generated once and advanced 3 steps (so contracts, projects and new ties exist) before
// it is measured. Module benchmarks run one module's phase again and again on the same
// world: its state drifts, the cost per call stays representative.
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "sim/network.h"
#include "sim/registry.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"

namespace partnersim {
namespace {

ScenarioSpec national(int scale_percent) {
  std::ifstream in(std::string(PARTNERSIM_SOURCE_DIR) + "/scenarios/poland-synthetic.yaml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  const std::string key = "\n  scale: 1 ";
  const auto at = text.find(key);
  if (at == std::string::npos) throw std::runtime_error("the scenario's scale line moved");
  text.replace(at, key.size(), "\n  scale: " + std::to_string(scale_percent / 100.0) + " ");
  ScenarioOverrides overrides;
  overrides.steps = 1200;  // room for many measured steps
  return parse_scenario(text, "poland-synthetic.yaml", overrides);
}

// One generated world per scale, advanced past its first steps, kept for all benchmarks.
struct Prepared {
  ScenarioSpec spec;
  std::unique_ptr<ReplicateRun> run;
};

ReplicateRun& prepared(int scale_percent) {
  static std::map<int, std::unique_ptr<Prepared>> worlds;
  auto& p = worlds[scale_percent];
  if (!p) {
    p = std::make_unique<Prepared>();
    p->spec = national(scale_percent);
    p->run = std::make_unique<ReplicateRun>(p->spec, 0, ModuleRegistry::instance());
    for (int s = 0; s < 3; ++s) p->run->advance();
  }
  return *p->run;
}

void BM_WholeStep(benchmark::State& state) {
  ReplicateRun& run = prepared(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    if (run.finished()) state.SkipWithError("out of steps");
    benchmark::DoNotOptimize(run.advance().metrics.data());
  }
  state.counters["people"] = static_cast<double>(run.world().people().size());
  state.counters["person_steps/s"] = benchmark::Counter(static_cast<double>(run.world().people().size()),
                                                        benchmark::Counter::kIsIterationInvariantRate);
}

void BM_TieView(benchmark::State& state) {
  // As the modules do: one view kept across steps, built again in its own memory.
  const World& world = prepared(static_cast<int>(state.range(0))).world();
  TieView view(world);
  for (auto _ : state) {
    view.assign(world);
    benchmark::DoNotOptimize(view.edges());
  }
  state.counters["ties"] = static_cast<double>(view.edges());
}

void BM_NetworkSummary(benchmark::State& state) {
  const World& world = prepared(static_cast<int>(state.range(0))).world();
  const TieView view(world);
  for (auto _ : state) benchmark::DoNotOptimize(summarize(view).clustering);
}

void BM_Betweenness64Sources(benchmark::State& state) {
  const World& world = prepared(static_cast<int>(state.range(0))).world();
  const TieView view(world);
  std::vector<std::uint32_t> living;
  for (std::uint32_t v = 0; v < view.nodes(); ++v) {
    if (view.alive()[v] != 0) living.push_back(v);
  }
  for (auto _ : state) {
    RandomStream rng(StreamKey{1, 0}, 0, 0, 0);
    const auto c = betweenness(view, 64, [&](std::size_t) { return living[rng.below(living.size())]; });
    benchmark::DoNotOptimize(c.data());
  }
}

// One module's phase, on the prepared world (the module is set up on it first).
void module_phase(benchmark::State& state, const char* module, Phase phase) {
  ReplicateRun& run = prepared(static_cast<int>(state.range(0)));
  World& world = run.world();
  const ModuleInfo* info = ModuleRegistry::instance().find(module);
  auto m = info->make();
  m->configure(world.params());
  m->setup(world);
  for (auto _ : state) {
    m->step(phase, world);
    world.apply_graph_edits();
    world.clear_step_events();
  }
}

void BM_Reintegration(benchmark::State& state) { module_phase(state, "reintegration", Phase::People); }
void BM_Cooperation(benchmark::State& state) { module_phase(state, "cooperation", Phase::Ties); }
void BM_Procurement(benchmark::State& state) { module_phase(state, "procurement", Phase::Trade); }
void BM_CooperativesOrganisations(benchmark::State& state) {
  module_phase(state, "cooperatives", Phase::Organisations);
}

BENCHMARK(BM_WholeStep)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->Iterations(12);
BENCHMARK(BM_TieView)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetworkSummary)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Betweenness64Sources)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Reintegration)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cooperation)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Procurement)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CooperativesOrganisations)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace partnersim

BENCHMARK_MAIN();
