// Synthetic worlds: a `generator` section of a scenario describes a country (regions,
// municipalities, organisations by kind, excluded people, tie rules, buyers and markets)
// instead of listing it item by item. The generator fills the same ScenarioSpec the parser
// fills, deterministically from the scenario's seed (Philox streams only), so every module
// runs unchanged. docs/SCENARIO.md (section "generator") documents the format and the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/kinds.h"
#include "sim/spec.h"

namespace partnersim {

inline constexpr double kMinGeneratorScale = 0.01;
inline constexpr double kMaxGeneratorScale = 4.0;

struct GeneratedRegion {
  std::string name;        // e.g. "mazowieckie"
  int municipalities = 0;  // gminas in the region (not scaled)
  double population = 0;   // millions; weights the region's municipalities
};

// How many organisations of a kind exist and what each one looks like. Numeric fields are
// means: an organisation gets floor(mean) plus one with probability frac(mean).
struct GeneratedKind {
  enum class Spread : std::uint8_t { PerMunicipality, PerRegion, National };
  OrgKind kind = OrgKind::Ngo;
  Spread spread = Spread::National;
  std::int64_t count = 0;                // per municipality, per region, or the national total at scale 1
  bool scaled = true;                    // multiply the count by the scale (national totals only)
  bool founded_by_municipality = false;  // a founding tie from its municipality's city hall
  bool sectored = false;                 // draws a service sector; otherwise "none"
  double staff = 0;
  double programme_places = 0;
  double social_jobs = 0;
  double members = 0;
  double shelter_places = 0;
  double flat_places = 0;
  double quality = 0.5;
  double cash_pln = 0;
  double cash_pln_per_million = 0;  // added: per million inhabitants of its municipality, x scale
  double rent_pln = 0;
  double dividend_pln = 0;
};

struct GeneratedPeopleGroup {
  std::uint8_t groups = 0;  // PersonGroup bit set
  double share = 0;         // of all excluded people
  PersonState state = PersonState::Excluded;
};

// Each organisation of kind `source` ties to about `per_source` organisations of kind
// `target` found within its own municipality, region or the whole country.
struct GeneratedTieRule {
  enum class Within : std::uint8_t { Municipality, Region, Country };
  OrgKind source = OrgKind::Ngo;
  OrgKind target = OrgKind::Ngo;
  TieKind kind = TieKind::Partnership;
  double per_source = 0;
  Within within = Within::Municipality;
  double strength = 0.5;  // mean; drawn uniformly in [0.5, 1.5] x strength, capped at 1
};

struct GeneratorConfig {
  double scale = 1.0;
  double municipality_size_spread = 0.8;  // sigma of the log-normal municipal population weights
  std::vector<GeneratedRegion> regions;
  std::vector<std::string> sectors;  // service sectors of cooperatives, businesses, buyers and markets
  std::vector<GeneratedKind> kinds;
  std::int64_t new_cooperative_slots = 0;  // latent cooperatives, national, scaled
  std::int64_t people = 0;                 // excluded people at scale 1
  std::vector<GeneratedPeopleGroup> people_groups;
  std::vector<GeneratedTieRule> ties;
  // Public buyers: every organisation of kind buyer_kind tenders, in every sector, its share
  // (by municipal population) of buyer_yearly_pln (national, per sector, scale 1).
  bool has_buyers = false;
  OrgKind buyer_kind = OrgKind::Municipality;
  double buyer_yearly_pln = 0;
  double social_clause_share = 0;
  double reserved_share = 0;
  int contract_months = 12;
  // Private demand: every municipality, every sector, its share of market_monthly_pln.
  double market_monthly_pln = 0;
};

// What the generator made of a config (for tests and docs): counts it promises.
struct GeneratedCounts {
  std::int64_t organisations = 0;  // listed, not latent
  std::int64_t latent = 0;
  std::int64_t people = 0;
};

// Expected number of organisations of one kind entry (before any randomness).
std::int64_t generated_count(const GeneratorConfig& config, const GeneratedKind& kind);

namespace scenario_detail {
class Reader;
class Map;
struct Value;
}  // namespace scenario_detail

// Reads a `generator` section (checking that the top level lists none of the sections it
// generates) and generates the world into `spec`, at `scale` instead of the section's own if
// given; errors point at the offending key.
void generate_from_section(const scenario_detail::Reader& reader, const scenario_detail::Map& top,
                           const scenario_detail::Value& section, ScenarioSpec& spec,
                           std::optional<double> scale = std::nullopt);
GeneratorConfig read_generator(const scenario_detail::Reader& reader, const scenario_detail::Value& section);

// Fills municipalities, sectors, organisations (then latent slots), people, ties, buyers
// and markets of `spec` (which must have them empty and its seed set). Throws
// std::invalid_argument on a config that cannot be generated.
void generate_world(const GeneratorConfig& config, ScenarioSpec& spec);

}  // namespace partnersim
