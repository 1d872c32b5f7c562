// Public procurement: each public buyer tenders its yearly demand per sector once a year.
// Cooperatives it co-founded first get direct orders below the Social Economy Act limit;
// the rest is split into lots, some reserved for social-economy bidders, some with social
// clauses. Bids are scored on price, trust (tie strength to the buyer) and capacity; a
// cooperative too small for a lot may bid in a consortium with tied partners. Contracts
// commit the winners' capacity and pay monthly from the buyer's cash.
#pragma once

#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/module.h"

namespace partnersim::models {

struct ProcurementParams {
  Grosze lot_size = 0;            // yearly value of one lot at most
  Grosze direct_order_limit = 0;  // yearly value of one direct order at most
  double w_price = 0.6;
  double w_trust = 0.2;
  double w_capacity = 0.2;
  double social_clause_bonus = 0.15;
  double cooperative_price_premium = 0.1;
  double noise_sd = 0.1;
  bool consortia_enabled = true;
  double consortium_min_strength = 0.3;
  int max_consortium_size = 5;
  double contract_tie_strength = 0.5;
};

// One member's part of a contract: what it delivers (and is paid) each month.
struct ContractPart {
  std::uint32_t org = 0;
  Grosze monthly = 0;
  bool active = true;  // false once the member stopped operating
};

struct Contract {
  std::uint32_t buyer = 0;        // organisation index
  std::uint32_t buyer_spec = 0;   // index into ScenarioSpec::buyers
  std::uint32_t demand_spec = 0;  // index into BuyerSpec::demand
  std::uint32_t sector = 0;
  int awarded_step = 0;
  int first_payment = 0;  // awarded_step + 1
  int end_step = 0;       // first step without a payment
  bool reserved = false;
  bool social_clause = false;
  bool direct = false;
  std::vector<ContractPart> parts;  // lead first

  [[nodiscard]] bool consortium() const { return parts.size() > 1; }
  [[nodiscard]] Grosze active_monthly() const;
};

// Counters of one month.
struct ProcurementFlows {
  std::int64_t awarded = 0;
  Grosze value_awarded = 0;
  Grosze social_clause_value = 0;
  Grosze reserved_value = 0;
  Grosze direct_value = 0;
  Grosze payments = 0;
  Grosze payments_social_economy = 0;
  Grosze payments_missed = 0;
  std::int64_t consortium_bids = 0;
  std::int64_t consortia_won = 0;
  std::int64_t lots_unawarded = 0;

  ProcurementFlows& operator+=(const ProcurementFlows& o) {
    awarded += o.awarded;
    value_awarded += o.value_awarded;
    social_clause_value += o.social_clause_value;
    reserved_value += o.reserved_value;
    direct_value += o.direct_value;
    payments += o.payments;
    payments_social_economy += o.payments_social_economy;
    payments_missed += o.payments_missed;
    consortium_bids += o.consortium_bids;
    consortia_won += o.consortia_won;
    lots_unawarded += o.lots_unawarded;
    return *this;
  }
};

class Procurement final : public Module {
 public:
  void configure(const ParamSet& params) override;
  void setup(World& world) override;
  void step(Phase phase, World& world) override;
  void observe(const World& world, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  [[nodiscard]] const std::vector<Contract>& contracts() const { return contracts_; }

 private:
  struct Bid {
    std::vector<std::uint32_t> members;  // lead first
    Grosze free = 0;                     // combined free capacity
    bool social_economy = false;
    double score = 0.0;
  };
  struct Lot {
    std::uint32_t buyer_spec = 0;
    std::uint32_t demand_spec = 0;
    Grosze yearly = 0;
    bool reserved = false;
    bool social_clause = false;
  };
  // Scratch of one tender round, kept per thread from round to round so that the arrays
  // indexed by organisation are allocated once.
  struct Workspace {
    // Per local bidder of the demand (the plan's positions), so that a lot's scan of the bidders reads compact
    // arrays instead of each bidder's record: whether it is of the social economy, and its
    // free capacity (kept up to date by award through bidder_position, -1 for others).
    std::vector<std::uint8_t> bidder_social_economy;
    std::vector<Grosze> bidder_free;
    std::vector<std::int32_t> bidder_position;
    // The strongest tie in force between the buyer and each organisation (0 when none), and
    // which organisations are set. The graph does not change during the phase (awards
    // propose ties for Rewire), so one pass over the buyer's ties serves every lot.
    std::vector<float> buyer_trust;
    std::vector<std::uint32_t> buyer_partners;
    // Per local bidder: its possible consortium partners, strongest tie first (lower index
    // on equal strength), found on first need.
    std::vector<std::vector<std::pair<float, std::uint32_t>>> partner_candidates;
    std::vector<std::uint8_t> partner_candidates_found;
    std::vector<std::pair<std::uint32_t, float>> tied;  // one bidder's qualifying ties
    std::vector<Bid> bids;                              // this lot's bids, collect_bids' count of them
  };
  // Who may take part in a round, found for all rounds before any runs (none of it changes
  // during the phase): per demand, the local bidders (operating organisations of the buyer's
  // municipality that bid in the sector, in index order) and, for those of the social economy
  // with free capacity, the ties to possible consortium partners; and the organisations the
  // buyer founded (direct orders), sorted. It also bounds what the round may touch.
  struct DemandPlan {
    std::vector<std::uint32_t> bidders;
    std::vector<std::uint32_t> partner_offsets;  // bidder i's ties: partners[offsets[i], offsets[i+1])
    std::vector<std::pair<std::uint32_t, float>> partners;
  };
  struct RoundPlan {
    std::vector<DemandPlan> demands;
    std::vector<std::uint32_t> founded;
  };
  // What a tender round does to the world besides committing capacity, replayed after all
  // rounds in buyer order, so that the events, proposals and contracts come out in the order
  // of rounds run one after another. An event is World::log's arguments (a LoggedEvent
  // without its step), its kind a literal held by view, so parallel rounds allocate no copy.
  struct RoundEvent {
    std::string_view kind;
    std::uint32_t source = kNoOrganisation;
    std::uint32_t target = kNoOrganisation;
    Grosze amount = 0;
    std::string note;
  };
  struct RoundOutcome {
    std::vector<RoundEvent> events;
    std::vector<GraphEdit> edits;  // numbered when replayed
    std::vector<Contract> contracts;
    ProcurementFlows flows;
  };
  // Rounds that may touch the same organisations, run one after another in buyer order;
  // rounds of different groups touch none in common and run in parallel.
  struct TenderGroup {
    std::vector<std::uint32_t> rounds;  // positions in tendering_
    // Successive bids of a lead draw on its stream; a lead bids in one group only.
    std::vector<std::pair<std::uint32_t, RandomStream>> bid_streams;
  };
  // One round at work: its world, its thread's scratch, its group and what it records.
  struct Round {
    World& world;
    std::uint32_t buyer_spec;
    const RoundPlan& plan;
    Workspace& ws;
    TenderGroup& group;
    RoundOutcome& out;
  };

  void pay_and_settle(World& world);
  [[nodiscard]] std::vector<RoundPlan> plan_rounds(const World& world) const;
  void tender_round(Round& r);
  void direct_orders(Round& r, std::uint32_t d, Grosze& remaining);
  void tender_lot(Round& r, const Lot& lot, std::uint32_t lot_number, std::uint32_t lots);
  // Fills ws.bids (reused, so its members keep their memory) and returns how many it holds.
  std::size_t collect_bids(Round& r, const Lot& lot);
  void award(Round& r, const Lot& lot, std::vector<std::uint32_t> members, bool direct);
  double bid_noise(Round& r, std::uint32_t lead);
  // Organisations tied strongly enough to `o` to join its consortium in a sector, as
  // (organisation, tie strength), one entry per qualifying tie, appended in tie order.
  void consortium_partners(const World& world, std::uint32_t o, std::uint32_t sector,
                           std::vector<std::pair<std::uint32_t, float>>& out) const;

  ProcurementParams p_;
  std::vector<Contract> contracts_;
  std::vector<std::vector<Grosze>> covered_;  // this step, per buyer tendering now and demand: still contracted
  std::vector<std::uint32_t> tendering_;      // this step: the buyers (spec indices) that tender, in order
  ProcurementFlows flows_;
  std::uint32_t sequence_ = 0;  // graph proposals made this step
  // Per lead, this step: its place in its group's bid_streams (-1: none yet); reset after
  // the rounds for this step's leads only.
  std::vector<std::int32_t> bid_stream_of_;
  tbb::enumerable_thread_specific<Workspace> workspaces_;
};

ModuleInfo procurement_module_info();

}  // namespace partnersim::models
