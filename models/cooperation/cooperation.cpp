#include "models/cooperation/cooperation.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

#include "sim/network.h"
#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

constexpr std::uint64_t kProposer = 7ULL << 40;  // this module's slot among edit proposers
constexpr auto kClosure = purpose("cooperation.closure");
constexpr auto kBroker = purpose("cooperation.broker");
constexpr std::size_t kOrgChunk = 256;    // organisations per chunk of the parallel formation pass
constexpr int kBrokerAttempts = 8;        // random pairs a broker tries before giving up for the month
constexpr std::uint32_t kClosureSeq = 0;  // sequence of an organisation's closure proposal
constexpr std::uint32_t kBrokerSeq = 1;   // sequence of a broker's introduction

// A tie one organisation proposes this month: the pair (a < b) and who proposed it.
struct Proposal {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t proposer = 0;
  bool by_broker = false;
};

bool is_broker(OrgKind kind) { return kind == OrgKind::SupportCentre || kind == OrgKind::RegionalCentre; }

bool is_joint_work(TieKind kind) {
  return kind == TieKind::Contract || kind == TieKind::Consortium || kind == TieKind::Grant;
}

std::pair<std::uint32_t, std::uint32_t> ordered(std::uint32_t a, std::uint32_t b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

}  // namespace

bool is_cooperation_tie(TieKind kind) {
  return kind == TieKind::Informal || kind == TieKind::Partnership || kind == TieKind::Consortium;
}

void Cooperation::configure(const ParamSet& params) {
  const ModuleParams m(params, "cooperation");
  p_.bridge_decay = m.real("bridge_decay");
  p_.cluster_decay = m.real("cluster_decay");
  p_.pact_decay_factor = m.real("pact_decay_factor");
  p_.strengthen_step = m.real("strengthen_step");
  p_.break_threshold = m.real("break_threshold");
  p_.closure_rate = m.real("closure_rate");
  p_.closure_acceptance = m.real("closure_acceptance");
  p_.homophily_sector = m.real("homophily_sector");
  p_.homophily_district = m.real("homophily_district");
  p_.broker_rate = m.real("broker_rate");
  p_.initial_strength = m.real("initial_strength");
}

void Cooperation::step(Phase /*phase*/, World& world) {
  formed_ = 0;
  formed_by_brokers_ = 0;
  decayed_ = 0;
  // Both passes see the ties in force at the start of the phase: a tie that breaks now
  // still counted for bridges and introductions, and new ties are applied in Rewire.
  const TieView& view = world.tie_view();
  update_strengths(world, view);
  form_ties(world, view);
}

// Strength of informal, partnership and consortium ties that existed before this month:
// joint work (another contract, consortium or grant tie between the same two) adds a step;
// otherwise the tie decays, as a bridge (no common neighbour) or inside a cluster, slower
// between pact co-signatories, and ends once below the threshold.
void Cooperation::update_strengths(World& world, const TieView& view) {
  const World& w = world;
  const ActiveTies& ties = world.active_ties();
  const int step = world.step();
  const std::size_t n = world.organisation_count();
  using Pair = std::pair<std::uint32_t, std::uint32_t>;
  // Every tie is listed under exactly one organisation (its source), so passes over
  // organisations' ties touch disjoint ties and run in parallel; what they find is merged in
  // organisation order.
  const auto joint_ties =
      parallel_gather<Pair>(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::vector<Pair>& out) {
        for (const ActiveTie& t : ties.from(begin, end)) {
          if (t.source != t.target && is_joint_work(t.kind)) out.emplace_back(t.source, t.target);
        }
      });
  // Joint-work partners of each organisation, one entry per joint-work tie, sorted: the
  // number of joint-work ties of a pair is a count in the shorter of two small rows.
  std::vector<std::size_t> joint_offsets(n + 1, 0);
  for (const auto& [a, b] : joint_ties) {
    ++joint_offsets[a + 1];
    ++joint_offsets[b + 1];
  }
  std::partial_sum(joint_offsets.begin(), joint_offsets.end(), joint_offsets.begin());
  std::vector<std::uint32_t> joint(joint_offsets[n]);
  {
    std::vector<std::size_t> fill(joint_offsets.begin(), joint_offsets.end() - 1);
    for (const auto& [a, b] : joint_ties) {
      joint[fill[a]++] = b;
      joint[fill[b]++] = a;
    }
  }
  parallel_chunks(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t v = begin; v < end; ++v) {
      std::sort(joint.begin() + static_cast<std::ptrdiff_t>(joint_offsets[v]),
                joint.begin() + static_cast<std::ptrdiff_t>(joint_offsets[v + 1]));
    }
  });
  auto joint_count = [&](std::uint32_t a, std::uint32_t b) {
    const auto first = joint.begin() + static_cast<std::ptrdiff_t>(joint_offsets[a]);
    const auto last = joint.begin() + static_cast<std::ptrdiff_t>(joint_offsets[a + 1]);
    const auto [lo, hi] = std::equal_range(first, last, b);
    return hi - lo;
  };

  struct Decayed {
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    TieKind kind = TieKind::Informal;
  };
  const CooperationParams p = p_;
  const auto decayed =
      parallel_gather<Decayed>(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::vector<Decayed>& out) {
        // Common partners of a and b: a's partners are stamped once (stamps are unique per
        // thread and organisation visit, so the array is never cleared), then b's are looked
        // up; a hub b is searched for a's few partners instead.
        thread_local std::vector<std::uint64_t> stamp;
        thread_local std::uint64_t visit = 0;
        if (stamp.size() < n) stamp.assign(n, 0);
        // A closed organisation's ties are all skipped below (not both_alive): its record,
        // large and scattered, is not read.
        for (auto a = static_cast<std::uint32_t>(begin); a < end; ++a) {
          bool stamped = false;
          auto share_neighbour = [&](std::uint32_t b) {
            if (view.degree(b) > 16 * view.degree(a)) return view.share_neighbour(a, b);
            if (!stamped) {
              ++visit;
              for (const std::uint32_t* x = view.begin(a); x != view.end(a); ++x) stamp[*x] = visit;
              stamped = true;
            }
            for (const std::uint32_t* x = view.begin(b); x != view.end(b); ++x) {
              if (stamp[*x] == visit) return true;
            }
            return false;
          };
          // The entries' strength and kind are the ties' own (the cache is brought up to date
          // when read; each tie is listed, and changed, once), so the ties in the graph,
          // scattered in memory, are only written.
          for (const ActiveTie& entry : ties.from(a)) {
            if (!is_cooperation_tie(entry.kind) || entry.start_step >= step) continue;
            const std::uint32_t b = entry.target;
            if (a == b || !entry.both_alive) continue;
            // A consortium tie is joint work for the pair's other ties, not for itself.
            const auto others = joint_count(a, b) - (entry.kind == TieKind::Consortium ? 1 : 0);
            if (others > 0) {
              world.set_tie_strength(
                  entry, static_cast<float>(std::min(1.0, static_cast<double>(entry.strength) + p.strengthen_step)));
              continue;
            }
            double rate = share_neighbour(b) ? p.cluster_decay : p.bridge_decay;
            if (w.share_pact(a, b)) rate *= p.pact_decay_factor;
            const auto strength = static_cast<float>(static_cast<double>(entry.strength) * (1.0 - rate));
            world.set_tie_strength(entry, strength);
            if (strength < p.break_threshold) {
              world.end_tie_now(entry);
              out.push_back({a, b, entry.kind});
            }
          }
        }
      });
  world.ties_written();  // strengths and ends changed through the cache
  for (const Decayed& d : decayed) {
    ++decayed_;
    world.log("tie_decayed", d.a, d.b, 0, std::string(name_of(d.kind)));
  }
}

// New informal ties: each operating organisation may close a triad through a random partner
// of a random partner; support and regional centres may introduce two of their partners.
// Decided in parallel from per-organisation streams, merged in organisation order.
void Cooperation::form_ties(World& world, const TieView& view) {
  const World& w = world;
  const CooperationParams p = p_;
  auto proposals = parallel_gather<Proposal>(
      w.organisation_count(), kOrgChunk, [&](std::size_t begin, std::size_t end, std::vector<Proposal>& out) {
        std::vector<std::uint32_t> partners;
        for (auto i = static_cast<std::uint32_t>(begin); i < end; ++i) {
          const Organisation& o = w.org(i);
          if (!o.operating() || view.degree(i) == 0) continue;
          if (p.closure_rate > 0.0) {
            RandomStream rng = w.stream(kClosure, i);
            if (rng.bernoulli(p.closure_rate)) {
              const std::uint32_t j = view.begin(i)[rng.below(view.degree(i))];
              const std::uint32_t k = view.begin(j)[rng.below(view.degree(j))];
              if (k != i && w.org(k).operating() && !view.adjacent(i, k)) {
                const Organisation& other = w.org(k);
                const bool same_sector = o.sector != 0 && o.sector == other.sector;
                const bool same_district = o.municipality == other.municipality;
                const double h = p.closure_acceptance * (same_sector ? p.homophily_sector : 1.0) *
                                 (same_district ? p.homophily_district : 1.0);
                if (rng.bernoulli(std::min(1.0, h))) {
                  const auto [a, b] = ordered(i, k);
                  out.push_back({a, b, i, false});
                }
              }
            }
          }
          if (is_broker(o.kind) && p.broker_rate > 0.0) {
            RandomStream rng = w.stream(kBroker, i);
            if (!rng.bernoulli(p.broker_rate)) continue;
            partners.clear();
            for (const std::uint32_t* n = view.begin(i); n != view.end(i); ++n) {
              if (w.org(*n).operating()) partners.push_back(*n);
            }
            if (partners.size() < 2) continue;
            for (int attempt = 0; attempt < kBrokerAttempts; ++attempt) {
              const auto x = rng.below(partners.size());
              auto y = rng.below(partners.size() - 1);
              if (y >= x) ++y;
              if (view.adjacent(partners[x], partners[y])) continue;
              const auto [a, b] = ordered(partners[x], partners[y]);
              out.push_back({a, b, i, true});
              break;
            }
          }
        }
      });

  // One tie per pair, whoever proposed it first (in organisation order, closure first).
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  const int step = world.step();
  for (const Proposal& q : proposals) {
    if (!seen.emplace(q.a, q.b).second) continue;
    ++formed_;
    formed_by_brokers_ += q.by_broker ? 1 : 0;
    world.propose(GraphEdit{GraphEdit::Type::AddTie, kProposer | q.proposer, q.by_broker ? kBrokerSeq : kClosureSeq,
                            q.a, q.b,
                            Tie{TieKind::Informal, static_cast<float>(p_.initial_strength), step, kOpenEnded}});
  }
}

void Cooperation::observe(const World& world, std::span<double> out) const {
  const ActiveTies& ties = world.active_ties();
  struct Sums {
    double sum = 0.0;
    std::int64_t count = 0;
    double pact_sum = 0.0;
    std::int64_t pact_count = 0;
  };
  // Per chunk of organisations (the ties they are the source of), added up in chunk order.
  const auto parts = parallel_chunk_results<Sums>(world.organisation_count(), kOrgRowChunk,
                                                  [&](std::size_t begin, std::size_t end, Sums& s) {
                                                    for (const ActiveTie& t : ties.from(begin, end)) {
                                                      if (!is_cooperation_tie(t.kind) || !t.both_alive) continue;
                                                      s.sum += t.strength;
                                                      ++s.count;
                                                      if (world.share_pact(t.source, t.target)) {
                                                        s.pact_sum += t.strength;
                                                        ++s.pact_count;
                                                      }
                                                    }
                                                  });
  double sum = 0.0;
  std::int64_t count = 0;
  double pact_sum = 0.0;
  std::int64_t pact_count = 0;
  for (const Sums& s : parts) {
    sum += s.sum;
    count += s.count;
    pact_sum += s.pact_sum;
    pact_count += s.pact_count;
  }
  out[0] = static_cast<double>(formed_);
  out[1] = static_cast<double>(formed_by_brokers_);
  out[2] = static_cast<double>(decayed_);
  out[3] = count > 0 ? sum / static_cast<double>(count) : 0.0;
  out[4] = pact_count > 0 ? pact_sum / static_cast<double>(pact_count) : 0.0;
}

ModuleInfo cooperation_module_info() {
  ModuleInfo info;
  info.name = "cooperation";
  info.doc =
      "Informal ties form by triadic closure (with homophily by sector and municipality) and by brokers' "
      "introductions; informal, partnership and consortium ties strengthen with joint work and otherwise decay "
      "(bridges faster, pact signatories slower) until they break.";
  info.order = 70;
  info.phases = {Phase::Ties};
  using T = ParamType;
  info.params = {
      {"bridge_decay", T::Real, 0.17, "1/month", 0.0, 1.0,
       "Share of its strength a tie without joint work loses per month when the two have no common partner",
       "[D] Burt 2002: about 90% of brokerage ties gone within a year, 1-0.1^(1/12) = 0.17/month (DOMAIN.md)"},
      {"cluster_decay", T::Real, 0.03, "1/month", 0.0, 1.0,
       "Share of its strength a tie without joint work loses per month when the two share a partner",
       "[G] assumption (DOMAIN.md: about 3% a month)"},
      {"pact_decay_factor", T::Real, 0.25, "factor", 0.0, 1.0,
       "Multiplies the decay rate of a tie between two signatories of a common pact", "[G] assumption"},
      {"strengthen_step", T::Real, 0.05, "strength/month", 0.0, 1.0,
       "Strength a tie gains per month while its two ends share a contract, consortium or grant tie (cap 1)",
       "[G] assumption"},
      {"break_threshold", T::Real, 0.05, "strength", 0.0, 1.0,
       "A decaying tie whose strength falls below this ends that month", "[G] assumption"},
      {"closure_rate", T::Real, 0.05, "1/month", 0.0, 1.0,
       "Chance per month that an operating organisation meets a random partner of a random partner", "[G] assumption"},
      {"closure_acceptance", T::Real, 0.3, "probability", 0.0, 1.0,
       "Chance that such a meeting becomes an informal tie, before homophily", "[G] assumption"},
      {"homophily_sector", T::Real, 2.0, "factor", 0.0, 10.0,
       "Multiplies the acceptance when both work in the same service sector (sector none never matches)",
       "[G] assumption"},
      {"homophily_district", T::Real, 2.0, "factor", 0.0, 10.0,
       "Multiplies the acceptance when both are in the same municipality", "[G] assumption"},
      {"broker_rate", T::Real, 0.2, "1/month", 0.0, 1.0,
       "Chance per month that a support or regional centre introduces two of its untied operating partners",
       "[G] assumption"},
      {"initial_strength", T::Real, 0.3, "strength", 0.0, 1.0, "Strength of a new informal tie", "[G] assumption"},
  };
  info.metrics = {
      {"ties_formed", "ties/month", "Informal ties formed this month by triadic closure and brokers (one per pair)"},
      {"ties_formed_by_brokers", "ties/month", "Informal ties formed this month by brokers' introductions"},
      {"ties_decayed", "ties/month",
       "Informal, partnership and consortium ties that ended this month because their strength decayed below the "
       "break threshold"},
      {"mean_tie_strength", "strength",
       "Mean strength of informal, partnership and consortium ties in force between living organisations (0 if "
       "none)"},
      {"pact_ties_mean_strength", "strength",
       "Mean strength of informal, partnership and consortium ties in force between two signatories of a common pact "
       "(0 if none)"},
  };
  info.check_params = [](const ParamSet& params) -> std::string {
    const ModuleParams m(params, "cooperation");
    if (m.real("initial_strength") < m.real("break_threshold")) {
      return "initial_strength must not be below break_threshold (new ties would break at once)";
    }
    return {};
  };
  info.make = [] { return std::make_unique<Cooperation>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(cooperation_module_info)

void Cooperation::save_state(StateWriter& out) const {
  out.put(formed_);
  out.put(formed_by_brokers_);
  out.put(decayed_);
}

void Cooperation::restore_state(StateReader& in) {
  in.get(formed_);
  in.get(formed_by_brokers_);
  in.get(decayed_);
}

}  // namespace partnersim::models
