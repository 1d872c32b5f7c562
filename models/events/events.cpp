#include "models/events/events.h"

#include "sim/registry.h"

namespace partnersim::models {

namespace {
constexpr std::uint64_t kProposer = 1ULL << 40;  // this module's slot among edit proposers
}

void ScheduledEvents::setup(World& /*world*/) { next_ = 0; }

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
      case EventAction::CloseOrganisation: {
        Organisation& org = world.org(e.target);
        if (org.alive) {
          org.alive = false;
          org.closed_step = e.step;
          world.log("organisation_closed", e.target, kNoOrganisation, 0, e.note.empty() ? org.name : e.note);
        }
        break;
      }
      case EventAction::Transfer: {
        const Account from =
            e.from_external ? Account::external(world.external_account(e.external_source)) : Account::org(e.source);
        world.transfer(from, Account::org(e.target), e.amount, e.note);
        world.log("transfer", e.from_external ? kNoOrganisation : e.source, e.target, e.amount,
                  e.from_external ? e.external_source + (e.note.empty() ? "" : ": " + e.note) : e.note);
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

}  // namespace partnersim::models
