#include "models/events/events.h"

#include <algorithm>

#include "sim/registry.h"

namespace partnersim::models {

namespace {
constexpr std::uint64_t kProposer = 1ULL << 40;  // this module's slot among edit proposers
}

void ScheduledEvents::setup(World& /*world*/) { next_ = 0; }

// Every pair of signatories gets a partnership tie (an existing one is raised to the
// pact's strength); the pact itself slows the decay of their ties (models/cooperation).
void ScheduledEvents::sign_pact(World& world, const EventSpec& e, std::uint32_t sequence) {
  Pact pact{e.note, e.step, e.signatories};
  std::sort(pact.signatories.begin(), pact.signatories.end());
  OrgGraph& g = world.mutable_graph();
  std::uint32_t pair = 0;
  for (std::size_t x = 0; x < pact.signatories.size(); ++x) {
    for (std::size_t y = x + 1; y < pact.signatories.size(); ++y) {
      const std::uint32_t a = pact.signatories[x];
      const std::uint32_t b = pact.signatories[y];
      bool tied = false;
      for (auto [u, v] : {std::pair{a, b}, std::pair{b, a}}) {
        for (auto edge : boost::make_iterator_range(boost::out_edges(u, g))) {
          Tie& tie = g[edge];
          if (boost::target(edge, g) == v && tie.kind == TieKind::Partnership && tie.active_at(e.step)) {
            tie.strength = std::max(tie.strength, static_cast<float>(e.strength));
            tied = true;
          }
        }
      }
      if (!tied) {
        world.propose({GraphEdit::Type::AddTie, kProposer | sequence, pair++, a, b,
                       Tie{TieKind::Partnership, static_cast<float>(e.strength), e.step, kOpenEnded}});
      }
    }
  }
  world.log("pact_signed", pact.signatories.empty() ? kNoOrganisation : pact.signatories.front(), kNoOrganisation, 0,
            e.note);
  world.add_pact(std::move(pact));
}

void ScheduledEvents::step(Phase /*phase*/, World& world) {
  const auto& events = world.spec().events;
  applied_ = 0;
  while (next_ < events.size() && events[next_].step <= world.step()) {
    const EventSpec& e = events[next_];
    const auto sequence = static_cast<std::uint32_t>(next_++);
    if (e.step < world.step()) continue;  // before the run (cannot happen with a validated spec)
    ++applied_;
    switch (e.action) {
      case EventAction::AddTie:
        world.propose({GraphEdit::Type::AddTie, kProposer, sequence, e.source, e.target,
                       Tie{e.tie_kind, static_cast<float>(e.strength), e.step, e.tie_end_step}});
        break;
      case EventAction::EndTie:
        world.propose({GraphEdit::Type::EndTie, kProposer, sequence, e.source, e.target, Tie{e.tie_kind}});
        break;
      case EventAction::CloseOrganisation:
        world.close_organisation(e.target, "organisation_closed", e.note);
        break;
      case EventAction::Transfer: {
        const Account from =
            e.from_external ? Account::external(world.external_account(e.external_source)) : Account::org(e.source);
        world.transfer(from, Account::org(e.target), e.amount, Channel::Transfer);
        world.log("transfer", e.from_external ? kNoOrganisation : e.source, e.target, e.amount,
                  e.from_external ? e.external_source + (e.note.empty() ? "" : ": " + e.note) : e.note);
        break;
      }
      case EventAction::FoundOrganisation: {
        world.found_organisation(e.target, e.founders, e.note);
        if (e.amount > 0) {
          const Account from =
              e.from_external ? Account::external(world.external_account(e.external_source)) : Account::org(e.source);
          world.transfer(from, Account::org(e.target), e.amount, Channel::Grant);
          world.log("grant", e.from_external ? kNoOrganisation : e.source, e.target, e.amount, "founding grant");
        }
        if (e.rent_free_months > 0) world.org(e.target).rent_free_until = e.step + e.rent_free_months;
        break;
      }
      case EventAction::SignPact:
        sign_pact(world, e, sequence);
        break;
      case EventAction::StartProgramme:
        world.set_programme_window(e.programme, e.step, world.programme_window(e.programme).second);
        world.log("programme_switched_on", kNoOrganisation, kNoOrganisation, 0,
                  world.spec().programmes[e.programme].name);
        break;
      case EventAction::EndProgramme:
        world.set_programme_window(e.programme, world.programme_window(e.programme).first, e.step);
        world.log("programme_switched_off", kNoOrganisation, kNoOrganisation, 0,
                  world.spec().programmes[e.programme].name);
        break;
      case EventAction::SetCapacity: {
        // Lowering a size below its occupants is handled by the module that runs them
        // (reintegration lays off workers beyond the jobs left).
        Organisation& o = world.org(e.target);
        if (e.social_jobs != EventSpec::kUnchanged) o.social_jobs = e.social_jobs;
        if (e.programme_places != EventSpec::kUnchanged) o.own_places = e.programme_places;
        if (e.shelter_places != EventSpec::kUnchanged) o.shelter_places = e.shelter_places;
        if (e.flat_places != EventSpec::kUnchanged) o.flat_places = e.flat_places;
        world.log("capacity_set", kNoOrganisation, e.target, 0, e.note);
        break;
      }
      case EventAction::SetParameter:
        world.set_param(e.parameter, e.value);
        world.log("parameter_set", kNoOrganisation, kNoOrganisation, 0, e.parameter + "=" + std::to_string(e.value));
        break;
    }
  }
}

void ScheduledEvents::observe(const World& /*world*/, std::span<double> out) const { out[0] = applied_; }

ModuleInfo events_module_info() {
  ModuleInfo info;
  info.name = "events";
  info.doc = "Applies the scenario's scheduled events on their month.";
  info.order = 0;
  info.phases = {Phase::Events};
  info.metrics = {{"events_applied", "events/month", "Scheduled events of the scenario applied this month"}};
  info.make = [] { return std::make_unique<ScheduledEvents>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(events_module_info)

void ScheduledEvents::save_state(StateWriter& out) const {
  out.put(static_cast<std::uint64_t>(next_));
  out.put(applied_);
}

void ScheduledEvents::restore_state(StateReader& in) {
  next_ = static_cast<std::size_t>(in.get<std::uint64_t>());
  in.get(applied_);
}

}  // namespace partnersim::models
