#include "models/reintegration/reintegration.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

#include "sim/parallel.h"
#include "sim/registry.h"
#include "sim/task_groups.h"

namespace partnersim::models {

namespace {

constexpr auto kTransition = purpose("reintegration.transition");
constexpr auto kPriority = purpose("reintegration.priority");
constexpr std::uint16_t kMaxMonths = 0xFFFF;
constexpr int kRetentionMonths = 12;

// Who holds places of a resource at an organisation (Org: Organisation or const Organisation).
template <typename Org>
auto& occupancy(Org& o, Resource r) {
  switch (r) {
    case Resource::Programme:
      return o.participants;
    case Resource::Job:
      return o.excluded_workers;
    case Resource::Shelter:
      return o.shelter_residents;
    case Resource::Flat:
      return o.flat_residents;
  }
  return o.participants;
}

int capacity(const Organisation& o, Resource r) {
  switch (r) {
    case Resource::Programme:
      return o.programme_places();
    case Resource::Job:
      return o.social_jobs;
    case Resource::Shelter:
      return o.shelter_places;
    case Resource::Flat:
      return o.flat_places;
  }
  return 0;
}

// The resource a person in this state holds, if any.
std::optional<Resource> held(PersonState s) {
  switch (s) {
    case PersonState::InProgramme:
      return Resource::Programme;
    case PersonState::EmployedSocial:
      return Resource::Job;
    case PersonState::Shelter:
      return Resource::Shelter;
    case PersonState::TrainingFlat:
      return Resource::Flat;
    default:
      return std::nullopt;
  }
}

PersonState state_holding(Resource r) {
  switch (r) {
    case Resource::Programme:
      return PersonState::InProgramme;
    case Resource::Job:
      return PersonState::EmployedSocial;
    case Resource::Shelter:
      return PersonState::Shelter;
    case Resource::Flat:
      return PersonState::TrainingFlat;
  }
  return PersonState::Excluded;
}

constexpr std::size_t idx(Resource r) { return static_cast<std::size_t>(r); }
constexpr std::size_t idx(PersonState s) { return static_cast<std::size_t>(s); }

// A person asking for a limited resource. Lower priority values are served first.
struct Request {
  std::uint16_t municipality = 0;
  double priority = 0.0;
  std::uint32_t person = 0;
};

struct Departure {
  std::uint32_t org = 0;
  Resource resource = Resource::Programme;
};

constexpr std::size_t kMunicipalityChunk = 64;  // municipalities per chunk of parallel passes

// Items filed by key(item) < groups (a counting sort, keeping their order within a group):
// group k's are items[first[k], first[k + 1]), with `first` returned.
template <typename T, typename Key>
std::vector<std::size_t> file_by(std::vector<T>& items, std::size_t groups, Key key) {
  std::vector<std::size_t> first(groups + 1, 0);
  for (const T& item : items) ++first[key(item) + 1];
  std::partial_sum(first.begin(), first.end(), first.begin());
  std::vector<T> filed(items.size());
  std::vector<std::size_t> fill(first.begin(), first.end() - 1);
  for (const T& item : items) filed[fill[key(item)]++] = item;
  items.swap(filed);
  return first;
}

// The order places are offered in, within a municipality: by priority, then person (a
// person asks at most once a month, so no two requests tie and the order is unique).
bool served_before(const Request& a, const Request& b) {
  if (a.priority != b.priority) return a.priority < b.priority;
  return a.person < b.person;
}

// What one chunk of groups of municipalities did while serving requests: counts only.
struct ServeTally {
  ReintegrationFlows flows;
  std::array<std::int64_t, kPersonStateCount> in_state{};
  std::int64_t job_entries = 0;
};
constexpr std::size_t kServeGroupChunk = 16;  // groups of municipalities per chunk

// What one chunk of the parallel pass decided.
struct ChunkResult {
  std::array<std::vector<Request>, kResourceCount> requests;
  std::vector<Departure> departures;
  ReintegrationFlows flows;
  std::array<std::int64_t, kPersonStateCount> state_delta{};
};

void add_flows(ReintegrationFlows& into, const ReintegrationFlows& f) {
  into.referrals += f.referrals;
  into.entries += f.entries;
  into.waiting += f.waiting;
  into.completions += f.completions;
  into.dropouts += f.dropouts;
  into.cut += f.cut;
  into.placements += f.placements;
  into.direct_hires += f.direct_hires;
  into.to_open_market += f.to_open_market;
  into.job_losses += f.job_losses;
  into.relapses += f.relapses;
  into.shelter_entries += f.shelter_entries;
  into.flat_entries += f.flat_entries;
  into.rehoused += f.rehoused;
  into.back_to_street += f.back_to_street;
  into.retained_12m += f.retained_12m;
}

}  // namespace

void Reintegration::configure(const ParamSet& params) {
  const ModuleParams m(params, "reintegration");
  p_.referral_rate = m.real("referral_rate");
  p_.referral_tie_boost = m.real("referral_tie_boost");
  p_.programme_min_months = m.integer("programme_min_months");
  p_.programme_max_months = m.integer("programme_max_months");  // >= min: checked by check_params
  p_.completion_rate = m.real("completion_rate");
  p_.dropout_rate = m.real("dropout_rate");
  p_.placement_probability = m.real("placement_probability");
  p_.direct_hire_rate = m.real("direct_hire_rate");
  p_.min_social_months = m.integer("min_social_months");
  p_.open_market_rate = m.real("open_market_rate");
  p_.social_job_loss_rate = m.real("social_job_loss_rate");
  p_.open_relapse_rate = m.real("open_relapse_rate");
  p_.shelter_entry_rate = m.real("shelter_entry_rate");
  p_.shelter_exit_rate = m.real("shelter_exit_rate");
  p_.flat_entry_rate = m.real("flat_entry_rate");
  p_.flat_min_months = m.integer("flat_min_months");
  p_.flat_exit_rate = m.real("flat_exit_rate");
  p_.flat_dropout_rate = m.real("flat_dropout_rate");
}

void Reintegration::setup(World& world) {
  in_state_.fill(0);
  for (PersonState s : world.people().state) ++in_state_[idx(s)];
  job_entries_by_step_.assign(static_cast<std::size_t>(world.clock().steps()), 0);
  exits_cumulative_ = 0;
  referrers_ = world.organisations_of({OrgKind::SocialAssistanceCentre, OrgKind::LabourOffice});
}

void Reintegration::relocate(World& world, std::size_t person, PersonState to, std::uint32_t placement,
                             std::array<std::int64_t, kPersonStateCount>& in_state) {
  People& people = world.people();
  const PersonState from = people.state[person];
  if (const auto r = held(from); r && people.placement[person] != kNoOrganisation) {
    --occupancy(world.org(people.placement[person]), *r);
  }
  --in_state[idx(from)];
  ++in_state[idx(to)];
  people.move(person, to, placement);
  if (const auto r = held(to)) ++occupancy(world.org(placement), *r);
}

// People lose what they hold when its organisation stops operating or its capacity falls
// below its occupancy: a programme whose funding ended (the funding cliff), a cooperative
// that shed jobs or went dormant, a shelter that closed. Newest entrants leave first.
void Reintegration::cut_without_capacity(World& world) {
  const auto n_orgs = static_cast<std::uint32_t>(world.organisation_count());
  std::array<std::vector<int>, kResourceCount> excess;
  for (auto& e : excess) e.resize(n_orgs);
  const World& w = world;
  const auto found = parallel_chunk_results<std::uint8_t>(
      n_orgs, kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::uint8_t& any) {
        for (auto o = static_cast<std::uint32_t>(begin); o < end; ++o) {
          const Organisation& org = w.org(o);
          for (Resource r : {Resource::Programme, Resource::Job, Resource::Shelter, Resource::Flat}) {
            const int cap = org.operating() ? capacity(org, r) : 0;
            excess[idx(r)][o] = std::max(0, occupancy(org, r) - cap);
            any = static_cast<std::uint8_t>(any | (excess[idx(r)][o] > 0 ? 1 : 0));
          }
        }
      });
  if (std::none_of(found.begin(), found.end(), [](std::uint8_t any) { return any != 0; })) return;
  // The last placed go first: people are visited from the highest index down. Only holders
  // of a place with too many holders can be cut, and excess only falls during the walk, so
  // they are found in parallel first and the walk visits them alone.
  People& people = world.people();
  const auto holders = parallel_gather<std::uint32_t>(
      people.size(), kPeopleChunk, [&](std::size_t begin, std::size_t end, std::vector<std::uint32_t>& out) {
        for (std::size_t i = begin; i < end; ++i) {
          const auto r = held(people.state[i]);
          const std::uint32_t org = people.placement[i];
          if (r && org != kNoOrganisation && excess[idx(*r)][org] > 0) out.push_back(static_cast<std::uint32_t>(i));
        }
      });
  for (std::size_t k = holders.size(); k-- > 0;) {
    const std::uint32_t i = holders[k];
    const auto r = held(people.state[i]);
    const std::uint32_t org = people.placement[i];
    if (excess[idx(*r)][org] == 0) continue;
    --excess[idx(*r)][org];
    switch (*r) {
      case Resource::Programme:
        relocate(world, i, PersonState::Excluded, kNoOrganisation, in_state_);
        ++flows_.cut;
        break;
      case Resource::Job:
        relocate(world, i, PersonState::Excluded, kNoOrganisation, in_state_);
        ++flows_.job_losses;
        break;
      case Resource::Shelter:
      case Resource::Flat:
        relocate(world, i, PersonState::Street, kNoOrganisation, in_state_);
        ++flows_.back_to_street;
        break;
    }
  }
}

// Referral ties from social-assistance centres and labour offices raise the referral rate
// of their municipality and open the tied hosts (also in other municipalities) to its people.
void Reintegration::prepare_referrals(const World& world) {
  const std::size_t munis = world.spec().municipalities.size();
  std::vector<double> strength(munis, 0.0);
  referral_hosts_.assign(munis, {});
  const OrgGraph& g = world.graph();
  // Only referrers' out-edges matter: visit the operating referrers (in index order) only.
  for (const std::uint32_t r : referrers_) {
    const Organisation& from = g[r];
    if (!from.operating()) continue;
    for (auto e : boost::make_iterator_range(boost::out_edges(r, g))) {
      const Tie& tie = g[e];
      if (tie.kind != TieKind::Referral || !tie.active_at(world.step())) continue;
      const auto host = static_cast<std::uint32_t>(boost::target(e, g));
      if (!g[host].operating() || g[host].programme_places() == 0) continue;
      strength[from.municipality] += tie.strength;
      auto& hosts = referral_hosts_[from.municipality];
      if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
    }
  }
  referral_boost_.resize(munis);
  for (std::size_t m = 0; m < munis; ++m) {
    referral_boost_[m] = 1.0 + p_.referral_tie_boost * std::min(1.0, strength[m]);
    std::sort(referral_hosts_[m].begin(), referral_hosts_[m].end());
  }
}

void Reintegration::step(Phase /*phase*/, World& world) {
  flows_ = {};
  cut_without_capacity(world);
  prepare_referrals(world);

  People& people = world.people();
  const ReintegrationParams p = p_;
  const World& w = world;
  const int step = world.step();
  const auto cohort_step = static_cast<std::int16_t>(step - kRetentionMonths);
  const std::vector<double>& boost = referral_boost_;
  auto chunks = parallel_chunk_results<ChunkResult>(
      people.size(), kPeopleChunk, [&](std::size_t begin, std::size_t end, ChunkResult& out) {
        // Leaves what the person holds (released to the organisation in the merge).
        auto leave_to = [&](std::size_t i, PersonState to, std::int64_t& counter) {
          if (const auto r = held(people.state[i])) out.departures.push_back({people.placement[i], *r});
          --out.state_delta[idx(people.state[i])];
          ++out.state_delta[idx(to)];
          ++counter;
          people.move(i, to, kNoOrganisation);
        };
        auto request = [&](std::size_t i, Resource r, double priority_offset) {
          const double priority = priority_offset + w.stream(kPriority, i).uniform();
          out.requests[idx(r)].push_back({people.municipality[i], priority, static_cast<std::uint32_t>(i)});
        };
        for (std::size_t i = begin; i < end; ++i) {
          if (people.months_in_state[i] < kMaxMonths) ++people.months_in_state[i];
          const int months = people.months_in_state[i];
          RandomStream rng = w.stream(kTransition, i);
          switch (people.state[i]) {
            case PersonState::Excluded:
              if (rng.bernoulli(std::min(1.0, p.referral_rate * boost[people.municipality[i]]))) {
                ++out.flows.referrals;
                request(i, Resource::Programme, 0.0);
              } else if (rng.bernoulli(p.direct_hire_rate)) {
                request(i, Resource::Job, 1.0);  // after programme completers
              }
              break;
            case PersonState::InProgramme: {
              const bool dropout = rng.bernoulli(p.dropout_rate);
              const bool completes =
                  !dropout && (months >= p.programme_max_months ||
                               (months >= p.programme_min_months && rng.bernoulli(p.completion_rate)));
              if (!dropout && !completes) break;
              leave_to(i, PersonState::Excluded, dropout ? out.flows.dropouts : out.flows.completions);
              if (completes && rng.bernoulli(p.placement_probability)) request(i, Resource::Job, 0.0);
              break;
            }
            case PersonState::EmployedSocial:
              if (rng.bernoulli(p.social_job_loss_rate)) {
                leave_to(i, PersonState::Excluded, out.flows.job_losses);
              } else if (months >= p.min_social_months && rng.bernoulli(p.open_market_rate)) {
                leave_to(i, PersonState::EmployedOpen, out.flows.to_open_market);
              }
              break;
            case PersonState::EmployedOpen:
              if (rng.bernoulli(p.open_relapse_rate)) leave_to(i, PersonState::Excluded, out.flows.relapses);
              break;
            case PersonState::Street:
              if (rng.bernoulli(p.shelter_entry_rate)) request(i, Resource::Shelter, 0.0);
              break;
            case PersonState::Shelter:
              if (rng.bernoulli(p.shelter_exit_rate)) {
                leave_to(i, PersonState::Street, out.flows.back_to_street);
              } else if (rng.bernoulli(p.flat_entry_rate)) {
                request(i, Resource::Flat, 0.0);
              }
              break;
            case PersonState::TrainingFlat:
              if (rng.bernoulli(p.flat_dropout_rate)) {
                leave_to(i, PersonState::Street, out.flows.back_to_street);
              } else if (months >= p.flat_min_months && rng.bernoulli(p.flat_exit_rate)) {
                leave_to(i, PersonState::Excluded, out.flows.rehoused);
              }
              break;
          }
          const PersonState now = people.state[i];
          if (step >= kRetentionMonths && people.job_entry_step[i] == cohort_step &&
              (now == PersonState::EmployedSocial || now == PersonState::EmployedOpen)) {
            ++out.flows.retained_12m;
          }
        }
      });

  // Merge in chunk order: the same result whatever thread ran which chunk.
  std::array<std::vector<Request>, kResourceCount> requests;
  for (auto& c : chunks) {
    for (const Departure& d : c.departures) --occupancy(world.org(d.org), d.resource);
    add_flows(flows_, c.flows);
    for (std::size_t s = 0; s < kPersonStateCount; ++s) in_state_[s] += c.state_delta[s];
    for (std::size_t r = 0; r < kResourceCount; ++r) {
      requests[r].insert(requests[r].end(), c.requests[r].begin(), c.requests[r].end());
    }
  }
  exits_cumulative_ += flows_.to_open_market;

  // Offer what is free, per municipality, in priority order. Flats go before shelter beds so
  // that beds freed by people moving on are offered to the street the same month.
  const auto n_orgs = static_cast<std::uint32_t>(world.organisation_count());
  const std::size_t munis = world.spec().municipalities.size();
  // Who offers each resource: operating organisations with places of that kind, in index
  // order, with their municipality. Neither changes while places are offered, so one pass
  // over the organisations (large records) serves the four resources.
  struct Offer {
    std::uint32_t organisation = 0;
    std::uint32_t municipality = 0;
  };
  using Offering = std::array<std::vector<Offer>, kResourceCount>;
  const auto offers =
      parallel_chunk_results<Offering>(n_orgs, kOrgRowChunk, [&](std::size_t begin, std::size_t end, Offering& out) {
        for (auto o = static_cast<std::uint32_t>(begin); o < end; ++o) {
          const Organisation& org = w.org(o);
          if (!org.operating()) continue;
          for (Resource r : {Resource::Programme, Resource::Job, Resource::Flat, Resource::Shelter}) {
            if (capacity(org, r) != 0) out[idx(r)].push_back({o, org.municipality});
          }
        }
      });
  Offering offering;
  for (const Offering& part : offers) {  // chunk order: index order
    for (std::size_t r = 0; r < kResourceCount; ++r)
      offering[r].insert(offering[r].end(), part[r].begin(), part[r].end());
  }
  for (Resource r : {Resource::Programme, Resource::Job, Resource::Flat, Resource::Shelter}) {
    const std::vector<Offer>& offered = offering[idx(r)];
    // Places and free places of each provider as this resource's turn comes (serving an
    // earlier one can free places of this one: people leave shelters for flats), read in
    // parallel; places do not change while they are offered.
    std::vector<int> free(n_orgs, 0);
    const auto places_parts = parallel_chunk_results<std::int64_t>(
        offered.size(), kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::int64_t& places) {
          for (std::size_t i = begin; i < end; ++i) {
            const Organisation& org = w.org(offered[i].organisation);
            places += capacity(org, r);
            free[offered[i].organisation] = std::max(0, capacity(org, r) - occupancy(org, r));
          }
        });
    capacity_[idx(r)] = 0;
    for (const std::int64_t places : places_parts) capacity_[idx(r)] += places;  // integers: exact in any order
    // Providers per municipality, in index order: providers[provider_first[m], provider_first[m + 1]).
    std::vector<Offer> filed = offered;
    const std::vector<std::size_t> provider_first =
        file_by(filed, munis, [](const Offer& f) { return f.municipality; });
    std::vector<std::uint32_t> providers(filed.size());
    std::transform(filed.begin(), filed.end(), providers.begin(), [](const Offer& f) { return f.organisation; });
    auto providers_in = [&](std::size_t m) {
      return std::span<const std::uint32_t>(providers).subspan(provider_first[m],
                                                               provider_first[m + 1] - provider_first[m]);
    };
    auto& queue = requests[idx(r)];
    const std::vector<std::size_t> first = file_by(queue, munis, [](const Request& q) { return q.municipality; });
    // Each municipality in turn keeps its candidate hosts with free places (its own
    // providers and, for programmes, its referral-tied hosts) ordered best first: tied hosts,
    // then the most free places, then the lower index; each request in priority order takes
    // the first and re-files it. With F free places among the candidates, the first F
    // requests are served and the others wait, so only those F are put in order (places are
    // scarce: most of a month's requests for programmes wait).
    // The free places a municipality's candidates have now bound those they will have when
    // it is served (places are only taken meanwhile): the requests beyond that bound are set
    // aside first, in parallel.
    std::vector<std::ptrdiff_t> bound(munis, 0);
    parallel_chunks(munis, kMunicipalityChunk, [&](std::size_t begin, std::size_t end) {
      for (std::size_t m = begin; m < end; ++m) {
        const auto requests_m = static_cast<std::ptrdiff_t>(first[m + 1] - first[m]);
        std::int64_t places = 0;  // a host both provider and tied counts twice: still a bound
        for (const std::uint32_t o : providers_in(m)) places += free[o];
        if (r == Resource::Programme) {
          for (const std::uint32_t o : referral_hosts_[m]) places += free[o];
        }
        bound[m] = static_cast<std::ptrdiff_t>(std::min<std::int64_t>(places, requests_m));
        const auto from = queue.begin() + static_cast<std::ptrdiff_t>(first[m]);
        if (bound[m] < requests_m) std::nth_element(from, from + bound[m], from + requests_m, served_before);
      }
    });
    // Municipalities are served in index order, each from its own candidates. Those whose
    // candidates, and the places their requesters leave, are distinct touch nothing in
    // common: such groups are served side by side, each in order, and add up integers after.
    const auto groups = groups_sharing_items(munis, n_orgs, [&](std::uint32_t m, auto&& name) {
      if (first[m] == first[m + 1]) return;
      for (const std::uint32_t o : providers_in(m)) name(o);
      if (r == Resource::Programme) {
        for (const std::uint32_t o : referral_hosts_[m]) name(o);
      }
      for (std::size_t q = first[m]; q < first[m] + static_cast<std::size_t>(bound[m]); ++q) {
        const std::uint32_t person = queue[q].person;
        if (held(people.state[person]) && people.placement[person] != kNoOrganisation) name(people.placement[person]);
      }
    });
    std::vector<std::uint8_t> tied_mark(n_orgs, 0);
    const auto tallies = parallel_chunk_results<ServeTally>(
        groups.size(), kServeGroupChunk, [&](std::size_t g_begin, std::size_t g_end, ServeTally& tally) {
          using Candidate = std::tuple<bool, int, std::uint32_t>;  // (not tied, -free, index): smallest is best
          std::set<Candidate> candidates;
          for (std::size_t g = g_begin; g < g_end; ++g) {
            for (const std::uint32_t m : groups[g]) {
              const auto begin = queue.begin() + static_cast<std::ptrdiff_t>(first[m]);
              const auto end = queue.begin() + static_cast<std::ptrdiff_t>(first[m + 1]);
              if (begin == end) continue;
              const auto in_bound = begin + bound[m];  // the requests beyond were set aside above
              const std::span<const std::uint32_t> tied = r == Resource::Programme
                                                              ? std::span<const std::uint32_t>(referral_hosts_[m])
                                                              : std::span<const std::uint32_t>();
              for (std::uint32_t o : tied) tied_mark[o] = 1;
              candidates.clear();
              for (const std::span<const std::uint32_t> list : {providers_in(m), tied}) {
                for (std::uint32_t o : list) {
                  if (free[o] > 0) candidates.emplace(tied_mark[o] == 0, -free[o], o);
                }
              }
              std::int64_t places = 0;
              for (const Candidate& c : candidates) places -= std::get<1>(c);
              auto served_end = in_bound;
              if (places < in_bound - begin) {
                served_end = begin + static_cast<std::ptrdiff_t>(places);
                std::nth_element(begin, served_end, in_bound, served_before);
              }
              if (r == Resource::Programme) tally.flows.waiting += end - served_end;
              std::sort(begin, served_end, served_before);
              for (auto q = begin; q != served_end; ++q) {
                const std::uint32_t best = std::get<2>(*candidates.begin());  // some place is free
                candidates.erase(candidates.begin());
                --free[best];
                if (free[best] > 0) candidates.emplace(tied_mark[best] == 0, -free[best], best);
                relocate(world, q->person, state_holding(r), best, tally.in_state);
                switch (r) {
                  case Resource::Programme:
                    ++tally.flows.entries;
                    break;
                  case Resource::Job:
                    ++(q->priority < 1.0 ? tally.flows.placements : tally.flows.direct_hires);
                    people.job_entry_step[q->person] = static_cast<std::int16_t>(step);
                    ++tally.job_entries;
                    break;
                  case Resource::Shelter:
                    ++tally.flows.shelter_entries;
                    break;
                  case Resource::Flat:
                    ++tally.flows.flat_entries;
                    break;
                }
              }
              for (std::uint32_t o : tied) tied_mark[o] = 0;
            }
          }
        });
    for (const ServeTally& tally : tallies) {  // integers: exact in any order
      add_flows(flows_, tally.flows);
      for (std::size_t s = 0; s < kPersonStateCount; ++s) in_state_[s] += tally.in_state[s];
      job_entries_by_step_.at(static_cast<std::size_t>(step)) += tally.job_entries;
    }
    // Over the operating organisations (the others add no capacity, and only those offering
    // places have free ones).
    vacant_[idx(r)] = 0;
    for (const Offer& f : offered) vacant_[idx(r)] += free[f.organisation];
  }

  using Employed = std::array<std::int64_t, 3>;
  const auto employed =
      parallel_chunk_results<Employed>(n_orgs, kOrgRowChunk, [&](std::size_t begin, std::size_t end, Employed& sum) {
        sum.fill(0);
        for (auto o = static_cast<std::uint32_t>(begin); o < end; ++o) {
          const Organisation& org = w.org(o);
          const std::size_t k = org.kind == OrgKind::SocialCooperative  ? 0
                                : org.kind == OrgKind::MunicipalCompany ? 1
                                                                        : 2;
          sum[k] += org.excluded_workers;
        }
      });
  employed_by_kind_.fill(0);
  for (const Employed& part : employed) {  // integers: exact in any order
    for (std::size_t k = 0; k < part.size(); ++k) employed_by_kind_[k] += part[k];
  }
  const std::int64_t cohort =
      step >= kRetentionMonths ? job_entries_by_step_[static_cast<std::size_t>(cohort_step)] : 0;
  retention_12m_ = cohort > 0 ? static_cast<double>(flows_.retained_12m) / static_cast<double>(cohort)
                              : std::numeric_limits<double>::quiet_NaN();
}

void Reintegration::observe(const World& /*world*/, std::span<double> out) const {
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  std::size_t k = 0;
  for (std::int64_t count : in_state_) out[k++] = d(count);
  for (std::int64_t v : {flows_.referrals,
                         flows_.entries,
                         flows_.waiting,
                         flows_.completions,
                         flows_.dropouts,
                         flows_.cut,
                         flows_.placements + flows_.direct_hires,
                         flows_.placements,
                         flows_.direct_hires,
                         flows_.to_open_market,
                         exits_cumulative_,
                         flows_.job_losses,
                         flows_.relapses,
                         flows_.shelter_entries,
                         flows_.flat_entries,
                         flows_.rehoused,
                         flows_.back_to_street,
                         employed_by_kind_[0],
                         employed_by_kind_[1],
                         employed_by_kind_[2],
                         capacity_[idx(Resource::Programme)],
                         vacant_[idx(Resource::Job)],
                         capacity_[idx(Resource::Shelter)],
                         capacity_[idx(Resource::Flat)]}) {
    out[k++] = d(v);
  }
  out[k++] = retention_12m_;
}

ModuleInfo reintegration_module_info() {
  ModuleInfo info;
  info.name = "reintegration";
  info.doc =
      "People move from the street through shelters and training flats to housing, and from exclusion through "
      "programme places and social jobs to the open labour market, with dropout and relapse; places, beds and jobs "
      "are limited and allocated per municipality, and referral ties open tied hosts.";
  info.order = 50;
  info.phases = {Phase::People};
  using T = ParamType;
  info.params = {
      {"referral_rate", T::Real, 0.05, "1/month", 0.0, 1.0,
       "Chance per month that an excluded person is referred to a reintegration programme",
       "[G] assumption; CIS+KIS served 46.3k people in 2021 [S GUS]"},
      {"referral_tie_boost", T::Real, 1.0, "factor", 0.0, 10.0,
       "Extra referral rate (x(1+boost*min(1,S))) where S is the strength of referral ties from the municipality's "
       "social-assistance centres and labour offices to hosts",
       "[G] assumption"},
      {"programme_min_months", T::Integer, 6, "months", 1, 24, "Months in a programme before it can be completed",
       "[S] CIS individual plans 6-12 months"},
      {"programme_max_months", T::Integer, 12, "months", 1, 24,
       "Months after which a programme ends for everyone still in it",
       "[S] CIS up to 12 months (18 in justified cases)"},
      {"completion_rate", T::Real, 0.35, "1/month", 0.0, 1.0,
       "Chance per month of completing once the minimum months are done", "[G] assumption"},
      {"dropout_rate", T::Real, 0.04, "1/month", 0.0, 1.0, "Chance per month of leaving a programme early",
       "[G] assumption"},
      {"placement_probability", T::Real, 0.5, "share", 0.0, 1.0,
       "Share of completers who seek a social job (and get one if a vacancy exists nearby)", "[G] assumption"},
      {"direct_hire_rate", T::Real, 0.002, "1/month", 0.0, 1.0,
       "Chance per month that an excluded person seeks a social job directly (brigades), served after completers",
       "[G] assumption; Sopot brigades hired long-term unemployed directly [seed 004]"},
      {"min_social_months", T::Integer, 12, "months", 0, 120,
       "Months in a social job before moving to the open market is possible",
       "[S] support-centre job grants require keeping the job 6-24 months"},
      {"open_market_rate", T::Real, 0.03, "1/month", 0.0, 1.0,
       "Chance per month of moving from a social job to the open labour market", "[G] assumption"},
      {"social_job_loss_rate", T::Real, 0.01, "1/month", 0.0, 1.0,
       "Chance per month of losing a social job and returning to exclusion", "[G] assumption"},
      {"open_relapse_rate", T::Real, 0.01, "1/month", 0.0, 1.0,
       "Chance per month of losing an open-market job and returning to exclusion", "[G] assumption"},
      {"shelter_entry_rate", T::Real, 0.1, "1/month", 0.0, 1.0,
       "Chance per month that a person on the street seeks a shelter bed (gets one if free)", "[G] assumption"},
      {"shelter_exit_rate", T::Real, 0.05, "1/month", 0.0, 1.0, "Chance per month of leaving a shelter for the street",
       "[G] assumption"},
      {"flat_entry_rate", T::Real, 0.05, "1/month", 0.0, 1.0,
       "Chance per month that a shelter resident seeks a social flat with training support", "[G] assumption"},
      {"flat_min_months", T::Integer, 6, "months", 0, 60,
       "Months of training in a social flat before moving to own housing is possible", "[G] assumption"},
      {"flat_exit_rate", T::Real, 0.15, "1/month", 0.0, 1.0,
       "Chance per month of moving from a training flat to own housing after the minimum months", "[G] assumption"},
      {"flat_dropout_rate", T::Real, 0.02, "1/month", 0.0, 1.0,
       "Chance per month of losing a training flat and returning to the street", "[G] assumption"},
  };
  info.metrics = {
      {"people_excluded", "persons", "Housed excluded people neither in a programme nor employed, end of month"},
      {"people_in_programme", "persons", "People holding a programme place (CIS/KIS/NGO), end of month"},
      {"people_employed_social", "persons", "People employed in social cooperatives, municipal companies and similar"},
      {"people_employed_open", "persons", "Formerly excluded people employed on the open labour market"},
      {"people_street", "persons", "Homeless people sleeping rough or in encampments"},
      {"people_shelter", "persons", "Homeless people in night shelters or homeless houses"},
      {"people_training_flat", "persons", "People in social flats with training support"},
      {"referrals", "persons/month", "Excluded people referred to a programme this month"},
      {"programme_entries", "persons/month", "Referred people who got a place this month"},
      {"referrals_waiting", "persons/month", "Referred people who found no free place within reach"},
      {"programme_completions", "persons/month", "People who completed a programme this month"},
      {"programme_dropouts", "persons/month", "People who left a programme early this month"},
      {"programme_places_cut", "persons/month",
       "Participants who lost their place because funding ended or the host stopped"},
      {"job_entries", "persons/month", "Entries into social jobs this month (completers and direct hires)"},
      {"social_placements", "persons/month", "Programme completers who took a social job this month"},
      {"direct_hires", "persons/month", "Excluded people hired directly into a social job this month"},
      {"moves_to_open_market", "persons/month", "Social workers who moved to the open labour market this month"},
      {"exits_to_open_market_cumulative", "persons", "Moves from social jobs to the open market since the start"},
      {"social_job_losses", "persons/month",
       "Social workers who returned to exclusion this month (incl. employer dormant or closed)"},
      {"open_market_relapses", "persons/month", "Open-market workers who returned to exclusion this month"},
      {"shelter_entries", "persons/month", "People from the street who got a shelter bed this month"},
      {"flat_entries", "persons/month", "Shelter residents who moved into a training flat this month"},
      {"rehoused", "persons/month", "People who left a training flat for own housing this month"},
      {"returns_to_street", "persons/month", "People who left a shelter or training flat for the street this month"},
      {"employed_in_cooperatives", "persons", "Excluded people working in social cooperatives"},
      {"employed_in_municipal_companies", "persons", "Excluded people working in municipal companies (brigades)"},
      {"employed_in_other_employers", "persons", "Excluded people in social jobs at businesses, NGOs and others"},
      {"programme_places", "places", "Programme places offered by operating hosts (own and funded)"},
      {"social_job_vacancies", "jobs", "Unfilled social jobs at operating employers after this month's hiring"},
      {"shelter_places", "beds", "Shelter beds at operating organisations"},
      {"training_flat_places", "places", "Places in social flats with training support at operating organisations"},
      {"still_employed_12m_share", "share",
       "Of those who entered a social job 12 months ago, the share employed now (social or open market); NaN when "
       "none entered then. A re-entry counts in the later cohort"},
  };
  info.make = [] { return std::make_unique<Reintegration>(); };
  info.check_params = [](const ParamSet& params) -> std::string {
    const ModuleParams m(params, "reintegration");
    if (m.integer("programme_max_months") < m.integer("programme_min_months")) {
      return "programme_max_months (" + std::to_string(m.integer("programme_max_months")) +
             ") must be at least programme_min_months (" + std::to_string(m.integer("programme_min_months")) + ")";
    }
    return {};
  };
  return info;
}

PARTNERSIM_REGISTER_MODULE(reintegration_module_info)

void Reintegration::save_state(StateWriter& out) const {
  out.put(flows_);
  out.put(in_state_);
  out.put(referral_boost_);
  out.put(referral_hosts_);
  out.put(job_entries_by_step_);
  out.put(exits_cumulative_);
  out.put(capacity_);
  out.put(vacant_);
  out.put(employed_by_kind_);
  out.put(retention_12m_);
}

void Reintegration::restore_state(StateReader& in) {
  in.get(flows_);
  in.get(in_state_);
  in.get(referral_boost_);
  in.get(referral_hosts_);
  in.get(job_entries_by_step_);
  in.get(exits_cumulative_);
  in.get(capacity_);
  in.get(vacant_);
  in.get(employed_by_kind_);
  in.get(retention_12m_);
}

}  // namespace partnersim::models
