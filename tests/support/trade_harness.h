// Runs one replicate step by step with organisations' capacity pinned by the test, for the
// procurement and market tests. Capacity is normally set by models/cooperatives in the
// Organisations phase, after Trade; pinning it before every step makes Trade see exactly
// the test's numbers whatever that module does afterwards.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim::testing {

// Sets a parameter only if some module declares it, so these tests neither break nor
// silently add unknown names when a neighbouring module renames its parameters.
inline void set_if_declared(SpecBuilder& b, const std::string& name, double value) {
  if (ModuleRegistry::instance().find_param(name) != nullptr) b.param(name, value);
}

// Switches off what other modules would do to a tiny trading world: cooperatives' costs,
// random failures and foundings; tie formation and decay; reintegration flows.
inline SpecBuilder& quiet_world(SpecBuilder& b) {
  quiet_reintegration(b);
  for (const char* p : {"cooperatives.failure_hazard", "cooperatives.founding_rate", "cooperatives.wage_pln",
                        "cooperatives.fixed_overhead_pln", "cooperatives.overhead_share",
                        "cooperatives.subsidy_per_worker_pln", "cooperation.bridge_decay", "cooperation.cluster_decay",
                        "cooperation.strengthen_step", "cooperation.closure_rate", "cooperation.broker_rate"}) {
    set_if_declared(b, p, 0.0);
  }
  return b;
}

// A trading organisation of one sector, with five staff so the members rule never closes it.
inline std::uint32_t trader(SpecBuilder& b, const std::string& id, OrgKind kind, std::uint32_t sector,
                            std::uint32_t municipality = 0, double quality = 0.5) {
  const auto i = b.org(id, kind, 0, 0, 0, municipality);
  b.last_org().sector = sector;
  b.last_org().staff = 5;
  b.last_org().members = kind == OrgKind::SocialCooperative ? 5 : 0;
  b.last_org().quality = quality;
  return i;
}

inline void tie(SpecBuilder& b, std::uint32_t a, std::uint32_t c, TieKind kind, double strength) {
  b.spec().ties.push_back(TieSpec{a, c, kind, strength, 0, kOpenEnded});
}

struct TieRecord {
  std::uint32_t source;
  std::uint32_t target;
  TieKind kind;
  int start;
  int end;
};

struct Trace {
  std::vector<std::vector<double>> metrics;  // [step][metric], all registered metrics
  std::vector<std::vector<Grosze>> cash;     // [step][org], end of step
  std::vector<std::vector<Grosze>> contracted;
  std::vector<LoggedEvent> events;
  std::vector<TieRecord> ties;  // every tie in the graph at the end

  [[nodiscard]] static std::size_t index(const std::string& metric) {
    const auto all = ModuleRegistry::instance().all_metrics();
    const auto it = std::find_if(all.begin(), all.end(), [&](const MetricSpec& m) { return m.name == metric; });
    if (it == all.end()) throw std::logic_error("no metric " + metric);
    return static_cast<std::size_t>(it - all.begin());
  }
  [[nodiscard]] double metric(int step, const std::string& name) const {
    return metrics.at(static_cast<std::size_t>(step)).at(index(name));
  }
  [[nodiscard]] std::vector<double> series(const std::string& name) const {
    std::vector<double> out;
    const std::size_t k = index(name);
    for (const auto& m : metrics) out.push_back(m[k]);
    return out;
  }
  [[nodiscard]] std::vector<Grosze> cash_of(std::uint32_t org) const {
    std::vector<Grosze> out;
    for (const auto& c : cash) out.push_back(c[org]);
    return out;
  }
  [[nodiscard]] std::vector<Grosze> contracted_of(std::uint32_t org) const {
    std::vector<Grosze> out;
    for (const auto& c : contracted) out.push_back(c[org]);
    return out;
  }
  [[nodiscard]] int count(const std::string& kind) const {
    return static_cast<int>(
        std::count_if(events.begin(), events.end(), [&](const LoggedEvent& e) { return e.kind == kind; }));
  }
};

using StepHook = std::function<void(World&)>;

// Runs every step with capacity pinned (PLN/month per organisation) and checks that the
// ledger balances after each one. `before_step` may change the world before a step.
inline Trace run_pinned(const ScenarioSpec& spec, const std::map<std::uint32_t, double>& capacity_pln,
                        std::uint32_t replicate = 0, const StepHook& before_step = {}) {
  ReplicateRun run(spec, replicate, ModuleRegistry::instance());
  Trace t;
  while (!run.finished()) {
    World& w = run.world();
    for (const auto& [org, pln] : capacity_pln) w.org(org).capacity = pln_to_grosze(pln);
    if (before_step) before_step(w);
    const StepRecord& rec = run.advance();
    EXPECT_EQ(w.money_total(), 0) << "ledger unbalanced at step " << rec.step;
    t.metrics.emplace_back(rec.metrics.begin(), rec.metrics.end());
    std::vector<Grosze> cash;
    std::vector<Grosze> contracted;
    for (std::uint32_t o = 0; o < w.organisation_count(); ++o) {
      cash.push_back(w.org(o).cash);
      contracted.push_back(w.org(o).contracted);
    }
    t.cash.push_back(std::move(cash));
    t.contracted.push_back(std::move(contracted));
    t.events.insert(t.events.end(), rec.events.begin(), rec.events.end());
  }
  const OrgGraph& g = run.world().graph();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    t.ties.push_back({static_cast<std::uint32_t>(boost::source(e, g)), static_cast<std::uint32_t>(boost::target(e, g)),
                      g[e].kind, g[e].start_step, g[e].end_step});
  }
  return t;
}

}  // namespace partnersim::testing
