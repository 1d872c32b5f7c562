#include "models/market/market.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/parallel.h"
#include "sim/registry.h"

namespace partnersim::models {

namespace {

// Markets per chunk of the parallel pass: a market reads its place's organisations of its sector.
constexpr std::size_t kMarketChunk = 64;

// What one chunk of markets sells, in market order, and its counters.
struct MarketChunk {
  std::vector<World::Payment> sales;
  Grosze paid = 0;
  Grosze unmet = 0;
  Grosze sales_social_economy = 0;
  std::int64_t sellers = 0;
  std::int64_t markets_with_sellers = 0;
};

bool sells_to_customers(OrgKind k) {
  return k == OrgKind::SocialCooperative || k == OrgKind::Business || k == OrgKind::Ngo;
}

}  // namespace

void Market::configure(const ParamSet& params) {
  quality_elasticity_ = ModuleParams(params, "market").real("quality_elasticity");
}

// One pass per market: each seller gets min(f_i, floor(D a_i / sum a)); what a capped seller
// cannot serve is lost, not offered to the others (customers do not search further).
// Markets are independent (a seller sells in its own municipality and sector, and being paid
// changes no seller's free capacity), so the shares are worked out in parallel and paid in
// market order.
void Market::step(Phase /*phase*/, World& world) {
  sales_ = 0;
  unmet_ = 0;
  sales_social_economy_ = 0;
  sellers_ = 0;
  markets_with_sellers_ = 0;
  markets_ = 0;
  const auto& markets = world.spec().markets;
  if (markets.empty()) return;  // no "local customers" account in worlds without markets
  const std::uint32_t customers = world.external_account("local customers");
  const World& w = world;
  const auto chunks = parallel_chunk_results<MarketChunk>(
      markets.size(), kMarketChunk, [&](std::size_t first, std::size_t last, MarketChunk& out) {
        std::vector<std::uint32_t> sellers;
        std::vector<double> attraction;
        for (std::size_t k = first; k < last; ++k) {
          const MarketSpec& m = markets[k];
          sellers.clear();
          attraction.clear();
          double total = 0.0;
          for (const std::uint32_t o : w.organisations_in(m.municipality, m.sector)) {  // index order
            const Organisation& org = w.org(o);
            if (!org.operating() || !sells_to_customers(org.kind)) continue;
            const Grosze free = org.capacity - org.contracted;
            if (free <= 0) continue;
            const double a =
                static_cast<double>(free) * std::pow(static_cast<double>(org.quality), quality_elasticity_);
            sellers.push_back(o);
            attraction.push_back(a);
            total += a;
          }
          out.sellers += static_cast<std::int64_t>(sellers.size());
          if (!sellers.empty()) ++out.markets_with_sellers;
          Grosze paid = 0;
          for (std::size_t i = 0; i < sellers.size() && total > 0.0; ++i) {
            const Organisation& org = w.org(sellers[i]);
            const Grosze free = org.capacity - org.contracted;
            const auto share =
                static_cast<Grosze>(std::floor(static_cast<double>(m.monthly) * (attraction[i] / total)));
            // Floors keep the sum within D; the last clamp guards against rounding in the ratio.
            const Grosze amount = std::max(Grosze{0}, std::min({free, share, m.monthly - paid}));
            if (amount == 0) continue;
            out.sales.push_back({sellers[i], amount});
            paid += amount;
            if (is_social_economy(org.kind)) out.sales_social_economy += amount;
          }
          out.paid += paid;
          out.unmet += m.monthly - paid;
        }
      });
  markets_ = static_cast<std::int64_t>(markets.size());
  for (const MarketChunk& chunk : chunks) {
    world.pay_each(Account::external(customers), chunk.sales, Channel::Sales);
    sales_ += chunk.paid;
    unmet_ += chunk.unmet;
    sales_social_economy_ += chunk.sales_social_economy;
    sellers_ += chunk.sellers;
    markets_with_sellers_ += chunk.markets_with_sellers;
  }
}

void Market::observe(const World& /*world*/, std::span<double> out) const {
  out[0] = grosze_to_pln(sales_);
  out[1] = grosze_to_pln(unmet_);
  out[2] = markets_with_sellers_ > 0 ? static_cast<double>(sellers_) / static_cast<double>(markets_with_sellers_) : 0.0;
  out[3] = grosze_to_pln(sales_social_economy_);
  out[4] = markets_ > 0 ? static_cast<double>(sellers_) / static_cast<double>(markets_) : 0.0;
}

ModuleInfo market_module_info() {
  ModuleInfo info;
  info.name = "market";
  info.doc =
      "Private customers' monthly demand per sector and municipality is shared among local sellers in "
      "proportion to free capacity x quality^elasticity, each capped by its free capacity; the rest is lost.";
  info.order = 31;  // after procurement: contracts take capacity first
  info.phases = {Phase::Trade};
  info.params = {
      {"quality_elasticity", ParamType::Real, 1.0, "", 0, 10,
       "Exponent of quality in a seller's attractiveness (0: capacity alone decides the shares)", "[G] assumption"},
  };
  info.metrics = {
      {"market_sales_pln", "PLN/month", "Sales to local private customers this month"},
      {"market_unmet_demand_pln", "PLN/month",
       "Private demand no local seller served this month (no seller, or sellers capped by capacity)"},
      {"market_sellers", "organisations", "Mean sellers per market, over markets with at least one seller; 0 if none"},
      {"market_sales_social_economy_pln", "PLN/month",
       "Sales to local private customers by social-economy organisations (cooperatives, NGOs) this month"},
      {"market_crowding", "organisations",
       "Mean over all markets of the number of sellers sharing one demand (competitors in a sector and place)"},
  };
  info.make = [] { return std::make_unique<Market>(); };
  return info;
}

PARTNERSIM_REGISTER_MODULE(market_module_info)

void Market::save_state(StateWriter& out) const {
  out.put(sales_);
  out.put(unmet_);
  out.put(sales_social_economy_);
  out.put(sellers_);
  out.put(markets_with_sellers_);
  out.put(markets_);
}

void Market::restore_state(StateReader& in) {
  in.get(sales_);
  in.get(unmet_);
  in.get(sales_social_economy_);
  in.get(sellers_);
  in.get(markets_with_sellers_);
  in.get(markets_);
}

}  // namespace partnersim::models
