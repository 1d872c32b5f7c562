#include "sim/scenario/generator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

#include "sim/random.h"
#include "sim/scenario/parser.h"
#include "sim/scenario/yaml_reader.h"

namespace partnersim {

namespace {

constexpr auto kMunicipalitySize = purpose("generator.municipality_size");
constexpr auto kPlace = purpose("generator.place");
constexpr auto kFields = purpose("generator.fields");
constexpr auto kSlots = purpose("generator.slots");
constexpr auto kTies = purpose("generator.ties");
constexpr auto kTender = purpose("generator.tender_month");
constexpr std::size_t kMaxMunicipalities = 65535;  // People::municipality is 16-bit
constexpr int kTieRetries = 4;                     // redraws of a target already tied by the same rule

// The generator's streams: replicate 0, step 0 of the seed; the world is the same for
// every replicate (it is part of the spec).
RandomStream stream(std::uint64_t seed, std::uint32_t purpose_id, std::uint64_t agent) {
  return RandomStream(StreamKey{seed, 0}, 0, purpose_id, agent);
}

// floor(mean) plus one with probability frac(mean): an integer whose expectation is mean.
int draw_count(RandomStream& rng, double mean) {
  const double whole = std::floor(mean);
  return static_cast<int>(whole) + (rng.bernoulli(mean - whole) ? 1 : 0);
}

std::int64_t scaled(std::int64_t count, double scale) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(count) * scale));
}

// Splits `total` over `weights` in proportion, exactly (largest remainders, ties to the
// lower index).
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> parts(weights.size(), 0);
  if (total <= 0 || sum <= 0.0) return parts;
  std::vector<std::pair<double, std::size_t>> remainders;
  remainders.reserve(weights.size());
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    parts[i] = static_cast<std::int64_t>(std::floor(exact));
    given += parts[i];
    remainders.emplace_back(exact - static_cast<double>(parts[i]), i);
  }
  std::sort(remainders.begin(), remainders.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (std::size_t r = 0; given < total; ++r, ++given) ++parts[remainders[r % remainders.size()].second];
  return parts;
}

bool hosts_programmes(OrgKind kind) {
  return kind == OrgKind::Ngo || kind == OrgKind::ReintegrationCentre || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::SupportCentre;
}
bool has_social_jobs(OrgKind kind) {
  return kind == OrgKind::SocialCooperative || kind == OrgKind::MunicipalCompany || kind == OrgKind::Business;
}
bool has_housing(OrgKind kind) {
  return kind == OrgKind::Ngo || kind == OrgKind::Church || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::Municipality;
}
bool is_buyer_kind(OrgKind kind) {
  return kind == OrgKind::Municipality || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::MunicipalCompany || kind == OrgKind::LabourOffice || kind == OrgKind::RegionalCentre;
}

// What a kind entry may hold (the same rules as hand-written organisations); empty if fine.
std::string kind_problem(const GeneratedKind& k) {
  const std::string name(name_of(k.kind));
  if (k.programme_places > 0 && !hosts_programmes(k.kind)) return "programme_places is not for kind " + name;
  if (k.social_jobs > 0 && !has_social_jobs(k.kind)) return "social_jobs is not for kind " + name;
  if (k.members > 0 && k.kind != OrgKind::SocialCooperative) return "members is not for kind " + name;
  if ((k.shelter_places > 0 || k.flat_places > 0) && !has_housing(k.kind)) {
    return "shelter_places and flat_places are not for kind " + name;
  }
  if (k.dividend_pln > 0 && k.kind != OrgKind::MunicipalCompany) return "dividend_pln is not for kind " + name;
  return {};
}

// Municipality of the world and where organisations of each kind are.
struct Geography {
  std::vector<std::uint32_t> region_of;                       // per municipality
  std::vector<double> weight;                                 // per municipality: population, millions
  std::vector<std::vector<std::uint32_t>> municipalities_of;  // per region
  std::vector<double> cumulative;                             // of weight, for weighted draws

  [[nodiscard]] std::uint32_t draw_municipality(RandomStream& rng) const {
    const double x = rng.uniform() * cumulative.back();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
    return static_cast<std::uint32_t>(std::min<std::size_t>(it - cumulative.begin(), cumulative.size() - 1));
  }
};

std::string municipality_name(const GeneratedRegion& region, int k) {
  std::string number = std::to_string(k);
  if (number.size() < 3) number.insert(0, 3 - number.size(), '0');
  return region.name + "-" + number;
}

Geography make_geography(const GeneratorConfig& config, ScenarioSpec& spec) {
  Geography geo;
  geo.municipalities_of.resize(config.regions.size());
  for (std::uint32_t r = 0; r < config.regions.size(); ++r) {
    const GeneratedRegion& region = config.regions[r];
    std::vector<double> raw;
    for (int k = 0; k < region.municipalities; ++k) {
      const auto m = static_cast<std::uint32_t>(spec.municipalities.size());
      RandomStream rng = stream(spec.seed, kMunicipalitySize, m);
      // Box-Muller: a standard normal from two uniforms.
      const double u1 = 1.0 - rng.uniform();
      const double u2 = rng.uniform();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
      raw.push_back(std::exp(config.municipality_size_spread * z));
      spec.municipalities.push_back(municipality_name(region, k + 1));
      geo.region_of.push_back(r);
      geo.municipalities_of[r].push_back(m);
    }
    const double sum = std::accumulate(raw.begin(), raw.end(), 0.0);
    for (double w : raw) geo.weight.push_back(region.population * w / sum);
  }
  geo.cumulative.resize(geo.weight.size());
  std::partial_sum(geo.weight.begin(), geo.weight.end(), geo.cumulative.begin());
  return geo;
}

std::string id_number(std::int64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

}  // namespace

std::int64_t generated_count(const GeneratorConfig& config, const GeneratedKind& kind) {
  std::int64_t municipalities = 0;
  for (const auto& r : config.regions) municipalities += r.municipalities;
  switch (kind.spread) {
    case GeneratedKind::Spread::PerMunicipality:
      return kind.count * municipalities;
    case GeneratedKind::Spread::PerRegion:
      return kind.count * static_cast<std::int64_t>(config.regions.size());
    case GeneratedKind::Spread::National:
      return kind.scaled ? scaled(kind.count, config.scale) : kind.count;
  }
  return 0;
}

void generate_world(const GeneratorConfig& config, ScenarioSpec& spec) {
  if (config.scale < kMinGeneratorScale || config.scale > kMaxGeneratorScale) {
    throw std::invalid_argument("scale must be in [0.01, 4]");
  }
  if (config.regions.empty()) throw std::invalid_argument("at least one region is needed");
  if (spec.sectors.empty()) spec.sectors = {"none"};
  for (const auto& s : config.sectors) spec.sectors.push_back(s);
  const auto first_sector = static_cast<std::uint32_t>(spec.sectors.size() - config.sectors.size());
  const auto sector_count = static_cast<std::uint32_t>(config.sectors.size());

  const Geography geo = make_geography(config, spec);
  const std::size_t munis = spec.municipalities.size();
  if (munis > kMaxMunicipalities) throw std::invalid_argument("more than 65535 municipalities");

  // City halls found their social-assistance centres and companies: index of each
  // municipality's organisation of kind municipality, once made.
  std::vector<std::uint32_t> city_hall(munis, kNoOrganisation);
  for (const GeneratedKind& k : config.kinds) {
    if (const std::string problem = kind_problem(k); !problem.empty()) throw std::invalid_argument(problem);
    if (k.sectored && sector_count == 0) throw std::invalid_argument("sectored kinds need generator sectors");
    std::vector<std::uint32_t> homes;  // the municipality of each organisation of this kind
    switch (k.spread) {
      case GeneratedKind::Spread::PerMunicipality:
        for (std::uint32_t m = 0; m < munis; ++m) homes.insert(homes.end(), static_cast<std::size_t>(k.count), m);
        break;
      case GeneratedKind::Spread::PerRegion:
        // In the region's most populous municipality (its capital, for a synthetic country).
        for (const auto& list : geo.municipalities_of) {
          const auto seat = *std::max_element(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
            return geo.weight[a] < geo.weight[b];
          });
          homes.insert(homes.end(), static_cast<std::size_t>(k.count), seat);
        }
        break;
      case GeneratedKind::Spread::National: {
        const std::int64_t n = generated_count(config, k);
        for (std::int64_t i = 0; i < n; ++i) {
          RandomStream rng =
              stream(spec.seed, kPlace, (static_cast<std::uint64_t>(k.kind) << 40) | static_cast<std::uint64_t>(i));
          homes.push_back(geo.draw_municipality(rng));
        }
        std::stable_sort(homes.begin(), homes.end());  // listed by municipality
        break;
      }
    }
    const std::string kind_name(name_of(k.kind));
    for (std::size_t i = 0; i < homes.size(); ++i) {
      const auto index = static_cast<std::uint32_t>(spec.organisations.size());
      const std::uint32_t m = homes[i];
      RandomStream rng = stream(spec.seed, kFields, index);
      OrganisationSpec o;
      o.kind = k.kind;
      o.municipality = m;
      if (k.spread == GeneratedKind::Spread::PerMunicipality && k.count == 1) {
        o.id = kind_name + "_" + spec.municipalities[m];
      } else {
        o.id = kind_name + "_" + id_number(static_cast<std::int64_t>(i) + 1, 6);
      }
      o.name = "Synthetic " + kind_name + " " + id_number(static_cast<std::int64_t>(i) + 1, 6) + " (" +
               spec.municipalities[m] + ")";
      o.sector = k.sectored ? first_sector + static_cast<std::uint32_t>(rng.below(sector_count)) : 0;
      o.staff = draw_count(rng, k.staff);
      o.programme_places = draw_count(rng, k.programme_places);
      o.social_jobs = draw_count(rng, k.social_jobs);
      o.members = draw_count(rng, k.members);
      o.shelter_places = draw_count(rng, k.shelter_places);
      o.flat_places = draw_count(rng, k.flat_places);
      o.quality = std::clamp(k.quality + 0.2 * (rng.uniform() - 0.5), 0.0, 1.0);
      o.cash =
          pln_to_grosze(k.cash_pln * (0.5 + rng.uniform()) + k.cash_pln_per_million * geo.weight[m] * config.scale);
      o.rent = pln_to_grosze(k.rent_pln);
      o.dividend = pln_to_grosze(k.dividend_pln);
      if (k.founded_by_municipality) {
        if (city_hall[m] == kNoOrganisation) {
          throw std::invalid_argument(kind_name + " is founded by its municipality: list kind municipality first");
        }
        o.founders.push_back(city_hall[m]);
      }
      if (k.kind == OrgKind::Municipality && city_hall[m] == kNoOrganisation) city_hall[m] = index;
      spec.organisations.push_back(std::move(o));
    }
  }
  const auto listed = static_cast<std::uint32_t>(spec.organisations.size());

  // Latent cooperatives, numbered per municipality like new_cooperatives slots.
  {
    const std::int64_t n = scaled(config.new_cooperative_slots, config.scale);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> slots;  // (municipality, sector)
    for (std::int64_t i = 0; i < n; ++i) {
      RandomStream rng = stream(spec.seed, kSlots, static_cast<std::uint64_t>(i));
      const std::uint32_t m = geo.draw_municipality(rng);
      const std::uint32_t sector =
          sector_count > 0 ? first_sector + static_cast<std::uint32_t>(rng.below(sector_count)) : 0;
      slots.emplace_back(m, sector);
    }
    std::stable_sort(slots.begin(), slots.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<int> numbered(munis, 0);
    for (const auto& [m, sector] : slots) {
      const int k = ++numbered[m];
      OrganisationSpec o;
      o.id = "new_coop_" + scenario_detail::slug(spec.municipalities[m]) + "_" + std::to_string(k);
      o.name = "New social cooperative " + std::to_string(k) + " (" + spec.municipalities[m] + ")";
      o.kind = OrgKind::SocialCooperative;
      o.sector = sector;
      o.municipality = m;
      o.founded_step = kNotFounded;
      o.latent = true;
      spec.organisations.push_back(std::move(o));
    }
  }

  // People: apportioned to municipalities by population, then to groups by share.
  {
    const std::int64_t total = scaled(config.people, config.scale);
    const std::vector<std::int64_t> by_municipality = apportion(total, geo.weight);
    std::vector<double> shares;
    for (const auto& g : config.people_groups) shares.push_back(g.share);
    for (std::uint32_t m = 0; m < munis; ++m) {
      const std::vector<std::int64_t> by_group = apportion(by_municipality[m], shares);
      for (std::size_t g = 0; g < by_group.size(); ++g) {
        if (by_group[g] == 0) continue;
        PeopleSpec p;
        p.groups = config.people_groups[g].groups;
        p.municipality = m;
        p.count = by_group[g];
        p.state = config.people_groups[g].state;
        spec.people.push_back(p);
      }
    }
  }

  // Ties by rule. Candidates are the listed (not latent) organisations of the target kind
  // in the source's municipality, region or country, in index order.
  {
    std::vector<std::vector<std::uint32_t>> by_kind(kOrgKindCount);
    std::vector<std::vector<std::vector<std::uint32_t>>> by_kind_region(
        kOrgKindCount, std::vector<std::vector<std::uint32_t>>(config.regions.size()));
    std::vector<std::vector<std::vector<std::uint32_t>>> by_kind_municipality(kOrgKindCount);
    for (auto& v : by_kind_municipality) v.resize(munis);
    for (std::uint32_t o = 0; o < listed; ++o) {
      const auto& org = spec.organisations[o];
      const auto k = static_cast<std::size_t>(org.kind);
      by_kind[k].push_back(o);
      by_kind_region[k][geo.region_of[org.municipality]].push_back(o);
      by_kind_municipality[k][org.municipality].push_back(o);
    }
    std::vector<std::uint32_t> chosen;
    for (std::size_t r = 0; r < config.ties.size(); ++r) {
      const GeneratedTieRule& rule = config.ties[r];
      const auto target_kind = static_cast<std::size_t>(rule.target);
      for (const std::uint32_t source : by_kind[static_cast<std::size_t>(rule.source)]) {
        const std::uint32_t m = spec.organisations[source].municipality;
        const std::vector<std::uint32_t>& candidates =
            rule.within == GeneratedTieRule::Within::Municipality ? by_kind_municipality[target_kind][m]
            : rule.within == GeneratedTieRule::Within::Region     ? by_kind_region[target_kind][geo.region_of[m]]
                                                                  : by_kind[target_kind];
        RandomStream rng = stream(spec.seed, kTies, (static_cast<std::uint64_t>(r) << 32) | source);
        const int n = draw_count(rng, rule.per_source);
        chosen.clear();
        for (int t = 0; t < n && !candidates.empty(); ++t) {
          for (int attempt = 0; attempt < kTieRetries; ++attempt) {
            const std::uint32_t target = candidates[rng.below(candidates.size())];
            if (target == source || std::find(chosen.begin(), chosen.end(), target) != chosen.end()) continue;
            chosen.push_back(target);
            TieSpec tie;
            tie.source = source;
            tie.target = target;
            tie.kind = rule.kind;
            tie.strength = std::min(1.0, rule.strength * (0.5 + rng.uniform()));
            spec.ties.push_back(tie);
            break;
          }
        }
      }
    }
  }

  // Buyers and markets, by municipal population.
  const double total_weight = geo.cumulative.back();
  if (config.has_buyers && sector_count > 0) {
    for (std::uint32_t o = 0; o < listed; ++o) {
      const auto& org = spec.organisations[o];
      if (org.kind != config.buyer_kind) continue;
      BuyerSpec b;
      b.organisation = o;
      const double share = geo.weight[org.municipality] / total_weight;
      for (std::uint32_t s = 0; s < sector_count; ++s) {
        const Grosze yearly = pln_to_grosze(config.buyer_yearly_pln * config.scale * share);
        if (yearly > 0) b.demand.push_back(DemandSpec{first_sector + s, yearly});
      }
      if (b.demand.empty()) continue;
      b.social_clause_share = config.social_clause_share;
      b.reserved_share = config.reserved_share;
      b.contract_months = config.contract_months;
      // Spread over the year, so that not every buyer tenders in the same month.
      b.tender_month = 1 + static_cast<int>(stream(spec.seed, kTender, o).below(12));
      spec.buyers.push_back(std::move(b));
    }
  }
  if (config.market_monthly_pln > 0 && sector_count > 0) {
    for (std::uint32_t m = 0; m < munis; ++m) {
      for (std::uint32_t s = 0; s < sector_count; ++s) {
        const Grosze monthly = pln_to_grosze(config.market_monthly_pln * config.scale * geo.weight[m] / total_weight);
        if (monthly > 0) spec.markets.push_back(MarketSpec{m, first_sector + s, monthly});
      }
    }
  }
}

// ---- the scenario section ------------------------------------------------------------------

namespace {

using scenario_detail::Map;
using scenario_detail::Reader;
using scenario_detail::Value;

double nonnegative(const Reader& reader, const Value& v) {
  const double x = reader.number(v, "a number >= 0");
  if (x < 0.0 || x > 1e13) reader.fail_expected(v, "a number >= 0 and <= 1e13");
  return x;
}

double share_of(const Reader& reader, const Value& v) {
  const double x = reader.number(v, "a number in [0, 1]");
  if (x < 0.0 || x > 1.0) reader.fail_expected(v, "a number in [0, 1]");
  return x;
}

template <typename Enum>
Enum named(const Reader& reader, const Value& v, std::optional<Enum> (*from)(std::string_view),
           const std::string& all) {
  if (v.node.IsScalar()) {
    if (const auto e = from(v.node.Scalar())) return *e;
  }
  reader.fail(v, "expected one of " + all + "; got " + scenario_detail::describe(v.node));
}

GeneratedKind read_kind(const Reader& reader, const Value& item) {
  const Map m(reader, item);
  m.allow({"kind", "per_municipality", "per_region", "count", "scaled", "founded_by_municipality", "sectored", "staff",
           "programme_places", "social_jobs", "members", "shelter_places", "flat_places", "quality", "cash_pln",
           "cash_pln_per_million", "rent_pln", "dividend_pln"});
  GeneratedKind k;
  k.kind = named<OrgKind>(reader, m.require("kind"), &org_kind_from, org_kind_names());
  int spreads = 0;
  if (const auto v = m.get("per_municipality")) {
    k.spread = GeneratedKind::Spread::PerMunicipality;
    k.count = reader.integer(*v, 1, 100);
    k.scaled = false;
    ++spreads;
  }
  if (const auto v = m.get("per_region")) {
    k.spread = GeneratedKind::Spread::PerRegion;
    k.count = reader.integer(*v, 1, 1000);
    k.scaled = false;
    ++spreads;
  }
  if (const auto v = m.get("count")) {
    k.spread = GeneratedKind::Spread::National;
    k.count = reader.integer(*v, 0, 2'000'000);
    ++spreads;
  }
  if (spreads != 1) reader.fail(item, "give exactly one of per_municipality, per_region and count");
  auto flag = [&](std::string_view key, bool& out) {
    if (const auto v = m.get(key)) {
      const std::string s = reader.plain_scalar(*v, "true or false");
      if (s != "true" && s != "false") reader.fail_expected(*v, "true or false");
      out = s == "true";
    }
  };
  flag("scaled", k.scaled);
  if (k.scaled && k.spread != GeneratedKind::Spread::National) {
    reader.fail(*m.get("scaled"), "only national counts (count) are scaled");
  }
  flag("founded_by_municipality", k.founded_by_municipality);
  flag("sectored", k.sectored);
  auto mean = [&](std::string_view key, double& out) {
    if (const auto v = m.get(key)) out = nonnegative(reader, *v);
  };
  mean("staff", k.staff);
  mean("programme_places", k.programme_places);
  mean("social_jobs", k.social_jobs);
  mean("members", k.members);
  mean("shelter_places", k.shelter_places);
  mean("flat_places", k.flat_places);
  mean("cash_pln", k.cash_pln);
  mean("cash_pln_per_million", k.cash_pln_per_million);
  mean("rent_pln", k.rent_pln);
  mean("dividend_pln", k.dividend_pln);
  if (const auto v = m.get("quality")) k.quality = share_of(reader, *v);
  if (const std::string problem = kind_problem(k); !problem.empty()) reader.fail(item, problem);
  return k;
}

}  // namespace

GeneratorConfig read_generator(const Reader& reader, const Value& section) {
  const Map m(reader, section);
  m.allow({"scale", "municipality_size_spread", "regions", "sectors", "organisations", "new_cooperatives", "people",
           "ties", "buyers", "markets"});
  GeneratorConfig c;
  if (const auto v = m.get("scale")) {
    c.scale = reader.number(*v, "a scale factor in [0.01, 4]");
    if (!(c.scale >= kMinGeneratorScale && c.scale <= kMaxGeneratorScale)) {
      reader.fail_expected(*v, "a scale factor in [0.01, 4]");
    }
  }
  if (const auto v = m.get("municipality_size_spread")) {
    c.municipality_size_spread = reader.number(*v, "a number in [0, 3]");
    if (c.municipality_size_spread < 0.0 || c.municipality_size_spread > 3.0) {
      reader.fail_expected(*v, "a number in [0, 3]");
    }
  }
  std::unordered_set<std::string> region_names;
  std::int64_t municipalities = 0;
  for (const auto& item : reader.list(m.require("regions"), false)) {
    const Map r(reader, item);
    r.allow({"name", "municipalities", "population"});
    GeneratedRegion region;
    const Value name = r.require("name");
    region.name = reader.nonempty_string(name);
    if (!std::all_of(region.name.begin(), region.name.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        })) {
      reader.fail_expected(name, "a region name of lower-case ASCII letters, digits, '-' and '_' (it is part of ids)");
    }
    if (!region_names.insert(region.name).second)
      reader.fail(name, "region " + scenario_detail::quote(region.name) + " is listed twice");
    region.municipalities = static_cast<int>(reader.integer(r.require("municipalities"), 1, 10'000));
    const Value population = r.require("population");
    region.population = reader.number(population, "a population in millions > 0");
    if (!(region.population > 0.0)) reader.fail_expected(population, "a population in millions > 0");
    municipalities += region.municipalities;
    c.regions.push_back(std::move(region));
  }
  if (municipalities > static_cast<std::int64_t>(kMaxMunicipalities)) {
    reader.fail(m.require("regions"),
                "at most 65535 municipalities in all; the regions hold " + std::to_string(municipalities));
  }
  if (const auto v = m.get("sectors")) {
    std::unordered_set<std::string> seen;
    for (const auto& item : reader.list(*v, true)) {
      const std::string s = reader.nonempty_string(item);
      if (s == "none") reader.fail(item, "\"none\" is not a service sector");
      if (!seen.insert(s).second) reader.fail(item, "sector " + scenario_detail::quote(s) + " is listed twice");
      c.sectors.push_back(s);
    }
  }
  std::vector<bool> kind_seen(kOrgKindCount, false);
  bool municipality_listed = false;
  for (const auto& item : reader.list(m.require("organisations"), false)) {
    GeneratedKind k = read_kind(reader, item);
    if (kind_seen[static_cast<std::size_t>(k.kind)]) {
      reader.fail(item, "kind " + std::string(name_of(k.kind)) + " is listed twice");
    }
    kind_seen[static_cast<std::size_t>(k.kind)] = true;
    if (k.sectored && c.sectors.empty()) reader.fail(item, "sectored: true needs generator.sectors");
    if (k.founded_by_municipality && !municipality_listed) {
      reader.fail(item, "founded_by_municipality needs kind municipality listed before it, with per_municipality: 1");
    }
    if (k.kind == OrgKind::Municipality) {
      if (k.spread != GeneratedKind::Spread::PerMunicipality || k.count != 1) {
        reader.fail(item, "kind municipality is the city hall: give per_municipality: 1");
      }
      municipality_listed = true;
    }
    c.kinds.push_back(k);
  }
  if (const auto v = m.get("new_cooperatives")) c.new_cooperative_slots = reader.integer(*v, 0, 1'000'000);
  {
    const Map p(reader, m.require("people"));
    p.allow({"total", "groups"});
    c.people = reader.integer(p.require("total"), 0, 25'000'000);  // x4 stays within the 100M limit
    double total_share = 0.0;
    for (const auto& item : reader.list(p.require("groups"), false)) {
      const Map g(reader, item);
      g.allow({"groups", "share", "state"});
      GeneratedPeopleGroup group;
      for (const auto& name : reader.list(g.require("groups"), false)) {
        const auto bit = named<std::uint8_t>(reader, name, &person_group_from, person_group_names());
        if ((group.groups & bit) != 0) reader.fail(name, "group listed twice");
        group.groups = static_cast<std::uint8_t>(group.groups | bit);
      }
      group.share = share_of(reader, g.require("share"));
      if (const auto s = g.get("state")) {
        group.state = named<PersonState>(reader, *s, &person_state_from, person_state_names());
        if (group.state != PersonState::Excluded && group.state != PersonState::Street &&
            group.state != PersonState::EmployedOpen) {
          reader.fail(*s, "generated people start excluded, street or employed_open (they hold no place)");
        }
      }
      total_share += group.share;
      c.people_groups.push_back(group);
    }
    if (std::abs(total_share - 1.0) > 1e-6) {
      reader.fail(p.require("groups"),
                  "the shares of the groups must add up to 1; they add up to " + std::to_string(total_share));
    }
  }
  if (const auto v = m.get("ties")) {
    for (const auto& item : reader.list(*v, true)) {
      const Map t(reader, item);
      t.allow({"source", "target", "kind", "per_source", "within", "strength"});
      GeneratedTieRule rule;
      rule.source = named<OrgKind>(reader, t.require("source"), &org_kind_from, org_kind_names());
      rule.target = named<OrgKind>(reader, t.require("target"), &org_kind_from, org_kind_names());
      rule.kind = named<TieKind>(reader, t.require("kind"), &tie_kind_from, tie_kind_names());
      const Value per = t.require("per_source");
      rule.per_source = reader.number(per, "a number in [0, 1000]");
      if (rule.per_source < 0.0 || rule.per_source > 1000.0) reader.fail_expected(per, "a number in [0, 1000]");
      if (const auto w = t.get("within")) {
        const std::string s = reader.nonempty_string(*w);
        if (s == "municipality") {
          rule.within = GeneratedTieRule::Within::Municipality;
        } else if (s == "region") {
          rule.within = GeneratedTieRule::Within::Region;
        } else if (s == "country") {
          rule.within = GeneratedTieRule::Within::Country;
        } else {
          reader.fail_expected(*w, "municipality, region or country");
        }
      }
      if (const auto s = t.get("strength")) rule.strength = share_of(reader, *s);
      c.ties.push_back(rule);
    }
  }
  if (const auto v = m.get("buyers")) {
    const Map b(reader, *v);
    b.allow({"kind", "yearly_pln_per_sector", "social_clause_share", "reserved_share", "contract_months"});
    const Value kind = b.require("kind");
    c.buyer_kind = named<OrgKind>(reader, kind, &org_kind_from, org_kind_names());
    if (!is_buyer_kind(c.buyer_kind)) {
      reader.fail(kind,
                  "buyers are organisations of kind municipality, social_assistance_centre, municipal_company, "
                  "labour_office or regional_centre");
    }
    c.has_buyers = true;
    c.buyer_yearly_pln = nonnegative(reader, b.require("yearly_pln_per_sector"));
    if (const auto s = b.get("social_clause_share")) c.social_clause_share = share_of(reader, *s);
    if (const auto s = b.get("reserved_share")) c.reserved_share = share_of(reader, *s);
    if (c.social_clause_share + c.reserved_share > 1.0) {
      reader.fail(*v, "social_clause_share + reserved_share must be at most 1");
    }
    if (const auto s = b.get("contract_months")) c.contract_months = static_cast<int>(reader.integer(*s, 1, 120));
  }
  if (const auto v = m.get("markets")) {
    const Map k(reader, *v);
    k.allow({"monthly_pln_per_sector"});
    c.market_monthly_pln = nonnegative(reader, k.require("monthly_pln_per_sector"));
  }
  return c;
}

void generate_from_section(const Reader& reader, const Map& top, const Value& section, ScenarioSpec& spec,
                           std::optional<double> scale) {
  for (const char* key :
       {"municipalities", "organisations", "new_cooperatives", "people", "ties", "buyers", "markets"}) {
    if (const auto v = top.get(key)) {
      reader.fail(*v, std::string(key) +
                          " cannot be listed in a scenario with a generator section (the generator "
                          "makes them)");
    }
  }
  GeneratorConfig config = read_generator(reader, section);
  if (scale) config.scale = *scale;
  try {
    generate_world(config, spec);
  } catch (const std::invalid_argument& e) {
    reader.fail(section, e.what());
  }
}

}  // namespace partnersim
