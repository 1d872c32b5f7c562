#include "models/cooperatives/cooperatives.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

constexpr auto kFound = purpose("cooperatives.found");
constexpr auto kShock = purpose("cooperatives.shock");
constexpr auto kRevival = purpose("cooperatives.revival");

bool is_coop(const Organisation& o) { return o.kind == OrgKind::SocialCooperative; }

// Kinds whose output is sold on markets or to public buyers.
bool trades(OrgKind k) {
  return k == OrgKind::SocialCooperative || k == OrgKind::Business || k == OrgKind::Ngo ||
         k == OrgKind::MunicipalCompany || k == OrgKind::ReintegrationCentre;
}

Grosze share_of(double share, Grosze amount) {
  return static_cast<Grosze>(std::llround(share * static_cast<double>(amount)));
}

Grosze total_revenue(const Organisation& o) {
  Grosze total = 0;
  for (Grosze r : o.revenue) total += r;
  return total;
}

Grosze revenue_of(const Organisation& o, RevenueSource s) { return o.revenue[static_cast<std::size_t>(s)]; }

}  // namespace

bool is_supported(const World& world, std::uint32_t org, int step) {
  if (world.org(org).supported_until > step) return true;
  const OrgGraph& g = world.graph();
  auto supports = [&](const Tie& tie, std::uint32_t other) {
    return tie.active_at(step) &&
           (tie.kind == TieKind::InKind || tie.kind == TieKind::Partnership || tie.kind == TieKind::Founding) &&
           world.org(other).kind == OrgKind::SupportCentre && world.org(other).operating();
  };
  for (auto e : boost::make_iterator_range(boost::out_edges(org, g))) {
    if (supports(g[e], static_cast<std::uint32_t>(boost::target(e, g)))) return true;
  }
  for (auto e : boost::make_iterator_range(boost::in_edges(org, g))) {
    if (supports(g[e], static_cast<std::uint32_t>(boost::source(e, g)))) return true;
  }
  return false;
}

bool founded_by_legal_persons(const World& world, std::uint32_t org, int step) {
  const OrgGraph& g = world.graph();
  int founders = 0;
  for (auto e : boost::make_iterator_range(boost::in_edges(org, g))) {
    if (g[e].kind == TieKind::Founding && g[e].active_at(step)) ++founders;
  }
  return founders >= kMinLegalFounders;
}

void Cooperatives::configure(const ParamSet& params) {
  const ModuleParams m(params, "cooperatives");
  p_.output_per_worker = pln_to_grosze(m.real("output_per_worker_pln"));
  p_.wage = pln_to_grosze(m.real("wage_pln"));
  p_.subsidy_per_worker = pln_to_grosze(m.real("subsidy_per_worker_pln"));
  p_.subsidy_months = m.integer("subsidy_months");
  p_.fixed_overhead = pln_to_grosze(m.real("fixed_overhead_pln"));
  p_.overhead_share = m.real("overhead_share");
  p_.dormant_after_months = m.integer("dormant_after_months");
  p_.liquidate_after_months = m.integer("liquidate_after_months");
  p_.revival_rate = m.real("revival_rate");
  p_.failure_hazard = m.real("failure_hazard");
  p_.support_hazard_reduction = m.real("support_hazard_reduction");
  p_.support_capacity_boost = m.real("support_capacity_boost");
  p_.founding_rate = m.real("founding_rate");
  p_.three_founder_share = m.real("three_founder_share");
  p_.growth_cash_months = m.real("growth_cash_months");
  p_.growth_utilisation = m.real("growth_utilisation");
  p_.min_members = m.integer("min_members");
}

void Cooperatives::setup(World& world) {
  const std::size_t n = world.organisation_count();
  employers_ = world.organisations_of({OrgKind::MunicipalCompany, OrgKind::Business});
  latent_by_municipality_.assign(world.spec().municipalities.size(), {});
  const auto& orgs = world.spec().organisations;
  for (std::uint32_t i = 0; i < orgs.size(); ++i) {
    if (orgs[i].latent && orgs[i].municipality < latent_by_municipality_.size()) {
      latent_by_municipality_[orgs[i].municipality].push_back(i);
    }
  }
  last_sales_.assign(n, 0);
  last_revenue_.assign(n, 0);
  last_capacity_.assign(n, 0);
  // Every worker of a cooperative counts as a member, whatever the scenario says.
  for (std::uint32_t i = 0; i < n; ++i) {
    Organisation& o = world.org(i);
    if (is_coop(o)) o.members = std::max(o.members, o.workers());
  }
  wages_ = 0;
  founded_ = founded_cumulative_ = liquidated_ = liquidated_cumulative_ = 0;
  // The first month's trade runs before this module's first Organisations phase.
  update_capacity(world, std::max(world.step(), 0));
}

void Cooperatives::step(Phase phase, World& world) {
  if (phase == Phase::Organisations) {
    update_capacity(world, world.step());
    found_from_latent_slots(world);
    grow_or_shrink(world);
  } else if (phase == Phase::Accounts) {
    settle_accounts(world);
    count_births_and_deaths(world);
  }
}

void Cooperatives::update_capacity(World& world, int step) const {
  const Grosze per_worker = p_.output_per_worker;
  const double boost = 1.0 + p_.support_capacity_boost;
  // Who is tied to an operating support centre (what is_supported checks), found from the
  // few support centres' own ties rather than from every organisation's.
  const OrgGraph& g = world.graph();
  std::vector<std::uint8_t> tied_to_centre(world.organisation_count(), 0);
  for (const std::uint32_t c : world.organisations_of(OrgKind::SupportCentre)) {
    const Organisation& centre = world.org(c);
    if (!centre.operating()) continue;
    auto mark = [&](const Tie& tie, std::uint32_t other) {
      if (tie.active_at(step) &&
          (tie.kind == TieKind::InKind || tie.kind == TieKind::Partnership || tie.kind == TieKind::Founding)) {
        tied_to_centre[other] = 1;
      }
    };
    for (auto e : boost::make_iterator_range(boost::out_edges(c, g))) {
      mark(g[e], static_cast<std::uint32_t>(boost::target(e, g)));
    }
    for (auto e : boost::make_iterator_range(boost::in_edges(c, g))) {
      mark(g[e], static_cast<std::uint32_t>(boost::source(e, g)));
    }
  }
  // Each organisation sets only its own capacity: independent, so in parallel.
  parallel_chunks(world.organisation_count(), kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto i = static_cast<std::uint32_t>(begin); i < end; ++i) {
      Organisation& o = world.org(i);
      if (!trades(o.kind)) continue;
      if (!o.operating() || o.sector == 0) {
        o.capacity = 0;
        continue;
      }
      const Grosze base = static_cast<Grosze>(o.workers()) * per_worker;
      const bool supported = o.supported_until > step || tied_to_centre[i] != 0;  // = is_supported(world, i, step)
      o.capacity = supported ? share_of(boost, base) : base;
    }
  });
}

// At most one foundation per municipality and month, into its lowest-index free slot.
void Cooperatives::found_from_latent_slots(World& world) {
  for (std::uint32_t m = 0; m < latent_by_municipality_.size(); ++m) {
    const auto& slots = latent_by_municipality_[m];
    const auto free_slot = std::find_if(slots.begin(), slots.end(), [&](std::uint32_t s) {
      const Organisation& o = world.org(s);
      return !o.alive && o.founded_step == kNotFounded;
    });
    if (free_slot == slots.end()) continue;
    RandomStream rng = world.stream(kFound, m);
    if (!rng.bernoulli(p_.founding_rate)) continue;
    const int founders = rng.bernoulli(p_.three_founder_share) ? kThreeFounders : kFiveFounders;
    const std::uint32_t slot = *free_slot;
    Organisation& o = world.org(slot);
    const std::string note = o.name + ": " + std::to_string(founders) + " natural persons";
    world.found_organisation(slot, {}, note);
    o.members = founders;
    o.social_jobs = founders;  // the excluded founders' own jobs, filled by reintegration
    o.staff = 0;
    o.months_negative_cash = 0;
    o.months_dormant = 0;
    o.months_few_members = 0;
    world.log("cooperative_founded", slot, kNoOrganisation, 0, note);
  }
}

// Costs of a normal month at the current size: what the growth rule wants covered.
Grosze Cooperatives::monthly_costs(const Organisation& o, std::uint32_t i, int step) const {
  const Grosze rent = o.rent_free_until > step ? 0 : o.rent;
  return static_cast<Grosze>(o.workers()) * p_.wage + rent + p_.fixed_overhead +
         share_of(p_.overhead_share, last_revenue_[i]);
}

void Cooperatives::grow_or_shrink(World& world) const {
  const int step = world.step();
  for (const std::uint32_t i : world.organisations_of(OrgKind::SocialCooperative)) {
    Organisation& o = world.org(i);
    if (!o.operating()) continue;
    if (o.months_negative_cash >= kShedAfterNegativeMonths) {
      o.social_jobs = std::max(0, o.social_jobs - 1);
      continue;
    }
    // Hire only when every job is filled, the cash covers some months of costs and the
    // cooperative sold most of what it could produce last month.
    const bool vacancy = o.social_jobs > o.excluded_workers;
    const bool room = o.staff + o.social_jobs < kMaxMembers;
    const bool rich =
        static_cast<double>(o.cash) > p_.growth_cash_months * static_cast<double>(monthly_costs(o, i, step));
    const bool busy = last_capacity_[i] > 0 && static_cast<double>(last_sales_[i]) >=
                                                   p_.growth_utilisation * static_cast<double>(last_capacity_[i]);
    if (!vacancy && room && rich && busy) ++o.social_jobs;
  }
}

void Cooperatives::settle_accounts(World& world) {
  const int step = world.step();
  wages_ = 0;
  const Account households = Account::external(world.external_account("households"));
  const Account state_budget = Account::external(world.external_account("state budget"));
  const Account landlords = Account::external(world.external_account("landlords"));
  const Account suppliers = Account::external(world.external_account("suppliers"));
  for (const std::uint32_t i : world.organisations_of(OrgKind::SocialCooperative)) {
    Organisation& o = world.org(i);
    if (!o.alive) continue;
    const Account self = Account::org(i);
    const bool operating = o.status == OrgStatus::Active;
    if (operating) {
      const Grosze wages = static_cast<Grosze>(o.workers()) * p_.wage;
      world.transfer(self, households, wages, Channel::Wages);
      wages_ += wages;
      if (step - o.founded_step < p_.subsidy_months) {
        world.transfer(state_budget, self, static_cast<Grosze>(o.excluded_workers) * p_.subsidy_per_worker,
                       Channel::Subsidy);
      }
    }
    if (o.rent_free_until <= step) world.transfer(self, landlords, o.rent, Channel::Rent);
    // A dormant cooperative keeps its premises and registration but has no turnover.
    const Grosze overheads =
        p_.fixed_overhead + (operating ? share_of(p_.overhead_share, total_revenue(o)) : Grosze{0});
    world.transfer(self, suppliers, overheads, Channel::Overheads);

    last_sales_[i] = revenue_of(o, RevenueSource::Market) + revenue_of(o, RevenueSource::Contracts);
    last_revenue_[i] = total_revenue(o);
    last_capacity_[i] = o.capacity;
    update_status(world, i);
  }
}

void Cooperatives::update_status(World& world, std::uint32_t i) {
  const int step = world.step();
  Organisation& o = world.org(i);
  const bool was_negative = o.months_negative_cash > 0;
  o.months_negative_cash = o.cash < 0 ? o.months_negative_cash + 1 : 0;

  if (o.status == OrgStatus::Active) {
    const bool supported = is_supported(world, i, step);
    const double hazard = p_.failure_hazard * (supported ? 1.0 - p_.support_hazard_reduction : 1.0);
    const bool debt = o.months_negative_cash >= p_.dormant_after_months;
    const bool shock = world.stream(kShock, i).bernoulli(hazard);
    if (debt || shock) {
      o.status = OrgStatus::Dormant;
      o.months_dormant = 0;
      o.capacity = 0;
      world.log("cooperative_dormant", i, kNoOrganisation, o.cash,
                debt ? std::to_string(o.months_negative_cash) + " months of negative cash" : "failure shock");
    }
  } else if (o.status == OrgStatus::Dormant) {
    // Revival needs the debts paid off; one put to sleep by a shock with money in hand
    // recovers only by chance (a new manager, a new order), not automatically.
    const bool recovers = o.cash >= 0 && (was_negative || world.stream(kRevival, i).bernoulli(p_.revival_rate));
    if (recovers) {
      o.status = OrgStatus::Active;
      o.months_dormant = 0;
      world.log("cooperative_revived", i, kNoOrganisation, o.cash, o.name);
    } else if (++o.months_dormant >= p_.liquidate_after_months) {
      world.close_organisation(i, "cooperative_liquidated", std::to_string(o.months_dormant) + " months dormant");
      return;
    }
  }

  // Members rule for cooperatives of natural persons. Members are its workers while it
  // operates (in its first year the founders count even before reintegration fills their
  // jobs); a dormant one keeps its registered members.
  if (founded_by_legal_persons(world, i, step)) {
    o.months_few_members = 0;
    return;
  }
  const bool counted = step - o.founded_step >= kMembersGraceMonths;  // the 3 + 2 rule's first year
  if (o.status == OrgStatus::Active) o.members = counted ? o.workers() : std::max(o.members, o.workers());
  o.months_few_members = counted && o.members < p_.min_members ? o.months_few_members + 1 : 0;
  if (o.months_few_members > kFewMembersMonthsAllowed) {
    o.capacity = 0;
    world.close_organisation(i, "cooperative_liquidated",
                             "fewer than " + std::to_string(p_.min_members) + " members for " +
                                 std::to_string(o.months_few_members) + " months");
  }
}

// Counted at the end of the month so foundings by events and by the engine's dates count too.
void Cooperatives::count_births_and_deaths(const World& world) {
  const int step = world.step();
  founded_ = 0;
  liquidated_ = 0;
  for (const std::uint32_t i : world.organisations_of(OrgKind::SocialCooperative)) {
    const Organisation& o = world.org(i);
    founded_ += o.founded_step == step ? 1 : 0;
    liquidated_ += !o.alive && o.closed_step == step ? 1 : 0;
  }
  founded_cumulative_ += founded_;
  liquidated_cumulative_ += liquidated_;
}

void Cooperatives::observe(const World& world, std::span<double> out) const {
  std::int64_t active = 0;
  std::int64_t dormant = 0;
  std::int64_t jobs = 0;
  std::int64_t coop_workers = 0;
  std::array<Grosze, kRevenueSourceCount> revenue{};
  Grosze cash = 0;
  for (const std::uint32_t i : world.organisations_of(OrgKind::SocialCooperative)) {
    const Organisation& o = world.org(i);
    for (std::size_t s = 0; s < kRevenueSourceCount; ++s) revenue[s] += o.revenue[s];
    if (!o.alive) continue;
    cash += o.cash;
    if (o.status == OrgStatus::Dormant) ++dormant;
    if (!o.operating()) continue;
    ++active;
    coop_workers += o.workers();
    jobs += o.workers();
  }
  for (const std::uint32_t i : employers_) {
    const Organisation& o = world.org(i);
    if (o.operating()) jobs += o.excluded_workers;
  }
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  const auto rev = [&](RevenueSource s) { return grosze_to_pln(revenue[static_cast<std::size_t>(s)]); };
  const Grosze support = revenue[static_cast<std::size_t>(RevenueSource::Grants)] +
                         revenue[static_cast<std::size_t>(RevenueSource::Subsidies)];
  Grosze total = 0;
  for (Grosze r : revenue) total += r;
  std::size_t k = 0;
  out[k++] = d(active);
  out[k++] = d(dormant);
  out[k++] = d(liquidated_);
  out[k++] = d(liquidated_cumulative_);
  out[k++] = d(founded_);
  out[k++] = d(founded_cumulative_);
  out[k++] = d(jobs);
  out[k++] = active > 0 ? d(coop_workers) / d(active) : 0.0;
  out[k++] = rev(RevenueSource::Market);
  out[k++] = rev(RevenueSource::Contracts);
  out[k++] = rev(RevenueSource::Grants);
  out[k++] = rev(RevenueSource::Subsidies);
  out[k++] = grosze_to_pln(support);
  out[k++] = grosze_to_pln(total);
  out[k++] = grosze_to_pln(wages_);
  out[k++] = grosze_to_pln(cash);
  out[k++] = active + dormant > 0 ? d(dormant) / d(active + dormant) : 0.0;
}

ModuleInfo cooperatives_module_info() {
  ModuleInfo info;
  info.name = "cooperatives";
  info.doc =
      "Social cooperatives are founded, hire, pay wages, rent and overheads, fall dormant after months of debt or a "
      "failure shock, revive, and are liquidated; sets the monthly capacity of every trading organisation.";
  info.order = 40;
  info.phases = {Phase::Organisations, Phase::Accounts};
  using T = ParamType;
  info.params = {
      {"output_per_worker_pln", T::Real, 5133.0, "PLN/month", 0.0, 1e6,
       "Monthly output one worker can deliver (capacity of trading organisations)",
       "[D] GUS 2016: an active cooperative has 5 employees and a 308k PLN yearly budget; 308000/12/5"},
      {"wage_pln", T::Real, 2229.0, "PLN/month", 0.0, 1e5,
       "Monthly cost of one cooperative worker: minimum wage plus employer contributions",
       "[D] minimum wage 2016 (1,850 PLN gross) + about 20.5% employer social-insurance contributions"},
      {"subsidy_per_worker_pln", T::Real, 600.0, "PLN/month", 0.0, 1e5,
       "Monthly subsidy per excluded worker of a young cooperative (refunded social-insurance contributions)",
       "[G] assumption: about the contributions on a minimum wage"},
      {"subsidy_months", T::Integer, 24, "months", 0, 600,
       "Months after founding during which the subsidy for excluded workers is paid",
       "[S] Social Economy Act 2022: contributions refunded 24 months"},
      {"fixed_overhead_pln", T::Real, 1000.0, "PLN/month", 0.0, 1e6,
       "Monthly fixed overheads (accounting, registration, insurance), paid even when dormant", "[G] assumption"},
      {"overhead_share", T::Real, 0.15, "share", 0.0, 1.0,
       "Variable overheads (materials, services) as a share of the month's total revenue", "[G] assumption"},
      {"dormant_after_months", T::Integer, 6, "months", 1, 120,
       "Consecutive months ending with negative cash after which a cooperative becomes dormant", "[G] assumption"},
      {"liquidate_after_months", T::Integer, 12, "months", 1, 240,
       "Consecutive dormant months after which a cooperative is liquidated", "[G] assumption"},
      {"failure_hazard", T::Real, 0.01, "1/month", 0.0, 1.0,
       "Monthly chance that an active cooperative falls dormant by a shock (loss of a key person or customer)",
       "[G] assumption"},
      {"revival_rate", T::Real, 0.2, "1/month", 0.0, 1.0,
       "Chance per month that a dormant cooperative without debts (put to sleep by a shock) resumes trading",
       "[G] assumption"},
      {"support_hazard_reduction", T::Real, 0.5, "share", 0.0, 1.0,
       "Share by which incubator / support-centre support lowers the failure hazard", "[G] assumption"},
      {"support_capacity_boost", T::Real, 0.2, "share", 0.0, 10.0,
       "Extra capacity of a supported organisation, as a share of its unsupported capacity", "[G] assumption"},
      {"founding_rate", T::Real, 0.02, "1/month", 0.0, 1.0,
       "Monthly chance that a municipality with a free latent slot sees a new cooperative of natural persons",
       "[G] assumption; register counts plateau at about 1.5k, foundings about equal closures [S]"},
      {"three_founder_share", T::Real, 0.3, "share", 0.0, 1.0,
       "Share of new cooperatives founded by 3 natural persons (who must reach 5 members within 12 months)",
       "[G] assumption; the 3 + 2 rule since 2018 [S]"},
      {"growth_cash_months", T::Real, 3.0, "months", 0.0, 120.0,
       "A cooperative hires only when its cash exceeds this many months of its current costs", "[G] assumption"},
      {"growth_utilisation", T::Real, 0.8, "share", 0.0, 1.0,
       "A cooperative hires only when last month's sales and contracts reached this share of its capacity",
       "[G] assumption"},
      {"min_members", T::Integer, 5, "persons", 0, 50,
       "A cooperative of natural persons with fewer members than this for more than 3 months (after its first "
       "year) is liquidated; 0 switches the rule off",
       "[S] Act on social cooperatives 2006: fewer than 5 members for more than 3 months forces liquidation"},
  };
  info.metrics = {
      {"cooperatives_active", "cooperatives", "Social cooperatives operating (active) at the end of the month"},
      {"cooperatives_dormant", "cooperatives", "Social cooperatives registered but dormant at the end of the month"},
      {"cooperatives_liquidated", "cooperatives/month", "Social cooperatives liquidated or closed this month"},
      {"cooperatives_liquidated_cumulative", "cooperatives", "Social cooperatives liquidated or closed so far"},
      {"cooperatives_founded", "cooperatives/month",
       "Social cooperatives founded this month (from latent slots, by events or on their founding date)"},
      {"cooperatives_founded_cumulative", "cooperatives", "Social cooperatives founded so far in the run"},
      {"social_economy_jobs", "jobs",
       "Workers of operating social cooperatives plus excluded workers of operating municipal companies and "
       "businesses"},
      {"cooperative_workers_mean", "persons", "Mean workers per operating social cooperative (0 when there is none)"},
      {"cooperative_revenue_market_pln", "PLN/month", "Market sales of social cooperatives this month"},
      {"cooperative_revenue_contracts_pln", "PLN/month", "Public-contract revenue of social cooperatives this month"},
      {"cooperative_revenue_grants_pln", "PLN/month",
       "Grants, project money, start-up and capital grants and donations received by social cooperatives this "
       "month"},
      {"cooperative_revenue_subsidies_pln", "PLN/month",
       "Wage and contribution subsidies received by social cooperatives this month"},
      {"cooperative_revenue_public_support_pln", "PLN/month",
       "Grants plus subsidies of social cooperatives this month"},
      {"cooperative_revenue_total_pln", "PLN/month", "Revenue of social cooperatives from all sources this month"},
      {"cooperative_wages_pln", "PLN/month", "Wages paid by social cooperatives this month"},
      {"cooperative_cash_pln", "PLN",
       "Cash of registered social cooperatives at the end of the month (negative: debt)"},
      {"share_dormant", "share",
       "Dormant among registered social cooperatives: dormant / (active + dormant); 0 when there is none"},
  };
  info.ratios = {
      {{"grant_dependency", "share",
        "Share of social cooperatives' revenue from grants and subsidies this month; NaN without revenue"},
       "cooperative_revenue_public_support_pln",
       "cooperative_revenue_total_pln"},
  };
  info.make = [] { return std::make_unique<Cooperatives>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(cooperatives_module_info)

void Cooperatives::save_state(StateWriter& out) const {
  out.put(latent_by_municipality_);  // slots not founded yet
  out.put(last_sales_);
  out.put(last_revenue_);
  out.put(last_capacity_);
  out.put(wages_);
  out.put(founded_);
  out.put(founded_cumulative_);
  out.put(liquidated_);
  out.put(liquidated_cumulative_);
}

void Cooperatives::restore_state(StateReader& in) {
  in.get(latent_by_municipality_);
  in.get(last_sales_);
  in.get(last_revenue_);
  in.get(last_capacity_);
  in.get(wages_);
  in.get(founded_);
  in.get(founded_cumulative_);
  in.get(liquidated_);
  in.get(liquidated_cumulative_);
}

}  // namespace partnersim::models
