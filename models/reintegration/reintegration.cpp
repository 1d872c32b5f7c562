#include "models/reintegration/reintegration.h"

#include <algorithm>
#include <vector>

#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

constexpr auto kTransition = purpose("reintegration.transition");
constexpr auto kPriority = purpose("reintegration.priority");
constexpr std::uint16_t kMaxMonths = 0xFFFF;

// A person asking for a limited resource (a programme place or a social job).
struct Request {
  std::uint16_t municipality = 0;
  double priority = 0.0;
  std::uint32_t person = 0;
};

// What one chunk of the parallel pass decided.
struct ChunkResult {
  std::vector<Request> place_requests;
  std::vector<Request> job_requests;
  std::vector<std::uint32_t> left_programme;  // host of each person who left a place
  std::vector<std::uint32_t> left_job;        // employer of each person who left a job
  ReintegrationFlows flows;
  std::array<std::int64_t, kPersonStateCount> state_delta{};
};

// Assigns requests, in priority order, to the organisation of their municipality with the
// most free capacity (ties: lower index). Returns the organisation per request or
// kNoOrganisation. `free` is indexed by organisation and updated.
std::vector<std::uint32_t> allocate(std::vector<Request>& requests,
                                    const std::vector<std::vector<std::uint32_t>>& by_muni, std::vector<int>& free) {
  std::sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
    if (a.municipality != b.municipality) return a.municipality < b.municipality;
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.person < b.person;
  });
  std::vector<std::uint32_t> assigned(requests.size(), kNoOrganisation);
  for (std::size_t k = 0; k < requests.size(); ++k) {
    const auto m = requests[k].municipality;
    if (m >= by_muni.size()) continue;
    std::uint32_t best = kNoOrganisation;
    for (std::uint32_t org : by_muni[m]) {
      if (free[org] > 0 && (best == kNoOrganisation || free[org] > free[best])) best = org;
    }
    if (best != kNoOrganisation) {
      --free[best];
      assigned[k] = best;
    }
  }
  return assigned;
}

void add_flows(ReintegrationFlows& into, const ReintegrationFlows& f) {
  into.referrals += f.referrals;
  into.completions += f.completions;
  into.dropouts += f.dropouts;
  into.to_open_market += f.to_open_market;
  into.job_losses += f.job_losses;
  into.relapses += f.relapses;
}

}  // namespace

void Reintegration::configure(const ParamSet& params) {
  const ModuleParams m(params, "reintegration");
  p_.referral_rate = m.real("referral_rate");
  p_.programme_min_months = m.integer("programme_min_months");
  p_.programme_max_months = m.integer("programme_max_months");  // >= min: checked by check_params
  p_.completion_rate = m.real("completion_rate");
  p_.dropout_rate = m.real("dropout_rate");
  p_.placement_probability = m.real("placement_probability");
  p_.min_social_months = m.integer("min_social_months");
  p_.open_market_rate = m.real("open_market_rate");
  p_.social_job_loss_rate = m.real("social_job_loss_rate");
  p_.open_relapse_rate = m.real("open_relapse_rate");
}

void Reintegration::setup(World& world) {
  in_state_.fill(0);
  for (PersonState s : world.people().state) ++in_state_[static_cast<std::size_t>(s)];
}

void Reintegration::move(World& world, std::size_t person, PersonState to, std::uint32_t placement) {
  People& people = world.people();
  --in_state_[static_cast<std::size_t>(people.state[person])];
  ++in_state_[static_cast<std::size_t>(to)];
  people.move(person, to, placement);
}

// People lose their place when the host closed or its funded places ran out (the funding
// cliff), and their job when the employer closed. Newest entrants leave first.
void Reintegration::cut_places_without_host(World& world) {
  const std::size_t n_orgs = world.organisation_count();
  std::vector<int> excess(n_orgs, 0);
  std::vector<int> jobs_excess(n_orgs, 0);
  bool any = false;
  for (std::uint32_t o = 0; o < n_orgs; ++o) {
    const Organisation& org = world.org(o);
    const int capacity = org.alive ? org.programme_places() : 0;
    excess[o] = std::max(0, org.participants - capacity);
    jobs_excess[o] = org.alive ? 0 : org.excluded_workers;
    any = any || excess[o] > 0 || jobs_excess[o] > 0;
  }
  if (!any) return;
  People& people = world.people();
  // Scan from the end so the most recent entrants (highest index among equals) go first.
  for (std::size_t i = people.size(); i-- > 0;) {
    const std::uint32_t host = people.placement[i];
    if (host == kNoOrganisation) continue;
    if (people.state[i] == PersonState::InProgramme && excess[host] > 0) {
      --excess[host];
      --world.org(host).participants;
      move(world, i, PersonState::Excluded, kNoOrganisation);
      ++flows_.cut;
    } else if (people.state[i] == PersonState::EmployedSocial && jobs_excess[host] > 0) {
      --jobs_excess[host];
      --world.org(host).excluded_workers;
      move(world, i, PersonState::Excluded, kNoOrganisation);
      ++flows_.job_losses;
    }
  }
}

void Reintegration::step(Phase /*phase*/, World& world) {
  flows_ = {};
  cut_places_without_host(world);

  People& people = world.people();
  const ReintegrationParams p = p_;
  const World& w = world;
  auto chunks = parallel_chunk_results<ChunkResult>(
      people.size(), kPeopleChunk, [&](std::size_t begin, std::size_t end, ChunkResult& out) {
        auto leave_to = [&](std::size_t i, PersonState to, std::int64_t& counter) {
          --out.state_delta[static_cast<std::size_t>(people.state[i])];
          ++out.state_delta[static_cast<std::size_t>(to)];
          ++counter;
          people.move(i, to, kNoOrganisation);
        };
        for (std::size_t i = begin; i < end; ++i) {
          if (people.months_in_state[i] < kMaxMonths) ++people.months_in_state[i];
          const int months = people.months_in_state[i];
          RandomStream rng = w.stream(kTransition, i);
          switch (people.state[i]) {
            case PersonState::Excluded:
              if (rng.bernoulli(p.referral_rate)) {
                ++out.flows.referrals;
                out.place_requests.push_back(
                    {people.municipality[i], w.stream(kPriority, i).uniform(), static_cast<std::uint32_t>(i)});
              }
              break;
            case PersonState::InProgramme: {
              const bool dropout = rng.bernoulli(p.dropout_rate);
              const bool completes =
                  !dropout && (months >= p.programme_max_months ||
                               (months >= p.programme_min_months && rng.bernoulli(p.completion_rate)));
              if (!dropout && !completes) break;
              out.left_programme.push_back(people.placement[i]);
              leave_to(i, PersonState::Excluded, dropout ? out.flows.dropouts : out.flows.completions);
              if (completes && rng.bernoulli(p.placement_probability)) {
                out.job_requests.push_back(
                    {people.municipality[i], w.stream(kPriority, i).uniform(), static_cast<std::uint32_t>(i)});
              }
              break;
            }
            case PersonState::EmployedSocial:
              if (rng.bernoulli(p.social_job_loss_rate)) {
                out.left_job.push_back(people.placement[i]);
                leave_to(i, PersonState::Excluded, out.flows.job_losses);
              } else if (months >= p.min_social_months && rng.bernoulli(p.open_market_rate)) {
                out.left_job.push_back(people.placement[i]);
                leave_to(i, PersonState::EmployedOpen, out.flows.to_open_market);
              }
              break;
            case PersonState::EmployedOpen:
              if (rng.bernoulli(p.open_relapse_rate)) leave_to(i, PersonState::Excluded, out.flows.relapses);
              break;
            case PersonState::Street:
            case PersonState::Shelter:
            case PersonState::TrainingFlat:
              break;
          }
        }
      });

  // Merge in chunk order: the same result whatever thread ran which chunk.
  std::vector<Request> place_requests;
  std::vector<Request> job_requests;
  for (auto& c : chunks) {
    for (std::uint32_t host : c.left_programme) --world.org(host).participants;
    for (std::uint32_t employer : c.left_job) --world.org(employer).excluded_workers;
    add_flows(flows_, c.flows);
    for (std::size_t s = 0; s < kPersonStateCount; ++s) in_state_[s] += c.state_delta[s];
    place_requests.insert(place_requests.end(), c.place_requests.begin(), c.place_requests.end());
    job_requests.insert(job_requests.end(), c.job_requests.begin(), c.job_requests.end());
  }

  // Limited places and jobs, offered per municipality in random priority order.
  const std::size_t n_orgs = world.organisation_count();
  std::vector<std::vector<std::uint32_t>> hosts(world.spec().municipalities.size());
  std::vector<std::vector<std::uint32_t>> employers(world.spec().municipalities.size());
  std::vector<int> free_places(n_orgs, 0);
  std::vector<int> free_jobs(n_orgs, 0);
  places_ = 0;
  for (std::uint32_t o = 0; o < n_orgs; ++o) {
    const Organisation& org = world.org(o);
    if (!org.alive) continue;
    if (org.programme_places() > 0) {
      hosts[org.municipality].push_back(o);
      free_places[o] = std::max(0, org.programme_places() - org.participants);
      places_ += org.programme_places();
    }
    if (org.social_jobs > 0) {
      employers[org.municipality].push_back(o);
      free_jobs[o] = std::max(0, org.social_jobs - org.excluded_workers);
    }
  }
  const auto place_for = allocate(place_requests, hosts, free_places);
  for (std::size_t k = 0; k < place_requests.size(); ++k) {
    if (place_for[k] == kNoOrganisation) {
      ++flows_.waiting;
      continue;
    }
    ++world.org(place_for[k]).participants;
    move(world, place_requests[k].person, PersonState::InProgramme, place_for[k]);
    ++flows_.entries;
  }
  const auto job_for = allocate(job_requests, employers, free_jobs);
  for (std::size_t k = 0; k < job_requests.size(); ++k) {
    if (job_for[k] == kNoOrganisation) continue;
    ++world.org(job_for[k]).excluded_workers;
    move(world, job_requests[k].person, PersonState::EmployedSocial, job_for[k]);
    ++flows_.placements;
  }
  vacancies_ = 0;
  for (int v : free_jobs) vacancies_ += v;
}

void Reintegration::observe(const World& /*world*/, std::span<double> out) const {
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  std::size_t k = 0;
  for (std::int64_t count : in_state_) out[k++] = d(count);
  for (std::int64_t v :
       {flows_.referrals, flows_.entries, flows_.waiting, flows_.completions, flows_.dropouts, flows_.cut,
        flows_.placements, flows_.to_open_market, flows_.job_losses, flows_.relapses, places_, vacancies_}) {
    out[k++] = d(v);
  }
}

ModuleInfo reintegration_module_info() {
  ModuleInfo info;
  info.name = "reintegration";
  info.doc =
      "Excluded people move through programme places to social jobs and the open labour market, with "
      "dropout and relapse; places and jobs are limited and allocated per municipality.";
  info.order = 50;
  info.phases = {Phase::People};
  using T = ParamType;
  info.params = {
      {"referral_rate", T::Real, 0.05, "1/month", 0.0, 1.0,
       "Chance per month that an excluded person is referred to a reintegration programme",
       "[G] assumption; CIS+KIS served 46.3k people in 2021 [S GUS]"},
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
      {"min_social_months", T::Integer, 12, "months", 0, 120,
       "Months in a social job before moving to the open market is possible",
       "[S] support-centre job grants require keeping the job 6-24 months"},
      {"open_market_rate", T::Real, 0.03, "1/month", 0.0, 1.0,
       "Chance per month of moving from a social job to the open labour market", "[G] assumption"},
      {"social_job_loss_rate", T::Real, 0.01, "1/month", 0.0, 1.0,
       "Chance per month of losing a social job and returning to exclusion", "[G] assumption"},
      {"open_relapse_rate", T::Real, 0.01, "1/month", 0.0, 1.0,
       "Chance per month of losing an open-market job and returning to exclusion", "[G] assumption"},
  };
  info.metrics = {
      {"people_excluded", "persons", "Excluded people neither in a programme nor employed, end of month"},
      {"people_in_programme", "persons", "People holding a programme place (CIS/KIS/NGO), end of month"},
      {"people_employed_social", "persons", "People employed in social cooperatives, municipal companies and similar"},
      {"people_employed_open", "persons", "Formerly excluded people employed on the open labour market"},
      {"people_street", "persons", "Homeless people sleeping rough or in encampments"},
      {"people_shelter", "persons", "Homeless people in night shelters or homeless houses"},
      {"people_training_flat", "persons", "People in social flats with training support"},
      {"referrals", "persons/month", "Excluded people referred to a programme this month"},
      {"programme_entries", "persons/month", "Referred people who got a place this month"},
      {"referrals_waiting", "persons/month", "Referred people who found no free place in their municipality"},
      {"programme_completions", "persons/month", "People who completed a programme this month"},
      {"programme_dropouts", "persons/month", "People who left a programme early this month"},
      {"programme_places_cut", "persons/month",
       "Participants who lost their place because funding ended or the host closed"},
      {"social_placements", "persons/month", "Completers who took a social job this month"},
      {"moves_to_open_market", "persons/month", "Social workers who moved to the open labour market this month"},
      {"social_job_losses", "persons/month", "Social workers who returned to exclusion this month"},
      {"open_market_relapses", "persons/month", "Open-market workers who returned to exclusion this month"},
      {"programme_places", "places", "Programme places offered by open hosts (own and funded)"},
      {"social_job_vacancies", "jobs", "Unfilled social jobs at open employers after this month's hiring"},
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

}  // namespace partnersim::models
