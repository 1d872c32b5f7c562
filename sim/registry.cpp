#include "sim/registry.h"

#include <algorithm>
#include <stdexcept>

namespace partnersim {

std::string_view name_of(Phase p) {
  switch (p) {
    case Phase::Events:
      return "events";
    case Phase::Funding:
      return "funding";
    case Phase::Trade:
      return "trade";
    case Phase::Organisations:
      return "organisations";
    case Phase::People:
      return "people";
    case Phase::Ties:
      return "ties";
    case Phase::Rewire:
      return "rewire";
    case Phase::Accounts:
      return "accounts";
  }
  return "?";
}

ModuleRegistry& ModuleRegistry::instance() {
  static ModuleRegistry registry;
  return registry;
}

bool ModuleRegistry::add(ModuleInfo info) {
  if (find(info.name) != nullptr) throw std::logic_error("module registered twice: " + info.name);
  modules_.push_back(std::move(info));
  std::stable_sort(modules_.begin(), modules_.end(), [](const ModuleInfo& a, const ModuleInfo& b) {
    return a.order != b.order ? a.order < b.order : a.name < b.name;
  });
  return true;
}

const ModuleInfo* ModuleRegistry::find(std::string_view module_name) const {
  for (const auto& m : modules_) {
    if (m.name == module_name) return &m;
  }
  return nullptr;
}

const ParamSpec* ModuleRegistry::find_param(std::string_view full_name) const {
  const auto dot = full_name.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const ModuleInfo* m = find(full_name.substr(0, dot));
  if (m == nullptr) return nullptr;
  const auto short_name = full_name.substr(dot + 1);
  for (const auto& p : m->params) {
    if (p.name == short_name) return &p;
  }
  return nullptr;
}

ParamSet ModuleRegistry::defaults() const {
  ParamSet set;
  for (const auto& m : modules_) {
    for (const auto& p : m.params) set.set(m.name + "." + p.name, p.default_value);
  }
  return set;
}

std::string ModuleRegistry::check(const ParamSet& params) const {
  for (const auto& m : modules_) {
    if (!m.check_params) continue;
    if (std::string problem = m.check_params(params); !problem.empty()) return m.name + ": " + problem;
  }
  return {};
}

std::vector<MetricSpec> ModuleRegistry::all_metrics() const {
  std::vector<MetricSpec> all = engine_metrics();
  for (const auto& m : modules_) all.insert(all.end(), m.metrics.begin(), m.metrics.end());
  for (const auto& m : modules_) {
    for (const auto& r : m.ratios) all.push_back(r.metric);
  }
  return all;
}

std::vector<std::pair<std::size_t, std::size_t>> ModuleRegistry::ratio_inputs() const {
  const auto all = all_metrics();
  auto index_of = [&](const std::string& ratio, const std::string& name) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].name == name) return i;
    }
    throw std::logic_error("ratio metric " + ratio + " needs metric " + name + ", which no module declares");
  };
  std::vector<std::pair<std::size_t, std::size_t>> inputs;
  for (const auto& m : modules_) {
    for (const auto& r : m.ratios) {
      inputs.emplace_back(index_of(r.metric.name, r.numerator), index_of(r.metric.name, r.denominator));
    }
  }
  return inputs;
}

const std::vector<MetricSpec>& engine_metrics() {
  static const std::vector<MetricSpec> metrics = {
      {"people_total", "persons", "Excluded people tracked by the model (constant: no one is created or lost)"},
      {"organisations_alive", "organisations", "Organisations that exist this month"},
      {"ties_active", "ties", "Ties in force this month, all kinds"},
      {"cash_total_pln", "PLN", "Cash held by all organisations of the scenario at the end of the month"},
  };
  return metrics;
}

}  // namespace partnersim
