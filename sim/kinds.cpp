#include "sim/kinds.h"

namespace partnersim {

namespace {

constexpr std::array<std::string_view, kOrgKindCount> kOrgKindNames = {"municipality",
                                                                       "social_assistance_centre",
                                                                       "labour_office",
                                                                       "regional_centre",
                                                                       "municipal_company",
                                                                       "ngo",
                                                                       "social_cooperative",
                                                                       "business",
                                                                       "support_centre",
                                                                       "reintegration_centre",
                                                                       "donor",
                                                                       "church"};
constexpr std::array<std::string_view, kTieKindCount> kTieKindNames = {
    "partnership", "contract", "grant", "founding", "referral", "in_kind", "consortium", "informal"};
constexpr std::array<std::string_view, kPersonStateCount> kStateNames = {
    "excluded", "in_programme", "employed_social", "employed_open", "street", "shelter", "training_flat"};
constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "opening_balance", "grant", "eu_project", "startup_grant", "capital_grant", "donation", "subsidy",   "contract",
    "sales",           "wages", "rent",       "overheads",     "investment",    "dividend", "repayment", "transfer"};
constexpr std::array<std::string_view, kPersonGroupCount> kGroupNames = {
    "long_term_unemployed", "homeless",    "disabled", "addicted",
    "mentally_ill",         "ex_prisoner", "refugee",  "care_leaver"};

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string join_names(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += (i + 1 == N) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string_view name_of(OrgKind k) { return kOrgKindNames.at(static_cast<std::size_t>(k)); }
std::string_view name_of(TieKind k) { return kTieKindNames.at(static_cast<std::size_t>(k)); }
std::string_view name_of(PersonState s) { return kStateNames.at(static_cast<std::size_t>(s)); }
std::string_view name_of(Channel c) { return kChannelNames.at(static_cast<std::size_t>(c)); }

SectorClass sector_class(OrgKind k) {
  switch (k) {
    case OrgKind::Municipality:
    case OrgKind::SocialAssistanceCentre:
    case OrgKind::LabourOffice:
    case OrgKind::RegionalCentre:
    case OrgKind::MunicipalCompany:
      return SectorClass::Public;
    case OrgKind::Business:
      return SectorClass::Private;
    default:
      return SectorClass::Civil;
  }
}

bool is_social_economy(OrgKind k) {
  return k == OrgKind::SocialCooperative || k == OrgKind::Ngo || k == OrgKind::ReintegrationCentre;
}
std::string_view group_name(std::size_t bit_index) { return kGroupNames.at(bit_index); }

std::optional<OrgKind> org_kind_from(std::string_view name) { return lookup<OrgKind>(kOrgKindNames, name); }
std::optional<TieKind> tie_kind_from(std::string_view name) { return lookup<TieKind>(kTieKindNames, name); }
std::optional<PersonState> person_state_from(std::string_view name) { return lookup<PersonState>(kStateNames, name); }
std::optional<std::uint8_t> person_group_from(std::string_view name) {
  for (std::size_t i = 0; i < kPersonGroupCount; ++i) {
    if (kGroupNames[i] == name) return static_cast<std::uint8_t>(1U << i);
  }
  return std::nullopt;
}

std::string org_kind_names() { return join_names(kOrgKindNames); }
std::string tie_kind_names() { return join_names(kTieKindNames); }
std::string person_state_names() { return join_names(kStateNames); }
std::string person_group_names() { return join_names(kGroupNames); }

}  // namespace partnersim
