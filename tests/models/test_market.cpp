#include <gtest/gtest.h>

#include "support/spec_builder.h"
#include "support/trade_harness.h"

namespace partnersim {
namespace {

using testing::quiet_world;
using testing::run_pinned;
using testing::SpecBuilder;
using testing::Trace;
using testing::trader;

constexpr std::uint32_t kCatering = 1;
constexpr std::uint32_t kCleaning = 2;

SpecBuilder market_world(int steps = 1) {
  SpecBuilder b(steps, {2020, 1});
  b.spec().sectors = {"none", "catering", "cleaning"};
  quiet_world(b);
  return b;
}

void market(SpecBuilder& b, std::uint32_t municipality, std::uint32_t sector, double monthly_pln) {
  b.spec().markets.push_back(MarketSpec{municipality, sector, pln_to_grosze(monthly_pln)});
}

// Sales of step 0: nothing else pays anyone in these worlds.
Grosze sales(const Trace& t, std::uint32_t org) { return t.cash_of(org).at(0); }

// Three local sellers with attractiveness 10,000 x 0.5, 20,000 x 1 and 10,000 x 1, plus
// sellers that must not sell: another municipality, another sector, a fully contracted one,
// and a municipality (not a seller kind).
struct Sellers {
  std::uint32_t coop, biz, ngo, far, cleaner, busy, city;
};
Sellers sellers(SpecBuilder& b) {
  Sellers s{};
  s.coop = trader(b, "coop", OrgKind::SocialCooperative, kCatering, 0, 0.5);
  s.biz = trader(b, "biz", OrgKind::Business, kCatering, 0, 1.0);
  s.ngo = trader(b, "ngo", OrgKind::Ngo, kCatering, 0, 1.0);
  s.far = trader(b, "far", OrgKind::Business, kCatering, 1, 1.0);
  s.cleaner = trader(b, "cleaner", OrgKind::SocialCooperative, kCleaning, 0, 1.0);
  s.busy = trader(b, "busy", OrgKind::SocialCooperative, kCatering, 0, 1.0);
  s.city = trader(b, "city", OrgKind::Municipality, kCatering, 0, 1.0);
  return s;
}
std::map<std::uint32_t, double> capacities(const Sellers& s) {
  return {{s.coop, 10000},  {s.biz, 20000}, {s.ngo, 10000}, {s.far, 1e5},
          {s.cleaner, 1e5}, {s.busy, 1e5},  {s.city, 1e5}};
}
testing::StepHook fully_contracted(std::uint32_t org) {
  return [org](World& w) { w.org(org).contracted = w.org(org).capacity; };
}

TEST(Market, SharesAreProportionalToCapacityTimesQuality) {
  SpecBuilder b = market_world();
  const Sellers s = sellers(b);
  market(b, 0, kCatering, 30000);
  const Trace t = run_pinned(b.build(), capacities(s), 0, fully_contracted(s.busy));
  // D x a_i / sum a with a = 5,000 : 20,000 : 10,000, each share floored to the grosz.
  EXPECT_EQ(sales(t, s.coop), 428571);
  EXPECT_EQ(sales(t, s.biz), 1714285);
  EXPECT_EQ(sales(t, s.ngo), 857142);
  for (std::uint32_t o : {s.far, s.cleaner, s.busy, s.city}) EXPECT_EQ(sales(t, o), 0) << o;
  EXPECT_DOUBLE_EQ(t.metric(0, "market_sales_pln"), grosze_to_pln(2999998));
  EXPECT_DOUBLE_EQ(t.metric(0, "market_unmet_demand_pln"), grosze_to_pln(2));
  EXPECT_DOUBLE_EQ(t.metric(0, "market_sales_social_economy_pln"), grosze_to_pln(428571 + 857142));
  EXPECT_EQ(t.metric(0, "market_sellers"), 3);
  EXPECT_EQ(t.metric(0, "market_crowding"), 3);
}

TEST(Market, SharesAreCappedByFreeCapacityAndTheRestIsLost) {
  SpecBuilder b = market_world();
  const Sellers s = sellers(b);
  market(b, 0, kCatering, 100000);  // proportional shares 14,286 / 57,143 / 28,571 exceed capacity
  const Trace t = run_pinned(b.build(), capacities(s), 0, fully_contracted(s.busy));
  EXPECT_EQ(sales(t, s.coop), pln_to_grosze(10000));
  EXPECT_EQ(sales(t, s.biz), pln_to_grosze(20000));
  EXPECT_EQ(sales(t, s.ngo), pln_to_grosze(10000));
  EXPECT_EQ(t.metric(0, "market_sales_pln"), 40000);
  EXPECT_EQ(t.metric(0, "market_unmet_demand_pln"), 60000);  // not redistributed
}

TEST(Market, WithoutQualityElasticityCapacityAloneDecides) {
  SpecBuilder b = market_world();
  b.param("market.quality_elasticity", 0.0);
  const Sellers s = sellers(b);
  market(b, 0, kCatering, 30000);
  const Trace t = run_pinned(b.build(), capacities(s), 0, fully_contracted(s.busy));
  EXPECT_EQ(sales(t, s.coop), pln_to_grosze(7500));
  EXPECT_EQ(sales(t, s.biz), pln_to_grosze(15000));
  EXPECT_EQ(sales(t, s.ngo), pln_to_grosze(7500));
}

TEST(Market, AnotherSameSectorSellerLowersEveryonesRevenue) {
  auto run = [](int same_sector) {
    SpecBuilder b = market_world();
    std::map<std::uint32_t, double> cap;
    for (int i = 0; i < same_sector; ++i)
      cap[trader(b, "c" + std::to_string(i), OrgKind::SocialCooperative, kCatering)] = 5e4;
    cap[trader(b, "cleaner", OrgKind::SocialCooperative, kCleaning)] = 5e4;  // other sector: no competitor
    market(b, 0, kCatering, 30000);
    return run_pinned(b.build(), cap);
  };
  const Trace two = run(2);
  const Trace three = run(3);
  EXPECT_EQ(sales(two, 0), pln_to_grosze(15000));
  EXPECT_EQ(sales(two, 1), pln_to_grosze(15000));
  for (std::uint32_t o : {0U, 1U, 2U}) EXPECT_EQ(sales(three, o), pln_to_grosze(10000));
  EXPECT_EQ(two.metric(0, "market_crowding"), 2);
  EXPECT_EQ(three.metric(0, "market_crowding"), 3);
  EXPECT_EQ(two.metric(0, "market_sales_pln"), three.metric(0, "market_sales_pln"));  // demand is fixed
}

TEST(Market, MarketsWithoutSellersLoseTheirDemand) {
  SpecBuilder b = market_world();
  const auto a = trader(b, "a", OrgKind::SocialCooperative, kCatering);
  const auto c = trader(b, "c", OrgKind::Business, kCatering);
  const auto dormant = trader(b, "dormant", OrgKind::SocialCooperative, kCleaning, 1);
  market(b, 0, kCatering, 10000);
  market(b, 1, kCleaning, 7000);  // its only seller is dormant
  const Trace t = run_pinned(b.build(), {{a, 1e5}, {c, 1e5}, {dormant, 1e5}}, 0,
                             [dormant](World& w) { w.org(dormant).status = OrgStatus::Dormant; });
  EXPECT_EQ(sales(t, dormant), 0);
  EXPECT_EQ(t.metric(0, "market_sales_pln"), 10000);
  EXPECT_EQ(t.metric(0, "market_unmet_demand_pln"), 7000);
  EXPECT_EQ(t.metric(0, "market_sellers"), 2);   // over markets with a seller
  EXPECT_EQ(t.metric(0, "market_crowding"), 1);  // over all markets
}

TEST(Market, PublicContractsTakeCapacityBeforeTheMarket) {
  SpecBuilder b = market_world(3);
  b.param("procurement.noise_sd", 0.0);
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1e6);
  const auto coop = trader(b, "coop", OrgKind::SocialCooperative, kCatering);
  BuyerSpec buyer;
  buyer.organisation = city;
  buyer.demand = {DemandSpec{kCatering, pln_to_grosze(120000)}};
  b.spec().buyers.push_back(buyer);
  market(b, 0, kCatering, 50000);
  const Trace t = run_pinned(b.build(), {{coop, 25000}});
  // 10,000 a month is contracted from step 0; the market gets the 15,000 left.
  EXPECT_EQ(t.series("market_sales_pln"), (std::vector<double>{15000, 15000, 15000}));
  EXPECT_EQ(t.cash_of(coop), (std::vector<Grosze>{pln_to_grosze(15000), pln_to_grosze(40000), pln_to_grosze(65000)}));
}

}  // namespace
}  // namespace partnersim
