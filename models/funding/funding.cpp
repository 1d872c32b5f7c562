#include "models/funding/funding.h"

#include "sim/registry.h"

namespace partnersim::models {

void Funding::setup(World& world) {
  programmes_.clear();
  for (const auto& prog : world.spec().programmes) {
    const Account payer =
        prog.funder ? Account::org(*prog.funder) : Account::external(world.external_account(prog.external_source));
    programmes_.push_back({payer, prog.budget});
  }
}

void Funding::step(Phase /*phase*/, World& world) {
  const int step = world.step();
  for (std::uint32_t o = 0; o < world.organisation_count(); ++o) world.org(o).funded_places = 0;
  paid_ = 0;
  unpaid_ = 0;
  funded_places_ = 0;
  active_ = 0;
  const auto& specs = world.spec().programmes;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const FundingProgrammeSpec& prog = specs[k];
    ProgrammeState& state = programmes_[k];
    const auto funder_index = prog.funder.value_or(kNoOrganisation);
    const auto [start, end] = world.programme_window(k);
    if (step == end) world.log("programme_ended", funder_index, kNoOrganisation, 0, prog.name);
    if (step < start || step >= end) continue;
    if (step == start) world.log("programme_started", funder_index, kNoOrganisation, prog.budget, prog.name);
    ++active_;
    for (const AwardSpec& award : prog.awards) {
      Organisation& recipient = world.org(award.organisation);
      if (!recipient.alive) continue;
      recipient.funded_places += award.places;
      funded_places_ += award.places;
      if (award.monthly == 0) continue;
      // A payer organisation cannot pay what it does not hold; an outside source can, up to
      // the programme's remaining budget.
      const bool payer_short =
          state.payer.type == Account::Type::Organisation && world.org(state.payer.index).cash < award.monthly;
      if (state.remaining < award.monthly || payer_short) {
        unpaid_ += award.monthly;
        world.log("payment_missed", funder_index, award.organisation, award.monthly, prog.name);
        continue;
      }
      world.transfer(state.payer, Account::org(award.organisation), award.monthly, Channel::Grant);
      state.remaining -= award.monthly;
      paid_ += award.monthly;
    }
  }
}

void Funding::observe(const World& /*world*/, std::span<double> out) const {
  out[0] = grosze_to_pln(paid_);
  out[1] = grosze_to_pln(unpaid_);
  out[2] = static_cast<double>(funded_places_);
  out[3] = static_cast<double>(active_);
}

ModuleInfo funding_module_info() {
  ModuleInfo info;
  info.name = "funding";
  info.doc = "Funding programmes pay their recipients monthly and fund programme places while they run.";
  info.order = 20;
  info.phases = {Phase::Funding};
  info.metrics = {
      {"funding_paid_pln", "PLN/month", "Money paid by funding programmes to recipients this month"},
      {"funding_missed_pln", "PLN/month", "Payments due this month that the budget or the payer could not cover"},
      {"funded_places", "places", "Programme places paid by running funding programmes this month"},
      {"programmes_active", "programmes", "Funding programmes running this month"},
  };
  info.make = [] { return std::make_unique<Funding>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(funding_module_info)

}  // namespace partnersim::models
