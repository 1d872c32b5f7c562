#include "models/procurement/procurement.h"

#include <algorithm>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "sim/parallel.h"
#include "sim/registry.h"
#include "sim/task_groups.h"

namespace partnersim::models {

namespace {

constexpr auto kLot = purpose("procurement.lot");
constexpr auto kBid = purpose("procurement.bid");
constexpr std::uint64_t kModuleSlot = 3;
constexpr Grosze kMonthsPerYear = 12;

Grosze free_capacity(const Organisation& o) { return std::max(Grosze{0}, o.capacity - o.contracted); }

bool may_bid(OrgKind k) {
  return k == OrgKind::Business || k == OrgKind::SocialCooperative || k == OrgKind::Ngo ||
         k == OrgKind::ReintegrationCentre;
}

// Rounds per chunk when finding what each round touches.
constexpr std::size_t kRoundChunk = 4;

bool founded_by(const World& world, std::uint32_t founder, std::uint32_t org) {
  const OrgGraph& g = world.graph();
  for (auto e : boost::make_iterator_range(boost::out_edges(founder, g))) {
    if (boost::target(e, g) == org && g[e].kind == TieKind::Founding && g[e].active_at(world.step())) return true;
  }
  return false;
}

// Splits `total` in proportion to `weights` (largest remainder, ties to the earlier), so the
// parts sum to `total` exactly and none exceeds its exact share rounded up.
std::vector<Grosze> proportional_split(Grosze total, const std::vector<Grosze>& weights) {
  __extension__ typedef __int128 I128;
  I128 sum = 0;
  for (Grosze w : weights) sum += w;
  std::vector<Grosze> parts(weights.size(), 0);
  if (sum <= 0) {
    if (!parts.empty()) parts[0] = total;
    return parts;
  }
  std::vector<std::pair<I128, std::size_t>> remainders;
  Grosze assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const I128 exact = static_cast<I128>(total) * weights[i];
    parts[i] = static_cast<Grosze>(exact / sum);
    assigned += parts[i];
    remainders.emplace_back(exact % sum, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (std::size_t r = 0; assigned < total; ++r, ++assigned) ++parts[remainders[r].second];
  return parts;
}

}  // namespace

Grosze Contract::active_monthly() const {
  Grosze total = 0;
  for (const ContractPart& part : parts) total += part.active ? part.monthly : 0;
  return total;
}

void Procurement::configure(const ParamSet& params) {
  const ModuleParams m(params, "procurement");
  p_.lot_size = pln_to_grosze(m.real("lot_size_pln"));
  p_.direct_order_limit = pln_to_grosze(m.real("direct_order_limit_pln"));
  p_.w_price = m.real("w_price");
  p_.w_trust = m.real("w_trust");
  p_.w_capacity = m.real("w_capacity");
  p_.social_clause_bonus = m.real("social_clause_bonus");
  p_.cooperative_price_premium = m.real("cooperative_price_premium");
  p_.noise_sd = m.real("noise_sd");
  p_.consortia_enabled = m.flag("consortia_enabled");
  p_.consortium_min_strength = m.real("consortium_min_strength");
  p_.max_consortium_size = m.integer("max_consortium_size");
  p_.contract_tie_strength = m.real("contract_tie_strength");
}

void Procurement::setup(World& /*world*/) {
  contracts_.clear();
  flows_ = {};
}

void Procurement::step(Phase /*phase*/, World& world) {
  flows_ = {};
  sequence_ = 0;
  pay_and_settle(world);
  const int month = world.clock().month_of(world.step()).month;
  const auto& buyers = world.spec().buyers;
  tendering_.clear();
  for (std::uint32_t k = 0; k < buyers.size(); ++k) {
    if (buyers[k].tender_month == month && world.org(buyers[k].organisation).operating()) tendering_.push_back(k);
  }
  // Demand still covered by contracts running on from earlier rounds, per buyer and demand.
  // A buyer tenders once a step, and its own round only adds contracts after reading its
  // own coverage, so summing once before the rounds is the same as summing in each.
  covered_.assign(buyers.size(), {});
  for (const std::uint32_t k : tendering_) covered_[k].assign(buyers[k].demand.size(), 0);
  for (const Contract& c : contracts_) {
    if (!covered_[c.buyer_spec].empty()) covered_[c.buyer_spec][c.demand_spec] += c.active_monthly() * kMonthsPerYear;
  }
  // The rounds in buyer order, as groups that share no organisation run side by side: each
  // group's rounds run in order, and their outcomes are replayed in buyer order, so the
  // result is that of running every round one after another.
  const std::vector<RoundPlan> plans = plan_rounds(world);
  auto named_by = [&plans](std::uint32_t r, auto&& name) {
    for (const DemandPlan& dp : plans[r].demands) {
      for (const std::uint32_t o : dp.bidders) name(o);
      for (const auto& [j, strength] : dp.partners) name(j);
    }
    for (const std::uint32_t o : plans[r].founded) name(o);
  };
  std::vector<TenderGroup> groups;
  for (auto& rounds : groups_sharing_items(plans.size(), world.organisation_count(), named_by)) {
    groups.push_back({std::move(rounds), {}});
  }
  std::vector<RoundOutcome> outcomes(tendering_.size());
  bid_stream_of_.resize(world.organisation_count(), -1);
  parallel_chunks(groups.size(), 1, [&](std::size_t first, std::size_t last) {
    Workspace& ws = workspaces_.local();
    for (std::size_t g = first; g < last; ++g) {
      for (const std::uint32_t position : groups[g].rounds) {
        Round round{world, tendering_[position], plans[position], ws, groups[g], outcomes[position]};
        tender_round(round);
      }
    }
  });
  for (RoundOutcome& outcome : outcomes) {
    for (RoundEvent& e : outcome.events) world.log(e.kind, e.source, e.target, e.amount, std::move(e.note));
    for (GraphEdit& edit : outcome.edits) {
      edit.sequence = sequence_++;
      world.propose(edit);
    }
    for (Contract& c : outcome.contracts) contracts_.push_back(std::move(c));
    flows_ += outcome.flows;
  }
  for (const TenderGroup& group : groups) {
    for (const auto& [lead, stream] : group.bid_streams) bid_stream_of_[lead] = -1;
  }
}

// Pays every running contract's members, drops the parts of members that stopped operating
// (and whole contracts of a closed buyer), and releases contracts after their last payment
// so their capacity is free for this month's tenders.
void Procurement::pay_and_settle(World& world) {
  const int step = world.step();
  auto end_part = [&world](ContractPart& part) {
    Organisation& member = world.org(part.org);
    member.contracted = std::max(Grosze{0}, member.contracted - part.monthly);
    part.active = false;
  };
  for (std::size_t i = 0; i < contracts_.size(); ++i) {
    // Members are scattered in memory: fetch the parts, then the members, a few contracts ahead.
    constexpr std::size_t kAhead = World::kPrefetchAhead;
    if (i + 2 * kAhead < contracts_.size()) __builtin_prefetch(contracts_[i + 2 * kAhead].parts.data());
    if (i + kAhead < contracts_.size()) {
      for (const ContractPart& part : contracts_[i + kAhead].parts) world.prefetch_org(part.org);
    }
    Contract& c = contracts_[i];
    const bool buyer_alive = world.org(c.buyer).alive;
    const bool running = c.first_payment <= step && step < c.end_step;
    for (ContractPart& part : c.parts) {
      if (!part.active) continue;
      const Organisation& member = world.org(part.org);
      if (!buyer_alive || !member.operating()) {
        end_part(part);
        world.log("contract_part_ended", c.buyer, part.org, part.monthly,
                  buyer_alive ? "member not operating" : "buyer closed");
        // A closed organisation's ties end with it; a dormant member's contract tie ends here.
        world.propose(GraphEdit{GraphEdit::Type::EndTie, (kModuleSlot << 40) | c.buyer, sequence_++, c.buyer, part.org,
                                Tie{TieKind::Contract, 0.0F, step, step}});
        continue;
      }
      if (!running || part.monthly == 0) continue;
      if (world.org(c.buyer).cash < part.monthly) {
        flows_.payments_missed += part.monthly;
        world.log("contract_payment_missed", c.buyer, part.org, part.monthly, world.spec().sectors.at(c.sector));
        continue;
      }
      world.transfer(Account::org(c.buyer), Account::org(part.org), part.monthly, Channel::Contract);
      flows_.payments += part.monthly;
      if (is_social_economy(member.kind)) flows_.payments_social_economy += part.monthly;
    }
  }
  std::size_t kept = 0;  // contracts kept move up in place, in order
  for (std::size_t i = 0; i < contracts_.size(); ++i) {
    Contract& c = contracts_[i];
    const bool done = c.end_step <= step + 1;  // this month's payment was its last
    if (done) {
      for (ContractPart& part : c.parts) {
        if (part.active) end_part(part);
      }
      world.log("contract_ended", c.buyer, c.parts.front().org, 0, world.spec().sectors.at(c.sector));
      continue;
    }
    const bool any_active =
        std::any_of(c.parts.begin(), c.parts.end(), [](const ContractPart& part) { return part.active; });
    if (!any_active) {  // every member stopped: nothing left to deliver
      world.log("contract_ended", c.buyer, c.parts.front().org, 0, "no member left");
      continue;
    }
    if (kept != i) contracts_[kept] = std::move(c);
    ++kept;
  }
  contracts_.resize(kept);
}

std::vector<Procurement::RoundPlan> Procurement::plan_rounds(const World& world) const {
  const auto& buyers = world.spec().buyers;
  std::vector<RoundPlan> plans(tendering_.size());
  parallel_chunks(tendering_.size(), kRoundChunk, [&](std::size_t first, std::size_t last) {
    const OrgGraph& g = world.graph();
    for (std::size_t r = first; r < last; ++r) {
      const BuyerSpec& buyer = buyers[tendering_[r]];
      RoundPlan& plan = plans[r];
      plan.demands.resize(buyer.demand.size());
      for (std::size_t d = 0; d < buyer.demand.size(); ++d) {
        DemandPlan& dp = plan.demands[d];
        const std::uint32_t sector = buyer.demand[d].sector;
        dp.partner_offsets.push_back(0);
        for (const std::uint32_t o : world.organisations_in(world.org(buyer.organisation).municipality, sector)) {
          const Organisation& org = world.org(o);
          if (o == buyer.organisation || !org.operating() || !may_bid(org.kind)) continue;
          dp.bidders.push_back(o);
          // Free capacity only shrinks during the rounds: a bidder without any now never
          // looks for partners.
          if (p_.consortia_enabled && is_social_economy(org.kind) && free_capacity(org) > 0) {
            consortium_partners(world, o, sector, dp.partners);
          }
          dp.partner_offsets.push_back(static_cast<std::uint32_t>(dp.partners.size()));
        }
      }
      for (auto e : boost::make_iterator_range(boost::out_edges(buyer.organisation, g))) {
        if (g[e].kind == TieKind::Founding) plan.founded.push_back(static_cast<std::uint32_t>(boost::target(e, g)));
      }
      std::sort(plan.founded.begin(), plan.founded.end());
      plan.founded.erase(std::unique(plan.founded.begin(), plan.founded.end()), plan.founded.end());
    }
  });
  return plans;
}

void Procurement::consortium_partners(const World& world, std::uint32_t o, std::uint32_t sector,
                                      std::vector<std::pair<std::uint32_t, float>>& out) const {
  const OrgGraph& g = world.graph();
  const int step = world.step();
  auto consider = [&](std::uint32_t j, const Tie& t) {
    if (!t.active_at(step) || t.strength < p_.consortium_min_strength || j == o) return;
    const Organisation& partner = world.org(j);
    if (!partner.operating() || !is_social_economy(partner.kind) || partner.sector != sector) return;
    out.emplace_back(j, t.strength);
  };
  for (auto e : boost::make_iterator_range(boost::out_edges(o, g))) {
    consider(static_cast<std::uint32_t>(boost::target(e, g)), g[e]);
  }
  for (auto e : boost::make_iterator_range(boost::in_edges(o, g))) {
    consider(static_cast<std::uint32_t>(boost::source(e, g)), g[e]);
  }
}

void Procurement::tender_round(Round& r) {
  World& world = r.world;
  Workspace& ws = r.ws;
  const std::uint32_t k = r.buyer_spec;
  const BuyerSpec& buyer = world.spec().buyers[k];
  RandomStream lot_rng = world.stream(kLot, k);
  {
    const World& w = world;
    const OrgGraph& g = w.graph();
    const int step = w.step();
    ws.buyer_trust.resize(w.organisation_count(), 0.0F);
    for (std::uint32_t o : ws.buyer_partners) ws.buyer_trust[o] = 0.0F;
    ws.buyer_partners.clear();
    auto note = [&](std::uint32_t other, const Tie& t) {
      if (!t.active_at(step)) return;
      if (ws.buyer_trust[other] == 0.0F) ws.buyer_partners.push_back(other);
      ws.buyer_trust[other] = std::max(ws.buyer_trust[other], t.strength);
    };
    for (auto e : boost::make_iterator_range(boost::out_edges(buyer.organisation, g))) {
      note(static_cast<std::uint32_t>(boost::target(e, g)), g[e]);
    }
    for (auto e : boost::make_iterator_range(boost::in_edges(buyer.organisation, g))) {
      note(static_cast<std::uint32_t>(boost::source(e, g)), g[e]);
    }
  }
  for (std::uint32_t d = 0; d < buyer.demand.size(); ++d) {
    // Demand still covered by contracts running on from earlier rounds is not tendered again.
    const Grosze covered = covered_[k][d];
    Grosze remaining = std::max(Grosze{0}, buyer.demand[d].yearly - covered);
    direct_orders(r, d, remaining);
    if (remaining <= 0) continue;
    // Who may bid for this demand's lots (the plan's bidders), with their free capacity now.
    const std::vector<std::uint32_t>& bidders = r.plan.demands[d].bidders;
    ws.bidder_social_economy.clear();
    ws.bidder_free.clear();
    ws.bidder_position.resize(world.organisation_count(), -1);
    for (const std::uint32_t o : bidders) {
      const Organisation& org = world.org(o);
      ws.bidder_position[o] = static_cast<std::int32_t>(ws.bidder_free.size());
      ws.bidder_social_economy.push_back(is_social_economy(org.kind) ? 1 : 0);
      ws.bidder_free.push_back(free_capacity(org));
    }
    ws.partner_candidates.resize(bidders.size());
    ws.partner_candidates_found.assign(bidders.size(), 0);
    // Equal lots of at most lot_size; the few leftover grosze go to the first lots.
    const Grosze n = (remaining + p_.lot_size - 1) / p_.lot_size;
    for (Grosze i = 0; i < n; ++i) {
      Lot lot;
      lot.buyer_spec = k;
      lot.demand_spec = d;
      lot.yearly = remaining / n + (i < remaining % n ? 1 : 0);
      // Two draws per lot whatever the outcome, so later lots see the same numbers.
      const double u_reserved = lot_rng.uniform();
      const double u_clause = lot_rng.uniform();
      lot.reserved = u_reserved < buyer.reserved_share;
      lot.social_clause = !lot.reserved && u_clause < buyer.social_clause_share;
      tender_lot(r, lot, static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(n));
    }
    for (const std::uint32_t o : bidders) ws.bidder_position[o] = -1;
  }
}

// Social Economy Act preference: a buyer may order directly from a cooperative it co-founded,
// up to the limit a year, without a tender.
void Procurement::direct_orders(Round& r, std::uint32_t d, Grosze& remaining) {
  const World& world = r.world;
  const BuyerSpec& buyer = world.spec().buyers[r.buyer_spec];
  const std::uint32_t sector = buyer.demand[d].sector;
  // Only organisations the buyer founded qualify, in index order.
  for (const std::uint32_t o : r.plan.founded) {
    if (remaining <= 0) break;
    const Organisation& org = world.org(o);
    if (org.kind != OrgKind::SocialCooperative || !org.operating() || org.sector != sector) continue;
    if (o == buyer.organisation || !founded_by(world, buyer.organisation, o)) continue;
    const Grosze value = std::min({p_.direct_order_limit, remaining, free_capacity(org) * kMonthsPerYear});
    if (value / kMonthsPerYear <= 0) continue;
    award(r, Lot{r.buyer_spec, d, value, false, false}, {o}, true);
    remaining -= value;
  }
}

std::size_t Procurement::collect_bids(Round& r, const Lot& lot) {
  const World& world = r.world;
  Workspace& ws = r.ws;
  const BuyerSpec& buyer = world.spec().buyers[lot.buyer_spec];
  const Grosze needed = lot.yearly / kMonthsPerYear;
  std::size_t count = 0;
  std::set<std::vector<std::uint32_t>> seen;  // member sets already bidding
  const DemandPlan& plan = r.plan.demands[lot.demand_spec];
  for (std::size_t position = 0; position < plan.bidders.size(); ++position) {
    const bool social_economy = ws.bidder_social_economy[position] != 0;
    if (lot.reserved && !social_economy) continue;
    const Grosze free = ws.bidder_free[position];
    // Too small alone, and no consortium to make up for it.
    if (free < needed && (!p_.consortia_enabled || !social_economy || free <= 0)) continue;
    const std::uint32_t o = plan.bidders[position];
    if (count == ws.bids.size()) ws.bids.emplace_back();
    Bid& bid = ws.bids[count];  // kept only if counted below
    bid.members.assign(1, o);
    bid.score = 0.0;
    bid.free = free;
    bid.social_economy = social_economy;
    if (bid.free < needed) {
      // Partners: same-sector social-economy organisations tied to the bidder strongly enough,
      // strongest first (ties: lower index), from the plan's ties, put in order once per
      // bidder; free capacity is checked per lot.
      auto& partners = ws.partner_candidates[position];
      if (ws.partner_candidates_found[position] == 0) {
        ws.partner_candidates_found[position] = 1;
        ws.tied.clear();
        for (std::uint32_t t = plan.partner_offsets[position]; t < plan.partner_offsets[position + 1]; ++t) {
          if (plan.partners[t].first != buyer.organisation) ws.tied.push_back(plan.partners[t]);
        }
        // Each partner once, with its strongest tie, by index; then strongest first.
        std::sort(ws.tied.begin(), ws.tied.end());
        partners.clear();
        for (std::size_t i = 0; i < ws.tied.size(); ++i) {
          if (i + 1 < ws.tied.size() && ws.tied[i + 1].first == ws.tied[i].first)
            continue;  // the last is the strongest
          partners.emplace_back(ws.tied[i].second, ws.tied[i].first);
        }
        std::stable_sort(partners.begin(), partners.end(),
                         [](const auto& x, const auto& y) { return x.first > y.first; });
      }
      for (const auto& [s, j] : partners) {
        if (bid.free >= needed || static_cast<int>(bid.members.size()) >= p_.max_consortium_size) break;
        if (free_capacity(world.org(j)) <= 0) continue;
        bid.members.push_back(j);
        bid.free += free_capacity(world.org(j));
      }
      if (bid.free < needed) continue;
    }
    if (bid.members.size() > 1) {  // a single bidder bids once; a consortium may be led by any member
      std::vector<std::uint32_t> key = bid.members;
      std::sort(key.begin(), key.end());
      if (!seen.insert(std::move(key)).second) continue;  // the same consortium, led by an earlier member
    }
    ++count;
  }
  return count;
}

double Procurement::bid_noise(Round& r, std::uint32_t lead) {
  std::int32_t& slot = bid_stream_of_[lead];
  if (slot < 0) {
    slot = static_cast<std::int32_t>(r.group.bid_streams.size());
    r.group.bid_streams.emplace_back(lead, r.world.stream(kBid, lead));
  }
  return r.group.bid_streams[static_cast<std::size_t>(slot)].second.uniform() - 0.5;
}

void Procurement::tender_lot(Round& r, const Lot& lot, std::uint32_t lot_number, std::uint32_t lots) {
  const World& world = r.world;
  const BuyerSpec& buyer = world.spec().buyers[lot.buyer_spec];
  const Grosze needed = lot.yearly / kMonthsPerYear;
  if (needed <= 0) return;
  const std::size_t count = collect_bids(r, lot);
  const Bid* best = nullptr;
  for (Bid& bid : std::span<Bid>(r.ws.bids).first(count)) {
    if (bid.members.size() > 1) ++r.out.flows.consortium_bids;
    float trust = 0.0F;
    for (std::uint32_t m : bid.members) trust = std::max(trust, r.ws.buyer_trust[m]);
    const double price_factor = bid.social_economy ? 1.0 + p_.cooperative_price_premium : 1.0;
    const double capacity_fit =
        std::min(1.0, static_cast<double>(bid.free) / static_cast<double>(needed));  // 1 for every valid bid
    bid.score = p_.w_price / price_factor + p_.w_trust * trust + p_.w_capacity * capacity_fit +
                (lot.social_clause && bid.social_economy ? p_.social_clause_bonus : 0.0) +
                p_.noise_sd * bid_noise(r, bid.members.front());
    // Bids come in lead-index order, so keeping the first of equal scores favours the lower lead.
    if (best == nullptr || bid.score > best->score) best = &bid;
  }
  if (best == nullptr) {
    ++r.out.flows.lots_unawarded;
    r.out.events.push_back({"lot_unawarded", buyer.organisation, kNoOrganisation, lot.yearly,
                            world.spec().sectors.at(buyer.demand[lot.demand_spec].sector) + " lot " +
                                std::to_string(lot_number) + "/" + std::to_string(lots)});
    return;
  }
  if (best->members.size() > 1) ++r.out.flows.consortia_won;
  award(r, lot, best->members, false);
}

void Procurement::award(Round& r, const Lot& lot, std::vector<std::uint32_t> members, bool direct) {
  World& world = r.world;
  const BuyerSpec& buyer = world.spec().buyers[lot.buyer_spec];
  const int step = world.step();
  const Grosze monthly = lot.yearly / kMonthsPerYear;
  std::vector<Grosze> free;
  free.reserve(members.size());
  for (std::uint32_t m : members) free.push_back(free_capacity(world.org(m)));
  const std::vector<Grosze> shares = proportional_split(monthly, free);

  Contract c;
  c.buyer = buyer.organisation;
  c.buyer_spec = lot.buyer_spec;
  c.demand_spec = lot.demand_spec;
  c.sector = buyer.demand[lot.demand_spec].sector;
  c.awarded_step = step;
  c.first_payment = step + 1;
  c.end_step = step + 1 + buyer.contract_months;
  c.reserved = lot.reserved;
  c.social_clause = lot.social_clause;
  c.direct = direct;
  std::vector<std::int32_t>& position = r.ws.bidder_position;
  for (std::size_t i = 0; i < members.size(); ++i) {
    c.parts.push_back({members[i], shares[i], true});
    Organisation& member = world.org(members[i]);
    member.contracted += shares[i];
    if (members[i] < position.size() && position[members[i]] >= 0) {
      r.ws.bidder_free[static_cast<std::size_t>(position[members[i]])] = free_capacity(member);
    }
  }

  // Ties hold from the award to the contract's last month.
  const std::uint64_t proposer = (kModuleSlot << 40) | buyer.organisation;
  const auto strength = static_cast<float>(p_.contract_tie_strength);
  auto propose = [&](std::uint32_t a, std::uint32_t b, TieKind kind) {
    r.out.edits.push_back(GraphEdit{GraphEdit::Type::AddTie, proposer, 0, a, b, Tie{kind, strength, step, c.end_step}});
  };
  for (std::uint32_t m : members) propose(buyer.organisation, m, TieKind::Contract);
  for (std::size_t i = 0; i < members.size(); ++i) {
    for (std::size_t j = i + 1; j < members.size(); ++j) propose(members[i], members[j], TieKind::Consortium);
  }

  const Grosze total = monthly * buyer.contract_months;
  std::string note = world.spec().sectors.at(c.sector);
  if (direct) note += "; direct";
  if (lot.reserved) note += "; reserved";
  if (lot.social_clause) note += "; social clause";
  if (members.size() > 1) note += "; consortium of " + std::to_string(members.size());
  r.out.events.push_back({"contract_awarded", buyer.organisation, members.front(), total, std::move(note)});

  ProcurementFlows& flows = r.out.flows;
  ++flows.awarded;
  flows.value_awarded += total;
  if (lot.social_clause) flows.social_clause_value += total;
  if (lot.reserved) flows.reserved_value += total;
  if (direct) flows.direct_value += total;
  r.out.contracts.push_back(std::move(c));
}

void Procurement::observe(const World& /*world*/, std::span<double> out) const {
  std::int64_t consortia = 0;
  for (const Contract& c : contracts_) consortia += c.consortium() ? 1 : 0;
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  std::size_t k = 0;
  out[k++] = d(static_cast<std::int64_t>(contracts_.size()));
  out[k++] = d(flows_.awarded);
  out[k++] = grosze_to_pln(flows_.value_awarded);
  out[k++] = grosze_to_pln(flows_.social_clause_value);
  out[k++] = grosze_to_pln(flows_.reserved_value);
  out[k++] = grosze_to_pln(flows_.direct_value);
  out[k++] = grosze_to_pln(flows_.payments);
  out[k++] = grosze_to_pln(flows_.payments_social_economy);
  out[k++] = grosze_to_pln(flows_.payments_missed);
  out[k++] = d(flows_.consortium_bids);
  out[k++] = d(flows_.consortia_won);
  out[k++] = d(consortia);
  out[k++] = d(flows_.lots_unawarded);
  out[k++] = flows_.payments > 0
                 ? static_cast<double>(flows_.payments_social_economy) / static_cast<double>(flows_.payments)
                 : 0.0;
}

ModuleInfo procurement_module_info() {
  ModuleInfo info;
  info.name = "procurement";
  info.doc =
      "Public buyers tender their yearly demand per sector in lots (some reserved, some with social clauses) "
      "after direct orders to cooperatives they co-founded; bids scored on price, trust and capacity, small "
      "cooperatives may bid as consortia of tied partners; contracts commit capacity and pay monthly.";
  info.order = 30;  // before the market, so contracts take capacity first
  info.phases = {Phase::Trade};
  using T = ParamType;
  info.params = {
      {"lot_size_pln", T::Real, 130000, "PLN/year", 1000, 1e9,
       "Largest yearly value of one tendered lot; demand above it is split into equal lots",
       "[D] the 130k PLN threshold of the Social Economy Act 2022 preference [S DOMAIN.md]; cutting lots at it "
       "is an assumption"},
      {"direct_order_limit_pln", T::Real, 130000, "PLN/year", 0, 1e9,
       "Largest yearly value a buyer orders directly (no tender) from a cooperative it co-founded",
       "[S] Social Economy Act 2022: procurement preference below 130k PLN (DOMAIN.md)"},
      {"w_price", T::Real, 0.6, "score", 0, 10, "Weight of price (1 / price factor) in a bid's score",
       "[G] assumption that price dominates Polish tenders, consistent with social aspects being rare and "
       "shallow (4,712 of 5,222 contracts with any only required employment contracts [S 2017, DOMAIN.md])"},
      {"w_trust", T::Real, 0.2, "score", 0, 10,
       "Weight of trust (strongest tie in force between the buyer and any bid member) in a bid's score",
       "[G] assumption"},
      {"w_capacity", T::Real, 0.2, "score", 0, 10,
       "Weight of capacity fit min(1, free capacity / monthly value) in a bid's score", "[G] assumption"},
      {"social_clause_bonus", T::Real, 0.15, "score", 0, 10,
       "Score added to social-economy bids on lots with social clauses", "[G] assumption"},
      {"cooperative_price_premium", T::Real, 0.1, "share", 0, 5,
       "Price premium of social-economy bids over businesses (price factor 1 + premium)", "[G] assumption"},
      {"noise_sd", T::Real, 0.1, "score", 0, 10,
       "Width of the uniform noise added to each bid's score (noise_sd x (U - 0.5))", "[G] assumption"},
      {"consortia_enabled", T::Boolean, 1, "", 0, 1,
       "Whether social-economy bidders too small for a lot may bid as a consortium of tied partners",
       "[G] policy switch"},
      {"consortium_min_strength", T::Real, 0.3, "strength", 0, 1,
       "Weakest tie to a partner that a consortium may be built on", "[G] assumption"},
      {"max_consortium_size", T::Integer, 5, "organisations", 2, 20,
       "Most members of one consortium, the lead included", "[G] assumption"},
      {"contract_tie_strength", T::Real, 0.5, "strength", 0, 1,
       "Strength of the contract tie (buyer-member) and consortium ties (among members) an award creates",
       "[G] assumption"},
  };
  info.metrics = {
      {"contracts_active", "contracts", "Public contracts held at the end of the month (awarded, not yet ended)"},
      {"contracts_awarded", "contracts/month", "Contracts awarded this month (tendered lots and direct orders)"},
      {"contract_value_awarded_pln", "PLN/month",
       "Total value (monthly payment x months) of contracts awarded this month"},
      {"social_clause_value_pln", "PLN/month", "Value of contracts awarded this month on lots with social clauses"},
      {"reserved_value_pln", "PLN/month",
       "Value of contracts awarded this month on lots reserved for social-economy bidders"},
      {"direct_orders_pln", "PLN/month", "Value of direct orders to co-founded cooperatives awarded this month"},
      {"contract_payments_pln", "PLN/month", "Money paid by buyers to contract holders this month"},
      {"contract_payments_social_economy_pln", "PLN/month",
       "Contract payments to social-economy organisations (cooperatives, NGOs, CIS/KIS) this month"},
      {"contract_payments_missed_pln", "PLN/month", "Contract payments due this month that the buyer could not cover"},
      {"consortium_bids", "bids/month", "Consortium bids made this month (each member set counted once per lot)"},
      {"consortia_won", "contracts/month", "Lots won by consortia this month"},
      {"consortia_with_contracts", "contracts", "Contracts held by consortia at the end of the month"},
      {"lots_unawarded", "lots/month", "Tendered lots that drew no valid bid this month"},
      {"contract_share_social_economy", "share",
       "Share of this month's contract payments going to social-economy organisations; 0 when none"},
  };
  info.make = [] { return std::make_unique<Procurement>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(procurement_module_info)

// Running contracts carry over; bidders, coverage and bid streams are rebuilt every month.
void Procurement::save_state(StateWriter& out) const {
  out.put(static_cast<std::uint64_t>(contracts_.size()));
  for (const Contract& c : contracts_) {
    out.put(c.buyer), out.put(c.buyer_spec), out.put(c.demand_spec), out.put(c.sector), out.put(c.awarded_step);
    out.put(c.first_payment), out.put(c.end_step), out.put(c.reserved), out.put(c.social_clause), out.put(c.direct);
    out.put(static_cast<std::uint64_t>(c.parts.size()));
    for (const ContractPart& p : c.parts) out.put(p.org), out.put(p.monthly), out.put(p.active);
  }
  out.put(flows_);
  out.put(sequence_);
}

void Procurement::restore_state(StateReader& in) {
  contracts_.assign(static_cast<std::size_t>(in.get<std::uint64_t>()), Contract{});
  for (Contract& c : contracts_) {
    in.get(c.buyer), in.get(c.buyer_spec), in.get(c.demand_spec), in.get(c.sector), in.get(c.awarded_step);
    in.get(c.first_payment), in.get(c.end_step), in.get(c.reserved), in.get(c.social_clause), in.get(c.direct);
    c.parts.assign(static_cast<std::size_t>(in.get<std::uint64_t>()), ContractPart{});
    for (ContractPart& p : c.parts) in.get(p.org), in.get(p.monthly), in.get(p.active);
  }
  in.get(flows_);
  in.get(sequence_);
}

}  // namespace partnersim::models
