// Funding programmes: municipal grants, donations, capital grants, in-kind premises and
// investments by municipal companies pay fixed awards; EU calls are competitive (eligible
// organisations apply, partnerships win more often, winners run fixed-length projects);
// start-up grants go to new social cooperatives and are repaid on early liquidation.
// Programme places stop when their funding ends (the funding cliff) unless the city takes
// a project over. Municipal companies pay dividends to their owners, except during a
// dividend holiday granted for an investment.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "sim/module.h"

namespace partnersim::models {

class Funding final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  struct Params {
    double application_rate = 0.5;
    double takeover_probability = 0.2;
    double takeover_probability_pact = 0.6;
    Grosze place_cost = 0;
    int takeover_months = 0;
    double project_tie_strength = 0.5;
  };

 private:
  struct ProgrammeState {
    Account payer;
    Grosze remaining = 0;
    bool started = false;             // first month handled (one-off awards, call opened)
    std::vector<std::uint8_t> given;  // startup_grant: per organisation, grant already paid
  };
  // A won EU project: pays the winner and funds places for [start, end), then may be taken
  // over by the city for [end, takeover_end).
  struct Project {
    std::uint32_t programme = 0;
    std::uint32_t winner = 0;
    int start = 0;
    int end = 0;
    enum class State : std::uint8_t { Running, TakenOver, Ended } state = State::Running;
    int takeover_end = 0;
  };
  // A start-up grant that must be repaid if the cooperative is liquidated before keep_until.
  struct StartupObligation {
    std::uint32_t programme = 0;
    std::uint32_t organisation = 0;
    Account payer;
    Grosze amount = 0;
    int keep_until = 0;
  };
  // This month's money by purpose, for the metrics.
  struct Month {
    Grosze paid = 0;
    Grosze missed = 0;
    Grosze public_spending = 0;
    Grosze public_grants = 0;
    Grosze eu_projects = 0;
    Grosze startup_grants = 0;
    Grosze capital_grants = 0;
    Grosze investments = 0;
    Grosze donations = 0;
    Grosze private_money = 0;
    Grosze repaid = 0;
    Grosze dividends_paid = 0;
    Grosze dividends_forgone = 0;
    Grosze dividends_missed = 0;
    Grosze in_kind_value = 0;
    std::int64_t funded_places = 0;
    std::int64_t programmes_active = 0;
    std::int64_t projects_active = 0;
    std::int64_t applications = 0;
    std::int64_t projects_won = 0;
    std::int64_t projects_ended = 0;
    std::int64_t taken_over = 0;
  };

  // Pays `amount` for programme k from `payer` if the budget (when `budgeted`) and the
  // payer's cash allow it, else records it as missed. Returns whether it was paid.
  bool pay(World& world, std::size_t k, Account payer, std::uint32_t recipient, Grosze amount, Channel channel,
           bool budgeted);
  void run_awards(World& world, std::size_t k, bool first_month);
  void open_call(World& world, std::size_t k);
  void run_projects(World& world);
  void run_startup_grants(World& world, std::size_t k);
  void settle_repayments(World& world);
  void pay_dividends(World& world);

  Params p_;
  std::vector<ProgrammeState> programmes_;
  std::vector<Project> projects_;
  std::vector<StartupObligation> obligations_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> proposed_;  // partnership ties proposed this month
  Month month_;
  Grosze public_cumulative_ = 0;
  Grosze private_cumulative_ = 0;
  Grosze forgone_cumulative_ = 0;
};

ModuleInfo funding_module_info();

}  // namespace partnersim::models
