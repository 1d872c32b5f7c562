#include "sim/world.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sim/parallel.h"

namespace partnersim {

namespace {

// A counting sort of the organisations by key(o) < groups: stable, so each group is in
// index order.
template <typename Key>
OrganisationGroups group_organisations(const ScenarioSpec& spec, std::size_t groups, Key key) {
  OrganisationGroups g;
  g.offsets.assign(groups + 1, 0);
  for (const auto& o : spec.organisations) ++g.offsets[key(o) + 1];
  for (std::size_t k = 0; k < groups; ++k) g.offsets[k + 1] += g.offsets[k];
  g.items.resize(spec.organisations.size());
  std::vector<std::size_t> next(g.offsets.begin(), g.offsets.end() - 1);
  for (std::uint32_t v = 0; v < spec.organisations.size(); ++v) g.items[next[key(spec.organisations[v])]++] = v;
  return g;
}

}  // namespace

std::vector<std::uint32_t> World::organisations_of(std::initializer_list<OrgKind> kinds) const {
  std::vector<std::uint32_t> found;
  for (const OrgKind kind : kinds) {
    const auto group = organisations_of(kind);
    found.insert(found.end(), group.begin(), group.end());
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

World::World(const ScenarioSpec& spec, std::uint32_t replicate)
    : spec_(&spec), clock_(spec.clock()), key_{spec.seed, replicate}, params_(spec.params) {
  const std::uint32_t opening = external_account("opening balances");
  for (const auto& o : spec.organisations) {
    Organisation org;
    org.id = o.id;
    org.name = o.name;
    org.kind = o.kind;
    org.sector = o.sector;
    org.municipality = o.municipality;
    org.founded_step = o.founded_step;
    org.closed_step = o.closed_step;
    org.alive = o.founded_step <= 0 && o.closed_step > 0;
    org.staff = o.staff;
    org.members = o.members;
    org.own_places = o.programme_places;
    org.social_jobs = o.social_jobs;
    org.shelter_places = o.shelter_places;
    org.flat_places = o.flat_places;
    org.quality = static_cast<float>(o.quality);
    org.rent = o.rent;
    org.dividend = o.dividend;
    const auto v = static_cast<std::uint32_t>(boost::add_vertex(org, graph_));
    transfer(Account::external(opening), Account::org(v), o.cash, Channel::OpeningBalance);
  }
  std::size_t municipalities = spec.municipalities.size();
  for (const auto& o : spec.organisations) municipalities = std::max<std::size_t>(municipalities, o.municipality + 1);
  by_municipality_ =
      group_organisations(spec, municipalities, [](const OrganisationSpec& o) { return o.municipality; });
  place_sectors_ = std::max<std::size_t>(1, spec.sectors.size());
  for (const auto& o : spec.organisations) place_sectors_ = std::max<std::size_t>(place_sectors_, o.sector + 1);
  by_place_and_sector_ = group_organisations(spec, municipalities * place_sectors_, [this](const OrganisationSpec& o) {
    return static_cast<std::size_t>(o.municipality) * place_sectors_ + o.sector;
  });
  by_kind_ = group_organisations(spec, kOrgKindCount,
                                 [](const OrganisationSpec& o) { return static_cast<std::size_t>(o.kind); });
  for (std::uint32_t v = 0; v < spec.organisations.size(); ++v) {
    for (std::uint32_t founder : spec.organisations[v].founders) {
      const int from = spec.organisations[v].founded_step;
      boost::add_edge(founder, v, Tie{TieKind::Founding, 1.0F, from, kOpenEnded}, graph_);
    }
  }
  for (const auto& prog : spec.programmes) programme_windows_.emplace_back(prog.start_step, prog.end_step);
  for (const auto& t : spec.ties) {
    boost::add_edge(t.source, t.target, Tie{t.kind, static_cast<float>(t.strength), t.start_step, t.end_step}, graph_);
  }
  std::size_t n = 0;
  for (const auto& p : spec.people) n += static_cast<std::size_t>(p.count);
  people_.reserve(n);
  for (const auto& p : spec.people) {
    const bool placed = p.state == PersonState::InProgramme || p.state == PersonState::EmployedSocial ||
                        p.state == PersonState::Shelter || p.state == PersonState::TrainingFlat;
    for (std::int64_t k = 0; k < p.count; ++k) {
      people_.add(p.groups, static_cast<std::uint16_t>(p.municipality), p.state,
                  placed ? p.placement : kNoOrganisation);
    }
    if (p.state == PersonState::InProgramme) graph_[p.placement].participants += static_cast<int>(p.count);
    if (p.state == PersonState::EmployedSocial) graph_[p.placement].excluded_workers += static_cast<int>(p.count);
    if (p.state == PersonState::Shelter) graph_[p.placement].shelter_residents += static_cast<int>(p.count);
    if (p.state == PersonState::TrainingFlat) graph_[p.placement].flat_residents += static_cast<int>(p.count);
  }
  clear_flows();  // opening balances are not flows of step 0
}

void World::set_param(const std::string& full_name, double value) {
  if (!params_.contains(full_name)) throw std::logic_error("unknown parameter " + full_name);
  params_.set(full_name, value);
  ++params_version_;
}

std::uint32_t World::external_account(std::string_view name) {
  const auto it = std::find(external_names_.begin(), external_names_.end(), name);
  if (it != external_names_.end()) return static_cast<std::uint32_t>(it - external_names_.begin());
  external_names_.emplace_back(name);
  external_balance_.push_back(0);
  return static_cast<std::uint32_t>(external_names_.size() - 1);
}

void World::transfer(Account from, Account to, Grosze amount, Channel channel) {
  if (amount < 0) throw std::logic_error("negative transfer: " + std::string(name_of(channel)));
  if (amount == 0) return;
  auto balance = [this](Account a) -> Grosze& {
    return a.type == Account::Type::Organisation ? graph_[a.index].cash : external_balance_.at(a.index);
  };
  balance(from) -= amount;
  balance(to) += amount;
  auto account_class_index = [this](Account a) {
    return a.type == Account::Type::Organisation ? static_cast<std::size_t>(graph_[a.index].kind)
                                                 : kOrgKindCount + a.index;
  };
  if (flow_classes_ != kOrgKindCount + external_names_.size()) widen_flows();
  flows_[(account_class_index(from) * flow_classes_ + account_class_index(to)) * kChannelCount +
         static_cast<std::size_t>(channel)] += amount;
  if (to.type != Account::Type::Organisation) return;
  auto& revenue = graph_[to.index].revenue;
  switch (channel) {
    case Channel::Sales:
      revenue[static_cast<std::size_t>(RevenueSource::Market)] += amount;
      break;
    case Channel::Contract:
      revenue[static_cast<std::size_t>(RevenueSource::Contracts)] += amount;
      break;
    case Channel::Grant:
    case Channel::EuProject:
    case Channel::StartupGrant:
    case Channel::CapitalGrant:
    case Channel::Donation:
      revenue[static_cast<std::size_t>(RevenueSource::Grants)] += amount;
      break;
    case Channel::Subsidy:
      revenue[static_cast<std::size_t>(RevenueSource::Subsidies)] += amount;
      break;
    default:
      break;
  }
}

void World::pay_each(Account from, std::span<const Payment> payments, Channel channel) {
  for (std::size_t i = 0; i < payments.size(); ++i) {
    if (i + kPrefetchAhead < payments.size()) prefetch_org(payments[i + kPrefetchAhead].organisation);
    transfer(from, Account::org(payments[i].organisation), payments[i].amount, channel);
  }
}

std::string_view World::account_class(Account a) const {
  return a.type == Account::Type::Organisation ? name_of(graph_[a.index].kind)
                                               : std::string_view(external_names_.at(a.index));
}

void World::widen_flows() {
  const std::size_t classes = kOrgKindCount + external_names_.size();
  std::vector<Grosze> wider(classes * classes * kChannelCount, 0);
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    const std::size_t pair = i / kChannelCount;
    wider[((pair / flow_classes_) * classes + pair % flow_classes_) * kChannelCount + i % kChannelCount] = flows_[i];
  }
  flows_ = std::move(wider);
  flow_classes_ = classes;
}

std::vector<LedgerFlow> World::ledger_flows() const {
  std::vector<LedgerFlow> out;
  auto label = [this](std::size_t c) {
    return c < kOrgKindCount ? name_of(static_cast<OrgKind>(c))
                             : std::string_view(external_names_.at(c - kOrgKindCount));
  };
  // By source, sink and channel, as the table is laid out.
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    if (flows_[i] == 0) continue;
    const std::size_t pair = i / kChannelCount;
    out.push_back(LedgerFlow{label(pair / flow_classes_), label(pair % flow_classes_),
                             static_cast<Channel>(i % kChannelCount), flows_[i]});
  }
  return out;
}

const ActiveTies& World::active_ties() const {
  if (active_ties_.stale(step_, boost::num_edges(graph_))) active_ties_.rebuild(graph_, step_);
  return active_ties_;
}

const TieView& World::tie_view() const {
  const ActiveTies& ties = active_ties();
  if (!ties.view_changes_known() || !tie_view_.apply(ties.view_changes(), ties.alive())) tie_view_.assign(*this);
  active_ties_.forget_view_changes();
  return tie_view_;
}

void World::found_organisation(std::uint32_t i, const std::vector<std::uint32_t>& founders, std::string_view note) {
  active_ties_.changed();  // a new living organisation; its founding ties are new out-edges
  Organisation& o = graph_[i];
  o.alive = true;
  o.status = OrgStatus::Active;
  o.founded_step = step_;  // closed_step stays as the scenario set it (a dated closure still applies)
  for (std::uint32_t f : founders) boost::add_edge(f, i, Tie{TieKind::Founding, 1.0F, step_, kOpenEnded}, graph_);
  log("organisation_founded", i, kNoOrganisation, 0, note.empty() ? o.name : std::string(note));
}

void World::close_organisation(std::uint32_t i, std::string_view kind, std::string_view note) {
  Organisation& o = graph_[i];
  if (!o.alive) return;
  active_ties_.changed();
  o.alive = false;
  o.status = OrgStatus::Liquidated;
  o.closed_step = step_;
  // A tie needs two living organisations: every tie of a closed one ends now, and ties
  // dated to start later (a scheduled partnership) never come into force.
  const auto end_tie = [this](Tie& tie) {
    if (tie.active_at(step_)) tie.end_step = step_;
    if (tie.start_step > step_ && tie.end_step > tie.start_step) tie.end_step = tie.start_step;
  };
  active_ties_.source_changed(i);
  for (auto e : boost::make_iterator_range(boost::out_edges(i, graph_))) end_tie(graph_[e]);
  for (auto e : boost::make_iterator_range(boost::in_edges(i, graph_))) {
    end_tie(graph_[e]);
    active_ties_.source_changed(static_cast<std::uint32_t>(boost::source(e, graph_)));
  }
  log(kind, i, kNoOrganisation, 0, note.empty() ? o.name : std::string(note));
}

bool World::share_pact(std::uint32_t a, std::uint32_t b) const {
  for (const Pact& p : pacts_) {
    if (std::binary_search(p.signatories.begin(), p.signatories.end(), a) &&
        std::binary_search(p.signatories.begin(), p.signatories.end(), b)) {
      return true;
    }
  }
  return false;
}

Grosze World::money_total() const {
  Grosze total = 0;
  for (auto v : boost::make_iterator_range(boost::vertices(graph_))) total += graph_[v].cash;
  for (Grosze b : external_balance_) total += b;
  return total;
}

void World::log(std::string_view kind, std::uint32_t source, std::uint32_t target, Grosze amount, std::string note) {
  events_.push_back(LoggedEvent{step_, std::string(kind), source, target, amount, std::move(note)});
}

void World::apply_graph_edits() {
  // New ties are new out-edges, which the cache reads anyway; ended ones are marked below.
  std::vector<GraphEdit> edits(edits_.begin(), edits_.end());
  edits_.clear();
  std::sort(edits.begin(), edits.end(), [](const GraphEdit& a, const GraphEdit& b) {
    return a.proposer != b.proposer ? a.proposer < b.proposer : a.sequence < b.sequence;
  });
  for (const auto& e : edits) {
    if (e.type == GraphEdit::Type::AddTie) {
      // An organisation closed or liquidated since the tie was planned (a scheduled pact
      // of a cooperative that has folded) takes no new ties.
      if (!graph_[e.source].alive || !graph_[e.target].alive) {
        log("tie_not_added", e.source, e.target, 0,
            std::string(name_of(e.tie.kind)) + ": " + graph_[graph_[e.source].alive ? e.target : e.source].id +
                " no longer exists");
        continue;
      }
      boost::add_edge(e.source, e.target, e.tie, graph_);
      log("tie_added", e.source, e.target, 0, std::string(name_of(e.tie.kind)));
      continue;
    }
    // End every active tie of this kind between the two, in either direction.
    bool ended = false;
    for (auto [a, b] : {std::pair{e.source, e.target}, std::pair{e.target, e.source}}) {
      for (auto edge : boost::make_iterator_range(boost::out_edges(a, graph_))) {
        Tie& tie = graph_[edge];
        if (boost::target(edge, graph_) == b && tie.kind == e.tie.kind && tie.active_at(step_)) {
          tie.end_step = step_;
          active_ties_.source_changed(a);
          ended = true;
        }
      }
    }
    if (ended) log("tie_ended", e.source, e.target, 0, std::string(name_of(e.tie.kind)));
  }
}

int World::active_degree(std::uint32_t i) const {
  int d = 0;
  for (auto e : boost::make_iterator_range(boost::out_edges(i, graph_))) d += graph_[e].active_at(step_) ? 1 : 0;
  for (auto e : boost::make_iterator_range(boost::in_edges(i, graph_))) d += graph_[e].active_at(step_) ? 1 : 0;
  return d;
}

std::size_t World::active_tie_count() const { return active_ties().size(); }

void World::begin_step(int step) {
  step_ = step;
  active_ties_.changed();  // ties start and end by date, organisations open and close
  clear_flows();
  // Revenue is cleared and the organisations dated to open or close now are found in
  // parallel; they then open and close in index order (opening or closing one changes no
  // other's dates or state, so the same ones are found as by one sequential pass).
  const auto due = parallel_gather<std::uint32_t>(
      organisation_count(), kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::vector<std::uint32_t>& out) {
        for (std::size_t v = begin; v < end; ++v) {
          Organisation& o = graph_[v];
          o.revenue.fill(0);
          const bool opens = !o.alive && o.founded_step == step && step < o.closed_step;
          const bool closes = o.alive && o.closed_step == step;
          if (opens || closes) out.push_back(static_cast<std::uint32_t>(v));
        }
      });
  for (const std::uint32_t idx : due) {
    Organisation& o = graph_[idx];
    if (!o.alive && o.founded_step == step && step < o.closed_step) {
      o.alive = true;
      log("organisation_founded", idx, kNoOrganisation, 0, o.name);
    }
    if (o.alive && o.closed_step == step) close_organisation(idx, "organisation_closed", o.name);
  }
}

}  // namespace partnersim

namespace partnersim {

namespace {

// Adding a field to Organisation or Tie means adding it to the checkpoint below too.
static_assert(sizeof(Organisation) == 240 && sizeof(Tie) == 16,
              "Organisation or Tie changed: update World::save_state and World::restore_state");

template <typename Io, typename O>
void organisation_fields(Io&& io, O& o) {
  io(o.kind), io(o.sector), io(o.municipality), io(o.founded_step), io(o.closed_step), io(o.alive), io(o.status);
  io(o.cash), io(o.staff), io(o.members), io(o.own_places), io(o.funded_places), io(o.participants);
  io(o.social_jobs), io(o.excluded_workers), io(o.shelter_places), io(o.shelter_residents), io(o.flat_places);
  io(o.flat_residents), io(o.quality), io(o.capacity), io(o.contracted), io(o.rent), io(o.rent_free_until);
  io(o.dividend), io(o.dividend_holiday_until), io(o.supported_until), io(o.months_negative_cash);
  io(o.months_dormant), io(o.months_few_members), io(o.revenue);
}

template <typename Io, typename T>
void tie_fields(Io&& io, T& t) {
  io(t.kind), io(t.strength), io(t.start_step), io(t.end_step);
}

template <typename Io, typename P>
void people_columns(Io&& io, P& p) {
  io(p.groups), io(p.state), io(p.months_in_state), io(p.placement), io(p.municipality), io(p.job_entry_step);
}

}  // namespace

void World::save_state(StateWriter& out) const {
  out.put(step_);
  const auto n = static_cast<std::uint64_t>(organisation_count());
  out.put(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    out.put(graph_[v].id);
    organisation_fields([&out](const auto& field) { out.put(field); }, graph_[v]);
  }
  // In the order the ties were made (edges are never removed): adding them again in this
  // order gives every organisation's lists of ties the same order as before.
  out.put(static_cast<std::uint64_t>(boost::num_edges(graph_)));
  for (auto e : boost::make_iterator_range(boost::edges(graph_))) {
    out.put(static_cast<std::uint32_t>(boost::source(e, graph_)));
    out.put(static_cast<std::uint32_t>(boost::target(e, graph_)));
    tie_fields([&out](const auto& field) { out.put(field); }, graph_[e]);
  }
  people_columns([&out](const auto& column) { out.put(column); }, people_);
  out.put(params_.values());
  out.put(params_version_);
  out.put(external_names_);
  out.put(external_balance_);
  out.put(static_cast<std::uint64_t>(pacts_.size()));
  for (const Pact& p : pacts_) {
    out.put(p.name);
    out.put(p.signed_step);
    out.put(p.signatories);
  }
  out.put(programme_windows_);
}

void World::restore_state(StateReader& in) {
  const auto fail = [&in](const std::string& what) { throw CheckpointError(in.what() + ": " + what); };
  in.get(step_);
  const auto n = in.get<std::uint64_t>();
  if (n != organisation_count()) {
    fail(std::to_string(n) + " organisations in the checkpoint, " + std::to_string(organisation_count()) +
         " in the scenario");
  }
  OrgGraph graph(static_cast<OrgGraph::vertices_size_type>(n));
  for (std::uint32_t v = 0; v < n; ++v) {
    Organisation& o = graph[v];
    in.get(o.id);
    if (o.id != graph_[v].id) fail("organisation " + std::to_string(v) + " is " + o.id + ", not " + graph_[v].id);
    o.name = graph_[v].name;
    organisation_fields([&in](auto& field) { in.get(field); }, o);
  }
  const auto edges = in.get<std::uint64_t>();
  for (std::uint64_t k = 0; k < edges; ++k) {
    const auto source = in.get<std::uint32_t>();
    const auto target = in.get<std::uint32_t>();
    Tie tie;
    tie_fields([&in](auto& field) { in.get(field); }, tie);
    if (source >= n || target >= n) fail("a tie joins an organisation that does not exist");
    boost::add_edge(source, target, tie, graph);
  }
  People people;
  people_columns([&in](auto& column) { in.get(column); }, people);
  const std::size_t persons = people_.size();
  for (std::size_t column : {people.groups.size(), people.state.size(), people.months_in_state.size(),
                             people.placement.size(), people.municipality.size(), people.job_entry_step.size()}) {
    if (column != persons) {
      fail(std::to_string(column) + " people in the checkpoint, " + std::to_string(persons) + " in the scenario");
    }
  }
  std::map<std::string, double> values;
  in.get(values);
  ParamSet params;
  for (const auto& [name, value] : values) {
    if (!params_.contains(name)) fail("parameter " + name + " is unknown to this build");
    params.set(name, value);
  }
  if (params.values().size() != params_.values().size()) fail("parameters missing from the checkpoint");
  in.get(params_version_);
  in.get(external_names_);
  in.get(external_balance_);
  if (external_balance_.size() != external_names_.size()) fail("outside accounts do not match their names");
  const auto pacts = in.get<std::uint64_t>();
  pacts_.clear();
  for (std::uint64_t k = 0; k < pacts; ++k) {
    Pact p;
    in.get(p.name);
    in.get(p.signed_step);
    in.get(p.signatories);
    pacts_.push_back(std::move(p));
  }
  in.get(programme_windows_);
  if (programme_windows_.size() != spec_->programmes.size()) fail("funding programmes do not match the scenario");
  graph_.swap(graph);           // adjacency_list has no move assignment: a copy would double the memory
  active_ties_ = ActiveTies();  // it pointed into the old graph: read the new one from scratch
  people_ = std::move(people);
  params_ = std::move(params);
  events_.clear();
  edits_.clear();
  clear_flows();
}

}  // namespace partnersim
