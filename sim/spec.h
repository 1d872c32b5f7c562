// The validated, immutable description of a scenario. Produced only by the scenario parser
// (sim/scenario), consumed by the world builder and the modules. References between items
// are already resolved to indices, dates to steps, amounts to grosze.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sim/clock.h"
#include "sim/kinds.h"
#include "sim/money.h"
#include "sim/params.h"

namespace partnersim {

inline constexpr int kOpenEnded = std::numeric_limits<int>::max();

struct Metadata {
  std::string name;
  std::string description;
  std::vector<std::string> sources;
};

struct OrganisationSpec {
  std::string id;  // short stable identifier used in references
  std::string name;
  OrgKind kind = OrgKind::Ngo;
  std::uint32_t sector = 0;        // index into ScenarioSpec::sectors
  std::uint32_t municipality = 0;  // index into ScenarioSpec::municipalities
  int founded_step = 0;            // may be negative: founded before the run
  int closed_step = kOpenEnded;    // first step it no longer exists
  Grosze cash = 0;                 // opening balance
  int staff = 0;                   // employees not from excluded groups
  int programme_places = 0;        // own (unfunded) reintegration places
  int social_jobs = 0;             // positions for excluded workers
};

// `count` people of the given groups living in one municipality, all starting in `state`.
struct PeopleSpec {
  std::uint8_t groups = 0;
  std::uint32_t municipality = 0;
  std::int64_t count = 0;
  PersonState state = PersonState::Excluded;
  std::uint32_t placement = 0;  // org index for in_programme / employed_social; else unused
};

struct TieSpec {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  TieKind kind = TieKind::Partnership;
  double strength = 0.5;  // in [0, 1]
  int start_step = 0;
  int end_step = kOpenEnded;  // first step the tie no longer holds
};

// A recipient of a funding programme: money each month and funded programme places.
struct AwardSpec {
  std::uint32_t organisation = 0;
  Grosze monthly = 0;
  int places = 0;
};

// Either an organisation of the scenario pays (funder set) or an outside source does
// (external_source names the account, e.g. "ESF", "state budget").
struct FundingProgrammeSpec {
  std::string id;
  std::string name;
  std::optional<std::uint32_t> funder;
  std::string external_source;
  int start_step = 0;
  int end_step = 0;  // first step without funding
  Grosze budget = 0;
  std::vector<AwardSpec> awards;
};

enum class EventAction : std::uint8_t { AddTie, EndTie, CloseOrganisation, Transfer, SetParameter };

struct EventSpec {
  int step = 0;
  EventAction action = EventAction::AddTie;
  std::string note;
  // add_tie / end_tie / transfer: source and target organisations.
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  TieKind tie_kind = TieKind::Partnership;
  double strength = 0.5;
  int tie_end_step = kOpenEnded;
  // transfer: amount paid; when the payer is outside the scenario, external_source names it.
  Grosze amount = 0;
  std::string external_source;
  bool from_external = false;
  // close_organisation: target. set_parameter: "module.param" and value.
  std::string parameter;
  double value = 0.0;
};

struct OutputSpec {
  int tie_snapshot_every = 12;  // steps between /ties snapshots (the last step is always written)
};

struct ScenarioSpec {
  Metadata metadata;
  YearMonth start;
  int steps = 0;
  std::uint64_t seed = 0;
  int replicates = 1;
  OutputSpec output;

  std::vector<std::string> municipalities;
  std::vector<std::string> sectors;  // index 0 is "none"
  std::vector<OrganisationSpec> organisations;
  std::vector<PeopleSpec> people;
  std::vector<TieSpec> ties;
  std::vector<FundingProgrammeSpec> programmes;
  std::vector<EventSpec> events;  // sorted by step, then file order
  ParamSet params;                // every registered parameter, resolved

  std::string source_path;  // the file it came from
  std::string source_text;  // the file verbatim, stored in every result

  [[nodiscard]] Clock clock() const { return Clock(start, steps); }
  [[nodiscard]] std::int64_t people_count() const {
    std::int64_t n = 0;
    for (const auto& p : people) n += p.count;
    return n;
  }
};

}  // namespace partnersim
