// Builds ScenarioSpecs in code for unit tests, without going through YAML.
#pragma once

#include <string>

#include "sim/registry.h"
#include "sim/spec.h"

namespace partnersim::testing {

class SpecBuilder {
 public:
  explicit SpecBuilder(int steps = 24, YearMonth start = {2020, 1}) {
    spec_.metadata.name = "test";
    spec_.start = start;
    spec_.steps = steps;
    spec_.seed = 42;
    spec_.municipalities = {"Sopot", "Gdynia"};
    spec_.sectors = {"none"};
    spec_.params = ModuleRegistry::instance().defaults();
  }

  std::uint32_t org(const std::string& id, OrgKind kind, int places = 0, int jobs = 0, double cash_pln = 0,
                    std::uint32_t municipality = 0) {
    OrganisationSpec o;
    o.id = id;
    o.name = id;
    o.kind = kind;
    o.municipality = municipality;
    o.programme_places = places;
    o.social_jobs = jobs;
    o.cash = pln_to_grosze(cash_pln);
    spec_.organisations.push_back(o);
    return static_cast<std::uint32_t>(spec_.organisations.size() - 1);
  }
  OrganisationSpec& last_org() { return spec_.organisations.back(); }

  SpecBuilder& people(std::int64_t count, std::uint32_t municipality = 0, PersonState state = PersonState::Excluded,
                      std::uint32_t placement = 0, std::uint8_t groups = kLongTermUnemployed) {
    spec_.people.push_back(PeopleSpec{groups, municipality, count, state, placement});
    return *this;
  }
  SpecBuilder& tie(std::uint32_t a, std::uint32_t b, TieKind kind, int start = 0, int end = kOpenEnded) {
    spec_.ties.push_back(TieSpec{a, b, kind, 0.5, start, end});
    return *this;
  }
  SpecBuilder& param(const std::string& name, double value) {
    spec_.params.set(name, value);
    return *this;
  }
  SpecBuilder& replicates(int r) {
    spec_.replicates = r;
    return *this;
  }
  SpecBuilder& seed(std::uint64_t s) {
    spec_.seed = s;
    return *this;
  }
  ScenarioSpec& spec() { return spec_; }
  [[nodiscard]] ScenarioSpec build() const { return spec_; }

 private:
  ScenarioSpec spec_;
};

// Sets every reintegration rate to zero so a test can switch on just the flow it studies.
inline SpecBuilder& quiet_reintegration(SpecBuilder& b) {
  for (const char* rate :
       {"referral_rate", "completion_rate", "dropout_rate", "placement_probability", "direct_hire_rate",
        "open_market_rate", "social_job_loss_rate", "open_relapse_rate", "shelter_entry_rate", "shelter_exit_rate",
        "flat_entry_rate", "flat_exit_rate", "flat_dropout_rate"}) {
    b.param(std::string("reintegration.") + rate, 0.0);
  }
  return b;
}

// Social cooperatives without costs, shocks, foundings or the members rule, for tests of
// other mechanisms that use cooperatives only as employers or sellers.
inline SpecBuilder& quiet_cooperatives(SpecBuilder& b) {
  for (const char* name : {"wage_pln", "subsidy_per_worker_pln", "fixed_overhead_pln", "overhead_share",
                           "failure_hazard", "founding_rate", "min_members"}) {
    b.param(std::string("cooperatives.") + name, 0.0);
  }
  return b;
}

}  // namespace partnersim::testing
