// The organisations graph: vertices are organisations, edges are typed, weighted ties.
// Vertices are never removed (a closed organisation stays with alive = false), so a vertex
// index is a stable organisation index for the whole run and in the output.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <array>
#include <cstdint>
#include <string>

#include "sim/kinds.h"
#include "sim/money.h"
#include "sim/spec.h"

namespace partnersim {

// Where a cooperative (or any organisation) stands in its life cycle.
enum class OrgStatus : std::uint8_t {
  Active,
  Dormant,     // registered but not trading: no sales, no bids, no jobs
  Liquidated,  // gone for good (alive = false)
};

// Revenue of the current month by source, for the grant-dependency metrics.
enum class RevenueSource : std::uint8_t { Market, Contracts, Grants, Subsidies };
inline constexpr std::size_t kRevenueSourceCount = 4;

struct Organisation {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::Ngo;
  std::uint32_t sector = 0;
  std::uint32_t municipality = 0;
  int founded_step = 0;
  int closed_step = kOpenEnded;
  bool alive = false;  // exists this month (founded and not closed or liquidated)
  OrgStatus status = OrgStatus::Active;
  Grosze cash = 0;

  // People and places.
  int staff = 0;             // employees not from excluded groups
  int members = 0;           // cooperative members (natural persons)
  int own_places = 0;        // reintegration places the organisation runs itself
  int funded_places = 0;     // places paid by funding programmes this month
  int participants = 0;      // people in its programme now
  int social_jobs = 0;       // positions for excluded workers
  int excluded_workers = 0;  // excluded people employed now
  int shelter_places = 0;    // night-shelter / homeless-house beds
  int shelter_residents = 0;
  int flat_places = 0;  // places in social flats with training support
  int flat_residents = 0;

  // Economy.
  float quality = 0.5F;                               // relative quality of goods and services, [0, 1]
  Grosze capacity = 0;                                // monthly output it can deliver (set by models/cooperatives)
  Grosze contracted = 0;                              // monthly output already committed to public contracts
  Grosze rent = 0;                                    // monthly rent for premises
  int rent_free_until = 0;                            // first step rent is due again (free premises)
  Grosze dividend = 0;                                // monthly dividend a municipal company pays its owner
  int dividend_holiday_until = 0;                     // first step dividends are paid again
  int supported_until = 0;                            // first step without incubator / support-centre support
  int months_negative_cash = 0;                       // consecutive months ending with cash < 0
  int months_dormant = 0;                             // consecutive months dormant
  int months_few_members = 0;                         // consecutive months below the legal minimum of members
  std::array<Grosze, kRevenueSourceCount> revenue{};  // this month, by source

  [[nodiscard]] bool operating() const { return alive && status == OrgStatus::Active; }
  [[nodiscard]] int programme_places() const { return own_places + funded_places; }
  [[nodiscard]] int employees() const { return staff + excluded_workers; }
  [[nodiscard]] int workers() const { return staff + excluded_workers; }
};

struct Tie {
  TieKind kind = TieKind::Partnership;
  float strength = 0.5F;
  int start_step = 0;
  int end_step = kOpenEnded;  // first step it no longer holds

  [[nodiscard]] bool active_at(int step) const { return start_step <= step && step < end_step; }
};

// Directed: for founding, grant, referral and in-kind ties the direction means
// "source gives to / founded / refers to target"; symmetric kinds ignore it.
using OrgGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Organisation, Tie>;
using OrgVertex = OrgGraph::vertex_descriptor;
using TieEdge = OrgGraph::edge_descriptor;

}  // namespace partnersim
