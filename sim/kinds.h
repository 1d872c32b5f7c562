// The domain's closed vocabularies: kinds of organisation, kinds of tie, groups and states
// of excluded people. Each has one table of names used by the parser, the output and docs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace partnersim {

enum class OrgKind : std::uint8_t {
  Municipality,            // city hall / gmina
  SocialAssistanceCentre,  // MOPS / MOPR
  LabourOffice,            // PUP (county labour office)
  RegionalCentre,          // ROPS (regional centre of social policy)
  MunicipalCompany,        // e.g. AQUA Sopot
  Ngo,                     // association or foundation
  SocialCooperative,
  Business,
  SupportCentre,        // OWES, incubator
  ReintegrationCentre,  // CIS / KIS
  Donor,                // e.g. a Rotary club
  Church,               // church legal person (Caritas)
};
inline constexpr std::size_t kOrgKindCount = 12;

enum class TieKind : std::uint8_t {
  Partnership,
  Contract,
  Grant,
  Founding,  // founding member / owner of the target
  Referral,  // source refers excluded people to the target
  InKind,    // premises, equipment, staff time
  Consortium,
  Informal,
};
inline constexpr std::size_t kTieKindCount = 8;

// Groups are a bit set: a person can be homeless and disabled at once.
enum PersonGroup : std::uint8_t {
  kLongTermUnemployed = 1U << 0,
  kHomeless = 1U << 1,
  kDisabled = 1U << 2,
  kAddicted = 1U << 3,
  kMentallyIll = 1U << 4,
  kExPrisoner = 1U << 5,
  kRefugee = 1U << 6,
  kCareLeaver = 1U << 7,
};
inline constexpr std::size_t kPersonGroupCount = 8;

enum class PersonState : std::uint8_t {
  Excluded,        // housed, out of work, not in a programme
  InProgramme,     // CIS/KIS or NGO reintegration programme with a funded place
  EmployedSocial,  // job at a social cooperative, municipal company brigade or social business
  EmployedOpen,    // job on the open labour market
  Street,          // homeless, sleeping rough or in an encampment
  Shelter,         // homeless, in a night shelter or homeless house
  TrainingFlat,    // in a social flat with training support, on the way to own housing
};
inline constexpr std::size_t kPersonStateCount = 7;

// Where money comes from or goes to, by purpose. Every transfer names one.
enum class Channel : std::uint8_t {
  OpeningBalance,
  Grant,         // municipal or other grant to an organisation
  EuProject,     // ESF-style project funding
  StartupGrant,  // Labour Fund / support-centre grant per member or job of a new cooperative
  CapitalGrant,  // government capital grant
  Donation,
  Subsidy,   // wage and social-insurance subsidies for excluded workers
  Contract,  // public procurement payments
  Sales,     // market revenue
  Wages,
  Rent,
  Overheads,
  Investment,  // capital spent on a building or equipment
  Dividend,    // municipal company -> owner
  Repayment,   // grant repaid when its obligation is broken
  Transfer,    // a scheduled transfer without a more specific purpose
};
inline constexpr std::size_t kChannelCount = 16;

// The three sectors of the partnership literature; a tie between two is cross-sector.
enum class SectorClass : std::uint8_t { Public, Civil, Private };
SectorClass sector_class(OrgKind k);
bool is_social_economy(OrgKind k);  // may bid for reserved contracts: cooperatives, NGOs, CIS

std::string_view name_of(OrgKind k);
std::string_view name_of(TieKind k);
std::string_view name_of(PersonState s);
std::string_view name_of(Channel c);
std::string_view group_name(std::size_t bit_index);

std::optional<OrgKind> org_kind_from(std::string_view name);
std::optional<TieKind> tie_kind_from(std::string_view name);
std::optional<PersonState> person_state_from(std::string_view name);
std::optional<std::uint8_t> person_group_from(std::string_view name);  // one bit

// "a, b or c" lists of every valid name, for error messages and docs.
std::string org_kind_names();
std::string tie_kind_names();
std::string person_state_names();
std::string person_group_names();

}  // namespace partnersim
