// The organisations graph: vertices are organisations, edges are typed, weighted ties.
// Vertices are never removed (a closed organisation stays with alive = false), so a vertex
// index is a stable organisation index for the whole run and in the output.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <string>

#include "sim/kinds.h"
#include "sim/money.h"
#include "sim/spec.h"

namespace partnersim {

struct Organisation {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::Ngo;
  std::uint32_t sector = 0;
  std::uint32_t municipality = 0;
  int founded_step = 0;
  int closed_step = kOpenEnded;
  bool alive = false;
  Grosze cash = 0;
  int staff = 0;             // employees not from excluded groups
  int own_places = 0;        // reintegration places the organisation runs itself
  int funded_places = 0;     // places paid by funding programmes this month
  int participants = 0;      // people in its programme now
  int social_jobs = 0;       // positions for excluded workers
  int excluded_workers = 0;  // excluded people employed now

  [[nodiscard]] int programme_places() const { return own_places + funded_places; }
  [[nodiscard]] int employees() const { return staff + excluded_workers; }
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
