#include "models/funding/funding.h"

#include <algorithm>

#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

constexpr std::uint64_t kProposer = 2ULL << 40;  // this module's slot among edit proposers
constexpr auto kCall = purpose("funding.eu_call");
constexpr auto kTakeover = purpose("funding.takeover");

// Streams of one organisation in one programme: two calls opening in the same month must
// not share their draws.
std::uint64_t agent(std::size_t programme, std::uint32_t org) {
  return (static_cast<std::uint64_t>(programme) << 32) | org;
}

std::uint32_t payer_index(Account a) { return a.type == Account::Type::Organisation ? a.index : kNoOrganisation; }

// The channel of a fixed award's money; in-kind support moves no money.
Channel award_channel(ProgrammeKind kind) {
  switch (kind) {
    case ProgrammeKind::Donation:
      return Channel::Donation;
    case ProgrammeKind::CapitalGrant:
      return Channel::CapitalGrant;
    case ProgrammeKind::Investment:
      return Channel::Investment;
    default:
      return Channel::Grant;
  }
}

bool has_awards(ProgrammeKind kind) { return kind != ProgrammeKind::EuCall && kind != ProgrammeKind::StartupGrant; }

bool eligible(const World& world, const FundingProgrammeSpec& prog, std::uint32_t o) {
  const Organisation& org = world.org(o);
  return org.operating() && (prog.eligible_kinds & (1U << static_cast<unsigned>(org.kind))) != 0;
}

// The strongest active partnership or consortium tie of `o` to another operating eligible
// organisation (ties in strength: the lower index), and whether the two already have an
// active partnership tie.
struct Partner {
  std::uint32_t org = kNoOrganisation;
  float strength = -1.0F;
  bool partnership = false;
};

Partner strongest_partner(const World& world, const FundingProgrammeSpec& prog, std::uint32_t o) {
  const OrgGraph& g = world.graph();
  const int step = world.step();
  Partner best;
  auto consider = [&](std::uint32_t other, const Tie& tie) {
    if (other == o || !tie.active_at(step)) return;
    if (tie.kind != TieKind::Partnership && tie.kind != TieKind::Consortium) return;
    if (!eligible(world, prog, other)) return;
    if (tie.strength > best.strength || (tie.strength == best.strength && other < best.org)) {
      best.org = other;
      best.strength = tie.strength;
    }
  };
  for (auto e : boost::make_iterator_range(boost::out_edges(o, g))) {
    consider(static_cast<std::uint32_t>(boost::target(e, g)), g[e]);
  }
  for (auto e : boost::make_iterator_range(boost::in_edges(o, g))) {
    consider(static_cast<std::uint32_t>(boost::source(e, g)), g[e]);
  }
  if (best.org == kNoOrganisation) return best;
  auto partnership = [&](const Tie& tie) { return tie.kind == TieKind::Partnership && tie.active_at(step); };
  for (auto e : boost::make_iterator_range(boost::out_edges(o, g))) {
    if (boost::target(e, g) == best.org && partnership(g[e])) best.partnership = true;
  }
  for (auto e : boost::make_iterator_range(boost::in_edges(o, g))) {
    if (boost::source(e, g) == best.org && partnership(g[e])) best.partnership = true;
  }
  return best;
}

}  // namespace

void Funding::configure(const ParamSet& params) {
  const ModuleParams m(params, "funding");
  p_.application_rate = m.real("application_rate");
  p_.takeover_probability = m.real("takeover_probability");
  p_.takeover_probability_pact = m.real("takeover_probability_pact");
  p_.place_cost = pln_to_grosze(m.real("place_cost_pln"));
  p_.takeover_months = m.integer("takeover_months");
  p_.project_tie_strength = m.real("project_tie_strength");
}

void Funding::setup(World& world) {
  programmes_.clear();
  projects_.clear();
  obligations_.clear();
  month_ = {};
  public_cumulative_ = 0;
  private_cumulative_ = 0;
  forgone_cumulative_ = 0;
  for (const auto& prog : world.spec().programmes) {
    const Account payer =
        prog.funder ? Account::org(*prog.funder) : Account::external(world.external_account(prog.external_source));
    ProgrammeState state{payer, prog.budget, false, {}};
    if (prog.kind == ProgrammeKind::StartupGrant) {
      // Cooperatives that exist when the run begins were founded before it: no start-up grant.
      state.given.resize(world.organisation_count());
      for (std::uint32_t o = 0; o < world.organisation_count(); ++o) state.given[o] = world.org(o).alive ? 1 : 0;
    }
    programmes_.push_back(std::move(state));
  }
}

bool Funding::pay(World& world, std::size_t k, Account payer, std::uint32_t recipient, Grosze amount, Channel channel,
                  bool budgeted) {
  if (amount <= 0) return true;
  const FundingProgrammeSpec& prog = world.spec().programmes[k];
  ProgrammeState& state = programmes_[k];
  // A payment is made in full or not at all: an organisation cannot pay what it does not
  // hold (nor once closed), and no programme pays beyond its remaining budget.
  const bool over_budget = budgeted && state.remaining < amount;
  const bool payer_short = payer.type == Account::Type::Organisation &&
                           (!world.org(payer.index).alive || world.org(payer.index).cash < amount);
  if (over_budget || payer_short) {
    month_.missed += amount;
    world.log("payment_missed", payer_index(payer), recipient, amount,
              prog.name + (over_budget ? ": budget exhausted" : ": payer short of cash"));
    return false;
  }
  world.transfer(payer, Account::org(recipient), amount, channel);
  if (budgeted) state.remaining -= amount;
  month_.paid += amount;
  // Donations are private whoever gives them; otherwise the payer's sector decides, and an
  // outside account (EU funds, state budget) is public money.
  const bool is_private =
      prog.kind == ProgrammeKind::Donation ||
      (payer.type == Account::Type::Organisation && sector_class(world.org(payer.index).kind) != SectorClass::Public);
  if (is_private) {
    month_.private_money += amount;
  } else {
    month_.public_spending += amount;
    if (channel == Channel::Grant) month_.public_grants += amount;
  }
  switch (channel) {
    case Channel::EuProject:
      month_.eu_projects += amount;
      break;
    case Channel::StartupGrant:
      month_.startup_grants += amount;
      break;
    case Channel::CapitalGrant:
      month_.capital_grants += amount;
      break;
    case Channel::Investment:
      month_.investments += amount;
      break;
    case Channel::Donation:
      month_.donations += amount;
      break;
    default:
      break;
  }
  return true;
}

void Funding::step(Phase /*phase*/, World& world) {
  const int step = world.step();
  parallel_chunks(world.organisation_count(), kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (auto o = static_cast<std::uint32_t>(begin); o < end; ++o) world.org(o).funded_places = 0;
  });
  month_ = {};
  proposed_.clear();
  settle_repayments(world);
  const auto& specs = world.spec().programmes;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const FundingProgrammeSpec& prog = specs[k];
    ProgrammeState& state = programmes_[k];
    const auto funder_index = prog.funder.value_or(kNoOrganisation);
    const auto [start, end] = world.programme_window(k);
    if (step == end) world.log("programme_ended", funder_index, kNoOrganisation, 0, prog.name);
    if (step < start || step >= end) continue;
    // The first month runs once, even if an event later switches the programme on again.
    const bool first = step == start && !state.started;
    if (first) {
      state.started = true;
      world.log("programme_started", funder_index, kNoOrganisation, prog.budget, prog.name);
    }
    ++month_.programmes_active;
    if (has_awards(prog.kind)) run_awards(world, k, first);
    if (prog.kind == ProgrammeKind::EuCall && first) open_call(world, k);
    if (prog.kind == ProgrammeKind::StartupGrant) run_startup_grants(world, k);
  }
  run_projects(world);
  pay_dividends(world);
  const World& w = world;
  const auto in_kind = parallel_chunk_results<Grosze>(w.organisation_count(), kOrgRowChunk,
                                                      [&](std::size_t begin, std::size_t end, Grosze& sum) {
                                                        for (auto o = static_cast<std::uint32_t>(begin); o < end; ++o) {
                                                          const Organisation& org = w.org(o);
                                                          if (org.alive && org.rent_free_until > step) sum += org.rent;
                                                        }
                                                      });
  for (const Grosze part : in_kind) month_.in_kind_value += part;  // integers: exact in any order
  public_cumulative_ += month_.public_spending;
  private_cumulative_ += month_.private_money;
  forgone_cumulative_ += month_.dividends_forgone;
}

void Funding::run_awards(World& world, std::size_t k, bool first_month) {
  const FundingProgrammeSpec& prog = world.spec().programmes[k];
  const ProgrammeState& state = programmes_[k];
  const int start = world.programme_window(k).first;
  const Channel channel = award_channel(prog.kind);
  const bool moves_money = prog.kind != ProgrammeKind::InKind;
  for (const AwardSpec& award : prog.awards) {
    Organisation& recipient = world.org(award.organisation);
    if (!recipient.alive) continue;
    recipient.funded_places += award.places;
    month_.funded_places += award.places;
    if (first_month && prog.kind == ProgrammeKind::InKind) {
      // Never shortens free premises granted otherwise (e.g. by a founding event).
      recipient.rent_free_until = std::max(recipient.rent_free_until, start + award.rent_free_months);
    }
    if (!moves_money) continue;
    if (first_month) pay(world, k, state.payer, award.organisation, award.amount, channel, true);
    pay(world, k, state.payer, award.organisation, award.monthly, channel, true);
  }
  if (first_month && prog.kind == ProgrammeKind::Investment && state.payer.type == Account::Type::Organisation) {
    Organisation& company = world.org(state.payer.index);
    company.dividend_holiday_until = std::max(company.dividend_holiday_until, start + prog.dividend_holiday_months);
  }
}

void Funding::open_call(World& world, std::size_t k) {
  const FundingProgrammeSpec& prog = world.spec().programmes[k];
  const int step = world.step();
  struct Winner {
    std::uint32_t org = 0;
    double priority = 0.0;
    Partner partner;
  };
  std::vector<Winner> winners;
  std::int64_t applications = 0;
  for (std::uint32_t o = 0; o < world.organisation_count(); ++o) {
    if (!eligible(world, prog, o)) continue;
    RandomStream rng = world.stream(kCall, agent(k, o));
    if (!rng.bernoulli(p_.application_rate)) continue;
    ++applications;
    const Partner partner = strongest_partner(world, prog, o);
    const bool partnered = partner.org != kNoOrganisation;
    const double p = partnered ? std::min(1.0, prog.win_probability + prog.partnership_bonus) : prog.win_probability;
    const bool won = rng.bernoulli(p);
    const double priority = rng.uniform();
    if (won) winners.push_back({o, priority, partner});
  }
  month_.applications += applications;
  // The budget funds only so many projects; the rest of the winners drop out in random order.
  const Grosze value = prog.project_value;
  const std::size_t fundable = value > 0 ? static_cast<std::size_t>(programmes_[k].remaining / value) : winners.size();
  if (winners.size() > fundable) {
    std::sort(winners.begin(), winners.end(), [](const Winner& a, const Winner& b) {
      return a.priority != b.priority ? a.priority < b.priority : a.org < b.org;
    });
    for (std::size_t i = fundable; i < winners.size(); ++i) {
      world.log("project_unfunded", kNoOrganisation, winners[i].org, value, prog.name + ": call budget exhausted");
    }
    winners.resize(fundable);
    std::sort(winners.begin(), winners.end(), [](const Winner& a, const Winner& b) { return a.org < b.org; });
  }
  const int duration = std::max(1, prog.duration_months);
  for (const Winner& w : winners) {
    projects_.push_back({static_cast<std::uint32_t>(k), w.org, step, step + duration});
    ++month_.projects_won;
    world.log("project_won", payer_index(programmes_[k].payer), w.org, value, prog.name);
    // A joint project turns the applicant's working relation into a partnership (one tie
    // per pair, even when both partners win).
    const auto pair = std::minmax(w.org, w.partner.org);
    if (w.partner.org != kNoOrganisation && !w.partner.partnership && proposed_.insert(pair).second) {
      world.propose({GraphEdit::Type::AddTie, kProposer | w.org, static_cast<std::uint32_t>(k), w.org, w.partner.org,
                     Tie{TieKind::Partnership, static_cast<float>(p_.project_tie_strength), step, kOpenEnded}});
    }
  }
}

void Funding::run_projects(World& world) {
  const int step = world.step();
  const auto& specs = world.spec().programmes;
  for (Project& pr : projects_) {
    if (pr.state == Project::State::Ended) continue;
    const FundingProgrammeSpec& prog = specs[pr.programme];
    Organisation& winner = world.org(pr.winner);
    if (!winner.alive) {
      pr.state = Project::State::Ended;
      world.log("project_ended", kNoOrganisation, pr.winner, 0, prog.name + ": host closed");
      continue;
    }
    if (pr.state == Project::State::Running && step >= pr.end) {
      ++month_.projects_ended;
      world.log("project_ended", kNoOrganisation, pr.winner, 0, prog.name);
      // The funding cliff, unless the city carries the places on (likelier inside a pact).
      bool taken = false;
      if (prog.takeover_by && world.org(*prog.takeover_by).alive) {
        const double p =
            world.share_pact(pr.winner, *prog.takeover_by) ? p_.takeover_probability_pact : p_.takeover_probability;
        taken = world.stream(kTakeover, agent(pr.programme, pr.winner)).bernoulli(p);
      }
      if (!taken) {
        pr.state = Project::State::Ended;
        continue;
      }
      pr.state = Project::State::TakenOver;
      pr.takeover_end = p_.takeover_months > 0 ? step + p_.takeover_months : kOpenEnded;
      world.log("project_taken_over", *prog.takeover_by, pr.winner, 0, prog.name);
    }
    if (pr.state == Project::State::Running) {
      // Equal monthly parts; the last month pays the remainder so the total is exact.
      const int duration = pr.end - pr.start;
      const Grosze part = prog.project_value / duration;
      const bool last = step - pr.start == duration - 1;
      const Grosze amount = last ? prog.project_value - part * (duration - 1) : part;
      pay(world, pr.programme, programmes_[pr.programme].payer, pr.winner, amount, Channel::EuProject, true);
      winner.funded_places += prog.places_per_project;
      month_.funded_places += prog.places_per_project;
      ++month_.projects_active;
      continue;
    }
    const std::uint32_t city = *prog.takeover_by;
    if (step >= pr.takeover_end || !world.org(city).alive) {
      pr.state = Project::State::Ended;
      world.log("takeover_ended", city, pr.winner, 0, prog.name);
      continue;
    }
    ++month_.taken_over;
    // The city pays the places from its own cash, outside the programme's budget; places it
    // cannot pay for this month are not funded.
    const Grosze cost = p_.place_cost * prog.places_per_project;
    if (pay(world, pr.programme, Account::org(city), pr.winner, cost, Channel::Grant, false)) {
      winner.funded_places += prog.places_per_project;
      month_.funded_places += prog.places_per_project;
    }
  }
}

void Funding::run_startup_grants(World& world, std::size_t k) {
  const FundingProgrammeSpec& prog = world.spec().programmes[k];
  ProgrammeState& state = programmes_[k];
  const int step = world.step();
  state.given.resize(world.organisation_count(), 0);
  for (const std::uint32_t o : world.organisations_of(OrgKind::SocialCooperative)) {
    const Organisation& coop = world.org(o);
    if (!coop.alive || state.given[o] != 0) continue;
    // Founded by an event this month (Events runs before Funding) or by the cooperatives
    // module last month (Organisations runs after Funding).
    if (coop.founded_step != step && coop.founded_step != step - 1) continue;
    const Grosze amount = prog.per_member * coop.members + prog.per_job * coop.social_jobs;
    if (amount <= 0) continue;
    if (!pay(world, k, state.payer, o, amount, Channel::StartupGrant, true)) continue;
    state.given[o] = 1;
    obligations_.push_back({static_cast<std::uint32_t>(k), o, state.payer, amount, step + prog.keep_months});
    world.log("startup_grant", payer_index(state.payer), o, amount, prog.name);
  }
}

void Funding::settle_repayments(World& world) {
  const auto& specs = world.spec().programmes;
  const int step = world.step();
  std::erase_if(obligations_, [&](const StartupObligation& ob) {
    const Organisation& coop = world.org(ob.organisation);
    if (coop.status == OrgStatus::Liquidated) {
      if (coop.closed_step >= ob.keep_until) return true;  // kept long enough
      // Repaid from what the liquidated cooperative still holds, never below zero.
      const Grosze repaid = std::clamp(coop.cash, Grosze{0}, ob.amount);
      world.transfer(Account::org(ob.organisation), ob.payer, repaid, Channel::Repayment);
      month_.repaid += repaid;
      world.log("grant_repaid", ob.organisation, payer_index(ob.payer), repaid, specs[ob.programme].name);
      if (repaid < ob.amount) {
        world.log("grant_repayment_shortfall", ob.organisation, payer_index(ob.payer), ob.amount - repaid,
                  specs[ob.programme].name);
      }
      return true;
    }
    return step >= ob.keep_until;
  });
}

void Funding::pay_dividends(World& world) {
  const int step = world.step();
  const OrgGraph& g = world.graph();
  for (const std::uint32_t o : world.organisations_of(OrgKind::MunicipalCompany)) {
    const Organisation& company = world.org(o);
    if (!company.operating() || company.dividend <= 0) continue;
    if (company.dividend_holiday_until > step) {
      month_.dividends_forgone += company.dividend;
      continue;
    }
    // The owner is the municipality that founded it; without one, the state.
    std::uint32_t owner = kNoOrganisation;
    for (auto e : boost::make_iterator_range(boost::in_edges(o, g))) {
      const auto source = static_cast<std::uint32_t>(boost::source(e, g));
      if (g[e].kind == TieKind::Founding && g[e].active_at(step) && world.org(source).kind == OrgKind::Municipality) {
        owner = std::min(owner, source);
      }
    }
    const Account to =
        owner != kNoOrganisation ? Account::org(owner) : Account::external(world.external_account("state budget"));
    if (company.cash < company.dividend) {
      month_.dividends_missed += company.dividend;
      world.log("dividend_missed", o, owner, company.dividend, company.name);
      continue;
    }
    world.transfer(Account::org(o), to, company.dividend, Channel::Dividend);
    month_.dividends_paid += company.dividend;
  }
}

void Funding::observe(const World& /*world*/, std::span<double> out) const {
  const auto& m = month_;
  std::size_t i = 0;
  for (Grosze g : {m.paid, m.missed}) out[i++] = grosze_to_pln(g);
  for (std::int64_t n : {m.funded_places, m.programmes_active}) out[i++] = static_cast<double>(n);
  for (Grosze g : {m.public_spending, public_cumulative_, m.public_grants, m.eu_projects, m.startup_grants,
                   m.capital_grants, m.investments, m.donations, m.private_money, private_cumulative_, m.repaid}) {
    out[i++] = grosze_to_pln(g);
  }
  for (std::int64_t n : {m.applications, m.projects_won, m.projects_active, m.projects_ended, m.taken_over}) {
    out[i++] = static_cast<double>(n);
  }
  for (Grosze g : {m.dividends_paid, m.dividends_missed, m.dividends_forgone, forgone_cumulative_, m.in_kind_value}) {
    out[i++] = grosze_to_pln(g);
  }
}

ModuleInfo funding_module_info() {
  using T = ParamType;
  ModuleInfo info;
  info.name = "funding";
  info.doc =
      "Funding programmes: fixed awards (grants, donations, capital grants, in-kind premises, investments), "
      "competitive EU calls with a partnership bonus and takeover by the city when projects end, start-up grants "
      "for new cooperatives repaid on early liquidation, and municipal companies' dividends with dividend holidays.";
  info.order = 20;
  info.phases = {Phase::Funding};
  info.params = {
      {"application_rate", T::Real, 0.5, "share", 0.0, 1.0,
       "Chance that an eligible operating organisation applies to an EU call when it opens", "[G] assumption"},
      {"takeover_probability", T::Real, 0.2, "share", 0.0, 1.0,
       "Chance that the programme's takeover_by organisation keeps funding an ended EU project's places",
       "[G] assumption"},
      {"takeover_probability_pact", T::Real, 0.6, "share", 0.0, 1.0,
       "Takeover chance when the project's host and takeover_by have signed a pact together", "[G] assumption"},
      {"place_cost_pln", T::Real, 1500.0, "PLN/place/month", 0.0, 100000.0,
       "What takeover_by pays per programme place per month when it carries on an ended project",
       "[G] assumption; DOMAIN.md's 44.5k PLN per self-sufficient CIS person (2007-10) over a 12-month programme "
       "bounds it at about 3,700 PLN a month"},
      {"takeover_months", T::Integer, 0, "months", 0, 600, "How long a takeover lasts; 0 means to the end of the run",
       "[G] assumption"},
      {"project_tie_strength", T::Real, 0.5, "share", 0.0, 1.0,
       "Strength of the partnership tie a won joint EU project creates between the winner and its partner",
       "[G] assumption"},
  };
  info.metrics = {
      {"funding_paid_pln", "PLN/month", "Money paid by funding programmes (and takeovers) to recipients this month"},
      {"funding_missed_pln", "PLN/month", "Payments due this month that the budget or the payer could not cover"},
      {"funded_places", "places", "Programme places paid by running funding programmes this month"},
      {"programmes_active", "programmes", "Funding programmes running this month"},
      {"public_spending_pln", "PLN/month",
       "Programme payments this month by public bodies or outside accounts (not donations)"},
      {"public_spending_cumulative_pln", "PLN", "Public programme payments since the start of the run"},
      {"public_grants_pln", "PLN/month", "Public money paid as grants this month (grant programmes and takeovers)"},
      {"eu_projects_pln", "PLN/month", "Money paid to the winners of EU calls for their projects this month"},
      {"startup_grants_pln", "PLN/month", "Start-up grants paid to new social cooperatives this month"},
      {"capital_grants_pln", "PLN/month", "Capital grants paid this month"},
      {"investments_pln", "PLN/month", "Investments paid by funders (municipal companies) this month"},
      {"donations_pln", "PLN/month", "Donations paid this month"},
      {"private_money_pln", "PLN/month",
       "Programme payments this month that are private: donations, or paid by civil or private organisations"},
      {"private_money_cumulative_pln", "PLN", "Private programme money since the start of the run"},
      {"grants_repaid_pln", "PLN/month", "Start-up grants repaid this month by cooperatives liquidated too early"},
      {"eu_applications", "applications/month", "Applications to EU calls that opened this month"},
      {"eu_projects_won", "projects/month", "EU projects won in calls that opened this month"},
      {"eu_projects_active", "projects", "EU projects running (paid by their call) this month"},
      {"eu_projects_ended", "projects/month", "EU projects that reached their end this month"},
      {"projects_taken_over", "projects", "Ended EU projects whose places the city funds this month"},
      {"dividends_paid_pln", "PLN/month", "Dividends paid by municipal companies to their owners this month"},
      {"dividends_missed_pln", "PLN/month", "Dividends due this month that the company had no cash for"},
      {"dividends_forgone_pln", "PLN/month", "Dividends not paid this month because of a dividend holiday"},
      {"dividends_forgone_cumulative_pln", "PLN", "Dividends forgone since the start of the run"},
      {"in_kind_value_pln", "PLN/month", "Rent waived this month for organisations in free premises"},
  };
  info.ratios = {
      {{"private_per_public_zloty", "PLN/PLN",
        "Private programme money leveraged per public zloty spent, cumulative since the start of the run"},
       "private_money_cumulative_pln",
       "public_spending_cumulative_pln"},
      {{"public_spending_per_person_reintegrated_pln", "PLN/person",
        "Public programme spending since the start per person who has moved on to the open labour market"},
       "public_spending_cumulative_pln",
       "exits_to_open_market_cumulative"},
  };
  info.make = [] { return std::make_unique<Funding>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(funding_module_info)

void Funding::save_state(StateWriter& out) const {
  const auto put_account = [&out](const Account& a) {
    out.put(a.type);
    out.put(a.index);
  };
  out.put(static_cast<std::uint64_t>(programmes_.size()));
  for (const ProgrammeState& s : programmes_) {
    put_account(s.payer);
    out.put(s.remaining);
    out.put(s.started);
    out.put(s.given);
  }
  out.put(static_cast<std::uint64_t>(projects_.size()));
  for (const Project& p : projects_) {
    out.put(p.programme), out.put(p.winner), out.put(p.start), out.put(p.end), out.put(p.state);
    out.put(p.takeover_end);
  }
  out.put(static_cast<std::uint64_t>(obligations_.size()));
  for (const StartupObligation& o : obligations_) {
    out.put(o.programme), out.put(o.organisation), put_account(o.payer), out.put(o.amount), out.put(o.keep_until);
  }
  out.put(proposed_);
  out.put(month_);
  out.put(public_cumulative_);
  out.put(private_cumulative_);
  out.put(forgone_cumulative_);
}

void Funding::restore_state(StateReader& in) {
  const auto get_account = [&in](Account& a) {
    in.get(a.type);
    in.get(a.index);
  };
  if (in.get<std::uint64_t>() != programmes_.size()) {
    throw CheckpointError(in.what() + ": funding programmes do not match the scenario");
  }
  for (ProgrammeState& s : programmes_) {
    get_account(s.payer);
    in.get(s.remaining);
    in.get(s.started);
    in.get(s.given);
  }
  projects_.assign(static_cast<std::size_t>(in.get<std::uint64_t>()), Project{});
  for (Project& p : projects_) {
    in.get(p.programme), in.get(p.winner), in.get(p.start), in.get(p.end), in.get(p.state);
    in.get(p.takeover_end);
  }
  obligations_.assign(static_cast<std::size_t>(in.get<std::uint64_t>()), StartupObligation{});
  for (StartupObligation& o : obligations_) {
    in.get(o.programme), in.get(o.organisation), get_account(o.payer), in.get(o.amount), in.get(o.keep_until);
  }
  in.get(proposed_);
  in.get(month_);
  in.get(public_cumulative_);
  in.get(private_cumulative_);
  in.get(forgone_cumulative_);
}

}  // namespace partnersim::models
