// Public procurement: each public buyer tenders its yearly demand per sector once a year.
// Cooperatives it co-founded first get direct orders below the Social Economy Act limit;
// the rest is split into lots, some reserved for social-economy bidders, some with social
// clauses. Bids are scored on price, trust (tie strength to the buyer) and capacity; a
// cooperative too small for a lot may bid in a consortium with tied partners. Contracts
// commit the winners' capacity and pay monthly from the buyer's cash.
#pragma once

#include <cstdint>
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

  void pay_and_settle(World& world);
  void tender_round(World& world, std::uint32_t k);
  void direct_orders(World& world, std::uint32_t k, std::uint32_t d, Grosze& remaining);
  void tender_lot(World& world, const Lot& lot, std::uint32_t lot_number, std::uint32_t lots);
  // Fills bids_ (reused, so its members keep their memory) and returns how many it holds.
  std::size_t collect_bids(const World& world, const Lot& lot);
  void award(World& world, const Lot& lot, std::vector<std::uint32_t> members, bool direct);
  double bid_noise(const World& world, std::uint32_t lead);
  void clear_bid_streams();

  ProcurementParams p_;
  std::vector<Contract> contracts_;
  std::vector<std::uint32_t> local_bidders_;  // this tender round and demand: who may bid
  // Per local bidder (same positions), so that a lot's scan of the bidders reads compact
  // arrays instead of each bidder's record: whether it is of the social economy, and its
  // free capacity (kept up to date by award through bidder_position_, -1 for others).
  std::vector<std::uint8_t> bidder_social_economy_;
  std::vector<Grosze> bidder_free_;
  std::vector<std::int32_t> bidder_position_;
  // This tender round: the strongest tie in force between the buyer and each organisation
  // (0 when none), and which organisations are set. The graph does not change during the
  // phase (awards propose ties for Rewire), so one pass over the buyer's ties serves every lot.
  std::vector<float> buyer_trust_;
  // This tender round and demand, per local bidder (same positions): its possible consortium
  // partners, strongest tie first (lower index on equal strength), found on first need.
  std::vector<std::vector<std::pair<float, std::uint32_t>>> partner_candidates_;
  std::vector<std::uint8_t> partner_candidates_found_;
  std::vector<std::pair<std::uint32_t, float>> tied_;  // scratch: one bidder's qualifying ties
  std::vector<std::uint32_t> buyer_partners_;
  std::vector<std::vector<Grosze>> covered_;  // this step, per buyer tendering now and demand: still contracted
  ProcurementFlows flows_;
  std::uint32_t sequence_ = 0;  // graph proposals made this step
  // Per lead, this step: successive bids draw on its stream. bid_stream_of_[lead] is its
  // place in bid_streams_ (-1: none yet); reset for this step's leads only.
  std::vector<std::int32_t> bid_stream_of_;
  std::vector<std::pair<std::uint32_t, RandomStream>> bid_streams_;
  std::vector<Bid> bids_;  // this lot's bids, first collect_bids' count of them
};

ModuleInfo procurement_module_info();

}  // namespace partnersim::models
