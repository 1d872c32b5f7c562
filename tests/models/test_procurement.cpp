#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <optional>

#include "sim/parallel.h"
#include "support/bitwise.h"
#include "support/spec_builder.h"
#include "support/trade_harness.h"

namespace partnersim {
namespace {

using testing::quiet_world;
using testing::run_pinned;
using testing::SpecBuilder;
using testing::tie;
using testing::Trace;
using testing::trader;

constexpr std::uint32_t kCatering = 1;
constexpr std::uint32_t kCleaning = 2;

// Starts in January, so a buyer with tender_month 1 tenders at step 0 (and again at 12).
SpecBuilder trading_world(int steps) {
  SpecBuilder b(steps, {2020, 1});
  b.spec().sectors = {"none", "catering", "cleaning"};
  quiet_world(b);
  b.param("procurement.noise_sd", 0.0);
  return b;
}

BuyerSpec buyer(std::uint32_t org, double yearly_pln, int months = 12, std::uint32_t sector = kCatering) {
  BuyerSpec s;
  s.organisation = org;
  s.demand = {DemandSpec{sector, pln_to_grosze(yearly_pln)}};
  s.contract_months = months;
  s.tender_month = 1;
  return s;
}

std::vector<Grosze> pln(std::initializer_list<double> values) {
  std::vector<Grosze> out;
  for (double v : values) out.push_back(pln_to_grosze(v));
  return out;
}

bool has_tie(const Trace& t, std::uint32_t a, std::uint32_t b, TieKind kind, int start, int end) {
  return std::any_of(t.ties.begin(), t.ties.end(), [&](const testing::TieRecord& r) {
    return r.kind == kind && r.start == start && r.end == end &&
           ((r.source == a && r.target == b) || (r.source == b && r.target == a));
  });
}

TEST(Procurement, OnlyEligibleBidderWinsAndIsPaidLotOverTwelveForContractMonths) {
  SpecBuilder b = trading_world(12);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto coop = trader(b, "coop", OrgKind::SocialCooperative, kCatering);
  const auto far = trader(b, "far", OrgKind::Business, kCatering, 1);   // another municipality
  const auto other = trader(b, "other", OrgKind::Business, kCleaning);  // another sector
  b.spec().buyers.push_back(buyer(city, 120000, 6));                    // one lot, 10,000 PLN a month
  const Trace t = run_pinned(b.build(), {{coop, 20000}, {far, 1e6}, {other, 1e6}});

  EXPECT_EQ(t.metric(0, "contracts_awarded"), 1);
  EXPECT_EQ(t.metric(0, "contract_value_awarded_pln"), 60000);
  EXPECT_EQ(t.series("contract_payments_pln"),
            (std::vector<double>{0, 10000, 10000, 10000, 10000, 10000, 10000, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.cash_of(coop), pln({0, 10000, 20000, 30000, 40000, 50000, 60000, 60000, 60000, 60000, 60000, 60000}));
  EXPECT_EQ(t.cash_of(far), pln({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.cash_of(other), t.cash_of(far));
  // Capacity is committed from the award to the last payment, then released.
  EXPECT_EQ(t.contracted_of(coop), pln({10000, 10000, 10000, 10000, 10000, 10000, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.series("contracts_active"), (std::vector<double>{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.series("contract_share_social_economy"), (std::vector<double>{0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(has_tie(t, city, coop, TieKind::Contract, 0, 7));
  EXPECT_EQ(t.count("contract_ended"), 1);
}

TEST(Procurement, ReservedLotsExcludeBusinesses) {
  auto make = [](double reserved_share) {
    SpecBuilder b = trading_world(2);
    const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
    const auto biz = trader(b, "biz", OrgKind::Business, kCatering);
    trader(b, "coop", OrgKind::SocialCooperative, kCatering);
    tie(b, city, biz, TieKind::Partnership, 1.0);  // the business is cheaper and trusted
    b.spec().buyers.push_back(buyer(city, 120000));
    b.spec().buyers.back().reserved_share = reserved_share;
    return b.build();
  };
  const std::uint32_t biz = 1;
  const std::uint32_t coop = 2;
  const Trace open = run_pinned(make(0.0), {{biz, 1e5}, {coop, 1e5}});
  EXPECT_EQ(open.contracted_of(biz)[0], pln_to_grosze(10000));
  EXPECT_EQ(open.contracted_of(coop)[0], 0);
  EXPECT_EQ(open.metric(0, "reserved_value_pln"), 0);

  const Trace reserved = run_pinned(make(1.0), {{biz, 1e5}, {coop, 1e5}});
  EXPECT_EQ(reserved.contracted_of(biz)[0], 0);
  EXPECT_EQ(reserved.contracted_of(coop)[0], pln_to_grosze(10000));
  EXPECT_EQ(reserved.metric(0, "reserved_value_pln"), 120000);
  EXPECT_EQ(reserved.metric(1, "contract_payments_social_economy_pln"), 10000);
}

TEST(Procurement, SocialClauseBonusChangesTheWinnerOfATie) {
  // No price premium and no ties: business and cooperative score the same, and the tie
  // goes to the lower index (the business) unless the lot has a social clause.
  auto make = [](double clause_share) {
    SpecBuilder b = trading_world(2);
    b.param("procurement.cooperative_price_premium", 0.0);
    const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
    trader(b, "biz", OrgKind::Business, kCatering);
    trader(b, "coop", OrgKind::SocialCooperative, kCatering);
    b.spec().buyers.push_back(buyer(city, 120000));
    b.spec().buyers.back().social_clause_share = clause_share;
    return b.build();
  };
  const std::uint32_t biz = 1;
  const std::uint32_t coop = 2;
  const Trace plain = run_pinned(make(0.0), {{biz, 1e5}, {coop, 1e5}});
  EXPECT_EQ(plain.contracted_of(biz)[0], pln_to_grosze(10000));
  EXPECT_EQ(plain.contracted_of(coop)[0], 0);
  EXPECT_EQ(plain.metric(0, "social_clause_value_pln"), 0);

  const Trace clause = run_pinned(make(1.0), {{biz, 1e5}, {coop, 1e5}});
  EXPECT_EQ(clause.contracted_of(biz)[0], 0);
  EXPECT_EQ(clause.contracted_of(coop)[0], pln_to_grosze(10000));
  EXPECT_EQ(clause.metric(0, "social_clause_value_pln"), 120000);
}

// Cooperatives A (6,000 PLN a month free) and B (9,000) are each too small for a lot of
// 10,000 a month; C (6,000) is never tied to anyone.
struct ConsortiumCase {
  std::optional<double> strength;  // of the A-B tie, none when untied
  bool enabled = true;
};
ScenarioSpec consortium_world(const ConsortiumCase& c, int steps = 2) {
  SpecBuilder b = trading_world(steps);
  b.param("procurement.consortia_enabled", c.enabled ? 1.0 : 0.0);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto a = trader(b, "a", OrgKind::SocialCooperative, kCatering);
  const auto bb = trader(b, "b", OrgKind::SocialCooperative, kCatering);
  trader(b, "c", OrgKind::SocialCooperative, kCatering);
  if (c.strength) tie(b, a, bb, TieKind::Partnership, *c.strength);
  b.spec().buyers.push_back(buyer(city, 120000, 6));
  return b.build();
}
const std::map<std::uint32_t, double> kSmall = {{1, 6000}, {2, 9000}, {3, 6000}};

TEST(Procurement, SmallCooperativeWinsOnlyAsConsortiumWithATiedPartner) {
  const Trace tied = run_pinned(consortium_world({0.5}, 8), kSmall);
  EXPECT_EQ(tied.metric(0, "consortium_bids"), 1);  // A-led and B-led bids are one consortium
  EXPECT_EQ(tied.metric(0, "consortia_won"), 1);
  EXPECT_EQ(tied.metric(0, "consortia_with_contracts"), 1);
  // Shares in proportion to free capacity: 6:9 of 10,000.
  EXPECT_EQ(tied.contracted_of(1)[0], pln_to_grosze(4000));
  EXPECT_EQ(tied.contracted_of(2)[0], pln_to_grosze(6000));
  EXPECT_EQ(tied.contracted_of(3)[0], 0);
  EXPECT_EQ(tied.cash_of(1)[1], pln_to_grosze(4000));
  EXPECT_EQ(tied.cash_of(2)[1], pln_to_grosze(6000));
  EXPECT_EQ(tied.cash_of(3), pln({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(has_tie(tied, 1, 2, TieKind::Consortium, 0, 7));
  EXPECT_TRUE(has_tie(tied, 0, 1, TieKind::Contract, 0, 7));
  EXPECT_TRUE(has_tie(tied, 0, 2, TieKind::Contract, 0, 7));
  // Contracted returns to zero once the contract has ended.
  EXPECT_EQ(tied.contracted_of(1), pln({4000, 4000, 4000, 4000, 4000, 4000, 0, 0}));
  EXPECT_EQ(tied.contracted_of(2), pln({6000, 6000, 6000, 6000, 6000, 6000, 0, 0}));

  for (const ConsortiumCase& c : {ConsortiumCase{std::nullopt}, ConsortiumCase{0.2}, ConsortiumCase{0.5, false}}) {
    const Trace t = run_pinned(consortium_world(c), kSmall);
    EXPECT_EQ(t.metric(0, "contracts_awarded"), 0);
    EXPECT_EQ(t.metric(0, "lots_unawarded"), 1);
    EXPECT_EQ(t.metric(0, "consortium_bids"), 0);
    for (std::uint32_t org : {1U, 2U, 3U}) EXPECT_EQ(t.contracted_of(org)[0], 0);
  }
}

TEST(Procurement, ConsortiumAddsStrongestPartnersUpToTheSizeLimit) {
  auto make = [](int max_size) {
    SpecBuilder b = trading_world(2);
    b.param("procurement.max_consortium_size", max_size);
    const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
    const auto a = trader(b, "a", OrgKind::SocialCooperative, kCatering);
    const auto bb = trader(b, "b", OrgKind::SocialCooperative, kCatering, 1);  // partners need not be local
    const auto c = trader(b, "c", OrgKind::Ngo, kCatering, 1);
    tie(b, a, bb, TieKind::Partnership, 0.9);
    tie(b, c, a, TieKind::Informal, 0.6);
    b.spec().buyers.push_back(buyer(city, 120000));
    return b.build();
  };
  const std::map<std::uint32_t, double> cap = {{1, 4000}, {2, 4000}, {3, 4000}};
  const Trace two = run_pinned(make(2), cap);
  EXPECT_EQ(two.metric(0, "lots_unawarded"), 1);
  const Trace three = run_pinned(make(3), cap);
  EXPECT_EQ(three.metric(0, "consortia_won"), 1);
  // 10,000 PLN in three equal shares: the leftover grosz goes to the lead.
  EXPECT_EQ(three.contracted_of(1)[0], 333334);
  EXPECT_EQ(three.contracted_of(2)[0], 333333);
  EXPECT_EQ(three.contracted_of(3)[0], 333333);
  EXPECT_EQ(three.metric(1, "contract_payments_pln"), 10000);
}

TEST(Procurement, DirectOrderGoesToTheCooperativeTheBuyerCoFounded) {
  SpecBuilder b = trading_world(2);
  b.param("procurement.direct_order_limit_pln", 60000);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto own = trader(b, "own", OrgKind::SocialCooperative, kCatering);
  b.last_org().founders = {city};
  const auto coop = trader(b, "coop", OrgKind::SocialCooperative, kCatering);
  const auto biz = trader(b, "biz", OrgKind::Business, kCatering);
  tie(b, city, biz, TieKind::Partnership, 1.0);
  b.spec().buyers.push_back(buyer(city, 120000));
  // Direct order: min(60,000 limit, 120,000 demand, 5,000 x 12 capacity); the other
  // 60,000 goes to tender, where the co-founded cooperative has no free capacity left.
  const Trace t = run_pinned(b.build(), {{own, 5000}, {coop, 1e5}, {biz, 1e5}});
  EXPECT_EQ(t.metric(0, "direct_orders_pln"), 60000);
  EXPECT_EQ(t.metric(0, "contracts_awarded"), 2);
  EXPECT_EQ(t.metric(0, "contract_value_awarded_pln"), 120000);
  EXPECT_EQ(t.contracted_of(own)[0], pln_to_grosze(5000));
  EXPECT_EQ(t.contracted_of(biz)[0], pln_to_grosze(5000));
  EXPECT_EQ(t.contracted_of(coop)[0], 0);
  const auto direct = std::count_if(t.events.begin(), t.events.end(), [&](const LoggedEvent& e) {
    return e.kind == "contract_awarded" && e.target == own && e.note.find("direct") != std::string::npos;
  });
  EXPECT_EQ(direct, 1);
}

TEST(Procurement, BuyerShortOfCashMissesPayments) {
  SpecBuilder b = trading_world(8);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 25000);
  const auto coop = trader(b, "coop", OrgKind::SocialCooperative, kCatering);
  b.spec().buyers.push_back(buyer(city, 120000, 6));
  const Trace t = run_pinned(b.build(), {{coop, 20000}});
  EXPECT_EQ(t.series("contract_payments_pln"), (std::vector<double>{0, 10000, 10000, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.series("contract_payments_missed_pln"), (std::vector<double>{0, 0, 0, 10000, 10000, 10000, 10000, 0}));
  EXPECT_EQ(t.count("contract_payment_missed"), 4);
  EXPECT_EQ(t.cash_of(city).back(), pln_to_grosze(5000));
  EXPECT_EQ(t.contracted_of(coop).back(), 0);
}

TEST(Procurement, MemberThatStopsOperatingLosesItsPart) {
  const std::uint32_t b_coop = 2;
  const Trace t = run_pinned(consortium_world({0.5}, 8), kSmall, 0, [](World& w) {
    if (w.step() + 1 == 3) w.org(b_coop).status = OrgStatus::Dormant;  // before step 3
  });
  EXPECT_EQ(t.cash_of(b_coop), pln({0, 6000, 12000, 12000, 12000, 12000, 12000, 12000}));
  EXPECT_EQ(t.cash_of(1), pln({0, 4000, 8000, 12000, 16000, 20000, 24000, 24000}));
  EXPECT_EQ(t.contracted_of(b_coop), pln({6000, 6000, 6000, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.contracted_of(1), pln({4000, 4000, 4000, 4000, 4000, 4000, 0, 0}));
  EXPECT_EQ(t.count("contract_part_ended"), 1);
  EXPECT_TRUE(has_tie(t, 0, b_coop, TieKind::Contract, 0, 3));  // its contract tie ended with its part
  EXPECT_TRUE(has_tie(t, 0, 1, TieKind::Contract, 0, 7));
}

// A busier world: two buyers, two sectors, reserved and social-clause lots, noisy scores,
// consortia and a market.
ScenarioSpec busy_world(std::uint64_t seed, int replicates) {
  SpecBuilder b(26, {2020, 1});
  b.spec().sectors = {"none", "catering", "cleaning"};
  quiet_world(b).seed(seed).replicates(replicates);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 5e6);
  const auto mops = b.org("mops", OrgKind::SocialAssistanceCentre, 0, 0, 2e6);
  for (int i = 0; i < 8; ++i) {
    trader(b, "coop" + std::to_string(i), OrgKind::SocialCooperative, i % 2 == 0 ? kCatering : kCleaning, i < 6 ? 0 : 1,
           0.3 + 0.1 * i);
  }
  trader(b, "biz0", OrgKind::Business, kCatering, 0, 0.6);
  trader(b, "biz1", OrgKind::Business, kCleaning, 0, 0.7);
  trader(b, "ngo", OrgKind::Ngo, kCatering, 0, 0.5);
  b.spec().organisations[2].founders = {city};  // coop0: direct orders
  for (std::uint32_t i = 2; i + 2 < 10; ++i) tie(b, i, i + 2, TieKind::Partnership, 0.4 + 0.05 * i);
  tie(b, city, 2, TieKind::Partnership, 0.7);
  tie(b, mops, 5, TieKind::Referral, 0.6);
  BuyerSpec c = buyer(city, 400000, 12);
  c.demand.push_back(DemandSpec{kCleaning, pln_to_grosze(300000)});
  c.reserved_share = 0.3;
  c.social_clause_share = 0.5;
  b.spec().buyers.push_back(c);
  BuyerSpec m = buyer(mops, 200000, 9);
  m.tender_month = 3;
  m.social_clause_share = 0.8;
  b.spec().buyers.push_back(m);
  b.spec().markets.push_back(MarketSpec{0, kCatering, pln_to_grosze(40000)});
  b.spec().markets.push_back(MarketSpec{0, kCleaning, pln_to_grosze(30000)});
  b.spec().markets.push_back(MarketSpec{1, kCleaning, pln_to_grosze(10000)});
  b.param("procurement.noise_sd", 0.3);
  return b.build();
}

std::map<std::uint32_t, double> busy_capacity() {
  std::map<std::uint32_t, double> cap;
  for (std::uint32_t i = 2; i < 13; ++i) cap[i] = 3000.0 + 2500.0 * (i % 5);
  cap[10] = cap[11] = 30000.0;  // the businesses can take any lot alone
  return cap;
}

std::vector<Trace> run_replicates(const ScenarioSpec& spec, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  std::vector<Trace> out(static_cast<std::size_t>(spec.replicates));
  const auto cap = busy_capacity();
  // One replicate a chunk, as the engine runs replicates.
  parallel_chunks(out.size(), 1, [&](std::size_t r, std::size_t /*end*/) {
    out[r] = run_pinned(spec, cap, static_cast<std::uint32_t>(r));
  });
  return out;
}

TEST(Procurement, ResultsDoNotDependOnTheThreadCount) {
  const ScenarioSpec spec = busy_world(7, 4);
  const auto one = run_replicates(spec, 1);
  const auto two = run_replicates(spec, 2);
  double awarded = 0;
  double consortia = 0;
  double social_economy_share = 0;
  for (std::size_t r = 0; r < one.size(); ++r) {
    EXPECT_TRUE(testing::bitwise_equal(one[r].metrics, two[r].metrics)) << "replicate " << r;
    EXPECT_EQ(one[r].cash, two[r].cash) << "replicate " << r;
    for (double v : one[r].series("contracts_awarded")) awarded += v;
    for (double v : one[r].series("consortia_won")) consortia += v;
    social_economy_share += one[r].metric(5, "contract_share_social_economy") / static_cast<double>(one.size());
  }
  EXPECT_GT(awarded, 0);  // the scenario exercises tenders at all
  EXPECT_GT(consortia, 0);
  EXPECT_GT(social_economy_share, 0.0);  // both kinds of bidder win something
  EXPECT_LT(social_economy_share, 1.0);
}

TEST(Procurement, MoreSocialClausesRaiseCooperativesContractRevenue) {
  // Over 12 replicates with noisy scores, cooperatives earn more from contracts when every
  // lot carries a social clause than when none does.
  auto coop_payments = [](double clause_share) {
    SpecBuilder b = trading_world(13);
    b.param("procurement.noise_sd", 0.2).replicates(12);
    const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e7);
    trader(b, "biz", OrgKind::Business, kCatering);
    trader(b, "coop", OrgKind::SocialCooperative, kCatering);
    b.spec().buyers.push_back(buyer(city, 600000));
    b.spec().buyers.back().social_clause_share = clause_share;
    const ScenarioSpec spec = b.build();
    double total = 0;
    for (std::uint32_t r = 0; r < 12; ++r) {
      const Trace t = run_pinned(spec, {{1, 1e5}, {2, 1e5}}, r);
      for (double v : t.series("contract_payments_social_economy_pln")) total += v;
    }
    return total;
  };
  const double none = coop_payments(0.0);
  const double all = coop_payments(1.0);
  // Without clauses the cooperative's expected score is 0.055 lower (the 10% premium), so it
  // wins well under half the lots; with the 0.15 bonus it wins most of them.
  EXPECT_GT(all, 1.5 * none);
}

}  // namespace
}  // namespace partnersim
