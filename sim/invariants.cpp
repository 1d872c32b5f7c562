#include "sim/invariants.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <optional>
#include <sstream>

namespace partnersim {

namespace {

std::atomic<bool> g_checks_default{false};

// The organisation counter that mirrors people placed there in a given state, if any.
int counter_for(const Organisation& o, PersonState s) {
  switch (s) {
    case PersonState::InProgramme:
      return o.participants;
    case PersonState::EmployedSocial:
      return o.excluded_workers;
    case PersonState::Shelter:
      return o.shelter_residents;
    case PersonState::TrainingFlat:
      return o.flat_residents;
    default:
      return 0;
  }
}

// States in which a person is placed with an organisation that counts them.
constexpr std::array<PersonState, 4> kPlacedStates = {PersonState::InProgramme, PersonState::EmployedSocial,
                                                      PersonState::Shelter, PersonState::TrainingFlat};

std::optional<std::size_t> placed_slot(PersonState s) {
  for (std::size_t k = 0; k < kPlacedStates.size(); ++k) {
    if (kPlacedStates[k] == s) return k;
  }
  return std::nullopt;
}

std::string org_label(const World& world, std::uint32_t i) {
  return "organisation " + std::to_string(i) + " (" + world.org(i).id + ")";
}

}  // namespace

std::string check_people(const World& world, std::size_t expected_people) {
  const People& people = world.people();
  const std::size_t n = people.size();
  std::ostringstream out;
  if (n != expected_people || people.placement.size() != n || people.groups.size() != n ||
      people.months_in_state.size() != n || people.municipality.size() != n || people.job_entry_step.size() != n) {
    out << "people: the world holds " << n << " people (placement column " << people.placement.size()
        << ") but the scenario has " << expected_people << "; a person was created or lost";
    return out.str();
  }
  std::array<std::size_t, kPersonStateCount> by_state{};
  const std::size_t orgs = world.organisation_count();
  // Recounts of the placed states per organisation, in the order of kPlacedStates.
  std::vector<std::array<int, kPlacedStates.size()>> recount(orgs, std::array<int, kPlacedStates.size()>{});
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(people.state[i]);
    if (s >= kPersonStateCount) {
      out << "people: person " << i << " is in unknown state " << s;
      return out.str();
    }
    ++by_state[s];
    const auto k = placed_slot(people.state[i]);
    if (!k) continue;
    const std::uint32_t where = people.placement[i];
    if (where >= orgs) {
      out << "people: person " << i << " is " << name_of(people.state[i]) << " but placed with organisation " << where
          << " of " << orgs;
      return out.str();
    }
    ++recount[where][*k];
  }
  std::size_t sum = 0;
  for (std::size_t c : by_state) sum += c;
  if (sum != expected_people) {
    out << "people: counts by state sum to " << sum << " but the scenario has " << expected_people;
    return out.str();
  }
  for (std::uint32_t o = 0; o < orgs; ++o) {
    const Organisation& org = world.org(o);
    for (std::size_t k = 0; k < kPlacedStates.size(); ++k) {
      const int counted = recount[o][k];
      const int held = counter_for(org, kPlacedStates[k]);
      if (held != counted) {
        out << "people: " << org_label(world, o) << " counts " << held << " people " << name_of(kPlacedStates[k])
            << " but a recount of people placed there finds " << counted;
        return out.str();
      }
    }
  }
  return {};
}

std::string check_money(const World& world) {
  const Grosze total = world.money_total();
  if (total == 0) return {};
  Grosze organisations = 0;
  for (std::uint32_t i = 0; i < world.organisation_count(); ++i) organisations += world.org(i).cash;
  std::ostringstream out;
  out << "money: the ledger does not balance: organisations hold " << organisations << " grosze, outside accounts "
      << total - organisations << " grosze, sum " << total << " grosze (should be 0)";
  return out.str();
}

std::string check_ties(const World& world) {
  const OrgGraph& g = world.graph();
  const int step = world.step();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const Tie& t = g[e];
    if (!t.active_at(step)) continue;
    const auto a = static_cast<std::uint32_t>(boost::source(e, g));
    const auto b = static_cast<std::uint32_t>(boost::target(e, g));
    std::ostringstream out;
    if (static_cast<std::size_t>(t.kind) >= kTieKindCount) {
      out << "ties: the tie " << a << " -> " << b << " has unknown kind " << static_cast<int>(t.kind);
      return out.str();
    }
    if (a == b) {
      out << "ties: a " << name_of(t.kind) << " tie joins " << org_label(world, a) << " to itself";
      return out.str();
    }
    for (std::uint32_t end : {a, b}) {
      if (static_cast<std::size_t>(world.org(end).kind) >= kOrgKindCount) {
        out << "ties: " << org_label(world, end) << " has unknown kind " << static_cast<int>(world.org(end).kind);
        return out.str();
      }
      // A tie dated to start this month may wait for its end's founding event later in the
      // month (the events phase); if that never comes, next month's checks catch it.
      const bool awaiting_founding = t.start_step == step && world.org(end).closed_step > step;
      if (!world.org(end).alive && !awaiting_founding) {
        out << "ties: the " << name_of(t.kind) << " tie " << world.org(a).id << " -> " << world.org(b).id
            << " (from step " << t.start_step << ") is active but " << org_label(world, end) << " is not alive";
        return out.str();
      }
    }
  }
  return {};
}

std::string check_tie_cache(const World& world) {
  ActiveTies fresh;
  fresh.rebuild(world.graph(), world.step());
  const std::span<const ActiveTie> cached = world.active_ties().all();
  const std::span<const ActiveTie> read = fresh.all();
  std::ostringstream out;
  if (cached.size() != read.size()) {
    out << "tie cache: lists " << cached.size() << " ties in force, the graph has " << read.size();
    return out.str();
  }
  for (std::size_t k = 0; k < read.size(); ++k) {
    const ActiveTie& c = cached[k];
    const ActiveTie& r = read[k];
    if (c.source != r.source || c.target != r.target || world.active_ties().tie(c) != fresh.tie(r) ||
        c.strength != r.strength || c.start_step != r.start_step || c.kind != r.kind || c.both_alive != r.both_alive) {
      out << "tie cache: entry " << k << " is " << c.source << " -> " << c.target << " " << name_of(c.kind)
          << " strength " << c.strength << " from step " << c.start_step << (c.both_alive ? "" : " (an end closed)")
          << ", the graph has " << r.source << " -> " << r.target << " " << name_of(r.kind) << " strength "
          << r.strength << " from step " << r.start_step << (r.both_alive ? "" : " (an end closed)");
      return out.str();
    }
  }
  return {};
}

std::string check_tie_view(const World& world) {
  const TieView& kept = world.tie_view();
  const TieView fresh(world);
  std::ostringstream out;
  if (kept.nodes() != fresh.nodes() || kept.edges() != fresh.edges() || kept.alive() != fresh.alive()) {
    out << "tie view: " << kept.nodes() << " organisations, " << kept.edges() << " pairs tied, " << kept.alive_count()
        << " living; a fresh view has " << fresh.nodes() << ", " << fresh.edges() << ", " << fresh.alive_count();
    return out.str();
  }
  for (std::uint32_t v = 0; v < fresh.nodes(); ++v) {
    bool same = kept.degree(v) == fresh.degree(v) && std::equal(fresh.begin(v), fresh.end(v), kept.begin(v));
    for (std::size_t k = 0; same && k < fresh.degree(v); ++k) same = kept.ties(v, k) == fresh.ties(v, k);
    if (!same) {
      out << "tie view: organisation " << v << " has " << kept.degree(v) << " partners, a fresh view "
          << fresh.degree(v) << " (or the same partners with other numbers of ties)";
      return out.str();
    }
  }
  return {};
}

std::string check_stocks(const World& world) {
  std::ostringstream out;
  for (std::uint32_t i = 0; i < world.organisation_count(); ++i) {
    const Organisation& o = world.org(i);
    const std::array<std::pair<const char*, std::int64_t>, 15> stocks = {{
        {"staff", o.staff},
        {"members", o.members},
        {"own_places", o.own_places},
        {"funded_places", o.funded_places},
        {"participants", o.participants},
        {"social_jobs", o.social_jobs},
        {"excluded_workers", o.excluded_workers},
        {"shelter_places", o.shelter_places},
        {"shelter_residents", o.shelter_residents},
        {"flat_places", o.flat_places},
        {"flat_residents", o.flat_residents},
        {"capacity", o.capacity},
        {"contracted", o.contracted},
        {"rent", o.rent},
        {"dividend", o.dividend},
    }};
    for (const auto& [name, value] : stocks) {
      if (value < 0) {
        out << "stocks: " << org_label(world, i) << " has " << name << " = " << value << " (cannot be negative)";
        return out.str();
      }
    }
    for (std::size_t r = 0; r < kRevenueSourceCount; ++r) {
      if (o.revenue[r] < 0) {
        out << "stocks: " << org_label(world, i) << " has revenue[" << r << "] = " << o.revenue[r]
            << " grosze this month (cannot be negative)";
        return out.str();
      }
    }
    if (!(o.quality >= 0.0F && o.quality <= 1.0F)) {
      out << "stocks: " << org_label(world, i) << " has quality " << o.quality << " (outside [0, 1])";
      return out.str();
    }
  }
  const OrgGraph& g = world.graph();
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const float s = g[e].strength;
    if (!(std::isfinite(s) && s >= 0.0F)) {
      out << "stocks: the tie " << boost::source(e, g) << " -> " << boost::target(e, g) << " has strength " << s
          << " (cannot be negative)";
      return out.str();
    }
  }
  return {};
}

std::vector<std::string> check_world(const World& world, std::size_t expected_people) {
  std::vector<std::string> problems;
  for (std::string p : {check_people(world, expected_people), check_money(world), check_ties(world),
                        check_tie_cache(world), check_tie_view(world), check_stocks(world)}) {
    if (!p.empty()) problems.push_back(std::move(p));
  }
  return problems;
}

namespace {

std::string violation_message(int step, std::uint32_t replicate, const std::string& after,
                              const std::vector<std::string>& problems, const std::string& month) {
  std::string text = "invariant violated at step " + std::to_string(step) + " (" + month + ") of replicate " +
                     std::to_string(replicate) + ", after " + after + ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) text += (i > 0 ? "; " : "") + problems[i];
  return text;
}

}  // namespace

InvariantViolation::InvariantViolation(int step, std::uint32_t replicate, std::string after,
                                       std::vector<std::string> problems, const std::string& month)
    : std::runtime_error(violation_message(step, replicate, after, problems, month)),
      step_(step),
      replicate_(replicate),
      after_(std::move(after)),
      problems_(std::move(problems)) {}

void set_invariant_checks_default(bool on) { g_checks_default.store(on); }
bool invariant_checks_default() { return g_checks_default.load(); }

}  // namespace partnersim
