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
// founded_step of a latent organisation: a slot that a module may found during the run.
inline constexpr int kNotFounded = std::numeric_limits<int>::max() - 1;

struct Metadata {
  std::string name;
  std::string description;
  std::vector<std::string> sources;
};

struct OrganisationSpec {
  std::string id;  // short stable identifier used in references
  std::string name;
  OrgKind kind = OrgKind::Ngo;
  std::uint32_t sector = 0;             // index into ScenarioSpec::sectors
  std::uint32_t municipality = 0;       // index into ScenarioSpec::municipalities
  int founded_step = 0;                 // may be negative: founded before the run
  int closed_step = kOpenEnded;         // first step it no longer exists
  Grosze cash = 0;                      // opening balance
  int staff = 0;                        // employees not from excluded groups
  int programme_places = 0;             // own (unfunded) reintegration places
  int social_jobs = 0;                  // positions for excluded workers
  int members = 0;                      // cooperative members who are natural persons
  int shelter_places = 0;               // night-shelter / homeless-house beds
  int flat_places = 0;                  // places in social flats with training support
  double quality = 0.5;                 // [0, 1]
  Grosze rent = 0;                      // monthly
  Grosze dividend = 0;                  // monthly dividend to its owner (municipal companies)
  std::vector<std::uint32_t> founders;  // founding members that are organisations (founding ties)
  bool latent = false;                  // a slot for a cooperative founded during the run
};

// `count` people of the given groups living in one municipality, all starting in `state`.
struct PeopleSpec {
  std::uint8_t groups = 0;
  std::uint32_t municipality = 0;
  std::int64_t count = 0;
  PersonState state = PersonState::Excluded;
  // org index for in_programme, employed_social, shelter and training_flat; else unused
  std::uint32_t placement = 0;
};

struct TieSpec {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  TieKind kind = TieKind::Partnership;
  double strength = 0.5;  // in [0, 1]
  int start_step = 0;
  int end_step = kOpenEnded;  // first step the tie no longer holds
};

// A recipient of a funding programme.
struct AwardSpec {
  std::uint32_t organisation = 0;
  Grosze monthly = 0;        // paid every month the programme runs
  Grosze amount = 0;         // paid once, in the programme's first month
  int places = 0;            // programme places funded while it runs
  int rent_free_months = 0;  // in_kind: premises free of charge from the first month
};

enum class ProgrammeKind : std::uint8_t {
  Grant,         // fixed awards: monthly payments, one-off amounts, funded places
  EuCall,        // competitive call: eligible organisations apply, winners run fixed-length projects
  StartupGrant,  // per member / per job for cooperatives founded while it runs; kept N months or repaid
  CapitalGrant,  // one-off capital to named recipients
  Donation,      // one-off or monthly private money
  InKind,        // free premises (rent waived) for N months
  Investment,    // a municipal company invests, repaid by a dividend holiday of N months
};

// Either an organisation of the scenario pays (funder set) or an outside source does
// (external_source names the account, e.g. "ESF", "state budget").
struct FundingProgrammeSpec {
  std::string id;
  std::string name;
  ProgrammeKind kind = ProgrammeKind::Grant;
  std::optional<std::uint32_t> funder;
  std::string external_source;
  int start_step = 0;
  int end_step = 0;  // first step without funding
  Grosze budget = 0;
  std::vector<AwardSpec> awards;

  // eu_call
  std::uint32_t eligible_kinds = 0;  // bit (1 << OrgKind)
  int duration_months = 24;
  Grosze project_value = 0;  // per winning project, paid in equal monthly parts
  int places_per_project = 0;
  double win_probability = 0.15;
  double partnership_bonus = 0.1;            // added to the win probability of applicants with partners
  std::optional<std::uint32_t> takeover_by;  // who may carry a project on when it ends (the city)

  // startup_grant
  Grosze per_member = 0;
  Grosze per_job = 0;
  int keep_months = 12;

  // investment: the funder (a municipal company) pays `amount` of its awards and forgoes
  // dividends for this many months from the start
  int dividend_holiday_months = 0;
};

// A public buyer's yearly demand in one service sector.
struct DemandSpec {
  std::uint32_t sector = 0;
  Grosze yearly = 0;
};

struct BuyerSpec {
  std::uint32_t organisation = 0;
  std::vector<DemandSpec> demand;
  double social_clause_share = 0.0;  // share of lots tendered with social clauses
  double reserved_share = 0.0;       // share of lots reserved for social-economy bidders
  int contract_months = 12;
  int tender_month = 1;  // calendar month (1-12) of the yearly tender round
};

// Private customers' monthly demand for one sector in one municipality.
struct MarketSpec {
  std::uint32_t municipality = 0;
  std::uint32_t sector = 0;
  Grosze monthly = 0;
};

enum class EventAction : std::uint8_t {
  AddTie,
  EndTie,
  CloseOrganisation,
  Transfer,
  SetParameter,
  FoundOrganisation,  // target opens now, founders tie to it, optional grant and free premises
  SignPact,           // signatories tie to each other; their ties decay slower
  StartProgramme,     // programme runs from now (overrides its start)
  EndProgramme,       // programme stops now (overrides its end)
  SetCapacity,        // target's places or jobs change from now (kUnchanged: left as they are)
};

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
  // found_organisation: target, founders, grant (amount from source / external_source),
  // rent_free_months. sign_pact: signatories (note is the pact's name), strength.
  std::vector<std::uint32_t> founders;
  std::vector<std::uint32_t> signatories;
  int rent_free_months = 0;
  // start_programme / end_programme
  std::uint32_t programme = 0;
  // set_capacity: new sizes of the target; kUnchanged leaves one as it is.
  static constexpr int kUnchanged = -1;
  int social_jobs = kUnchanged;
  int programme_places = kUnchanged;
  int shelter_places = kUnchanged;
  int flat_places = kUnchanged;
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
  std::vector<BuyerSpec> buyers;
  std::vector<MarketSpec> markets;
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
