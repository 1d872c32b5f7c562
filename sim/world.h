// The state of one replicate: organisations graph, people, money, the current step, and the
// buffers through which modules change shared state deterministically. Knows no policy.
#pragma once

#include <tbb/concurrent_vector.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/active_ties.h"
#include "sim/clock.h"
#include "sim/organisations.h"
#include "sim/people.h"
#include "sim/random.h"
#include "sim/spec.h"
#include "sim/state_io.h"
#include "sim/tie_view.h"

namespace partnersim {

// Who pays or is paid: an organisation of the scenario or an account outside it (the EU,
// the state budget, a donor public). Outside accounts go negative as they pay in, so the
// sum over all accounts is zero at every step: no zloty is created or lost.
struct Account {
  enum class Type : std::uint8_t { Organisation, External } type = Type::External;
  std::uint32_t index = 0;
  static Account org(std::uint32_t i) { return {Type::Organisation, i}; }
  static Account external(std::uint32_t i) { return {Type::External, i}; }
};

// Money moved this month from one class of account to another for one purpose. A class is
// an organisation kind ("social_cooperative") or an outside account ("ESF").
struct LedgerFlow {
  std::string_view source;
  std::string_view sink;
  Channel channel = Channel::Transfer;
  Grosze amount = 0;
};

struct Pact {
  std::string name;
  int signed_step = 0;
  std::vector<std::uint32_t> signatories;  // sorted
};

struct LoggedEvent {
  int step = 0;
  std::string kind;
  std::uint32_t source = kNoOrganisation;
  std::uint32_t target = kNoOrganisation;
  Grosze amount = 0;
  std::string note;
};

// A change to the ties proposed during a phase (possibly from parallel code) and applied
// by the engine in its rewiring phase, sorted by (proposer, sequence), so the graph
// evolves identically whatever the thread count.
struct GraphEdit {
  enum class Type : std::uint8_t { AddTie, EndTie } type = Type::AddTie;
  std::uint64_t proposer = 0;  // e.g. module slot << 40 | agent index
  std::uint32_t sequence = 0;  // order of this proposal among the proposer's own
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  Tie tie;  // for EndTie only tie.kind is used
};

// Organisation indices grouped by a key that never changes during a run (municipality,
// kind), in index order within a group: group k is items[offsets[k], offsets[k+1]).
struct OrganisationGroups {
  std::vector<std::size_t> offsets;
  std::vector<std::uint32_t> items;
  [[nodiscard]] std::span<const std::uint32_t> group(std::size_t k) const {
    if (k + 1 >= offsets.size()) return {};
    return {items.data() + offsets[k], items.data() + offsets[k + 1]};
  }
};

class World {
 public:
  World(const ScenarioSpec& spec, std::uint32_t replicate);

  [[nodiscard]] const ScenarioSpec& spec() const { return *spec_; }
  [[nodiscard]] const Clock& clock() const { return clock_; }
  [[nodiscard]] int step() const { return step_; }
  [[nodiscard]] std::uint32_t replicate() const { return key_.replicate; }

  // Random numbers for one decision of one agent this step.
  [[nodiscard]] RandomStream stream(std::uint32_t purpose_id, std::uint64_t agent) const {
    return RandomStream(key_, static_cast<std::uint32_t>(step_), purpose_id, agent);
  }

  // Writing to the graph directly may change ties or organisations: the active-ties cache
  // re-reads every tie on its next read. Call from sequential code. (A name of its own, so
  // that reading through a non-const World never costs a re-read.)
  OrgGraph& mutable_graph() {
    ties_changed();
    ++graph_writes_;
    return graph_;
  }
  // How many times mutable_graph() was called (the engine re-reads every tie after a module
  // that did, in case it wrote through the reference after reading the cache).
  [[nodiscard]] std::uint64_t graph_writes() const { return graph_writes_; }
  [[nodiscard]] const OrgGraph& graph() const { return graph_; }
  [[nodiscard]] std::size_t organisation_count() const { return boost::num_vertices(graph_); }
  Organisation& org(std::uint32_t i) { return graph_[i]; }
  [[nodiscard]] const Organisation& org(std::uint32_t i) const { return graph_[i]; }

  // Organisations based in municipality m, in index order: the local candidates of markets,
  // tenders and other per-place searches (vertices are never added during a run).
  [[nodiscard]] std::span<const std::uint32_t> organisations_in(std::uint32_t m) const {
    return by_municipality_.group(m);
  }
  // Those of them in one sector (sectors never change during a run): the sellers and
  // bidders of one local market or tender, found without visiting the other sectors'.
  [[nodiscard]] std::span<const std::uint32_t> organisations_in(std::uint32_t m, std::uint32_t sector) const {
    if (sector >= place_sectors_) return {};  // no organisation is in that sector
    return by_place_and_sector_.group(static_cast<std::size_t>(m) * place_sectors_ + sector);
  }
  // Organisations of one kind, in index order: the candidates of passes that concern one
  // kind (kinds never change during a run), so such a pass need not visit every vertex.
  [[nodiscard]] std::span<const std::uint32_t> organisations_of(OrgKind kind) const {
    return by_kind_.group(static_cast<std::size_t>(kind));
  }
  // Organisations of any of several kinds, in index order.
  [[nodiscard]] std::vector<std::uint32_t> organisations_of(std::initializer_list<OrgKind> kinds) const;

  People& people() { return people_; }
  [[nodiscard]] const People& people() const { return people_; }

  // Parameters in force now; a scheduled event may change them mid-run.
  [[nodiscard]] const ParamSet& params() const { return params_; }
  void set_param(const std::string& full_name, double value);
  [[nodiscard]] std::uint64_t params_version() const { return params_version_; }

  // Money. Call from sequential code only (parallel phases buffer their payments).
  std::uint32_t external_account(std::string_view name);  // finds or opens an account
  [[nodiscard]] const std::vector<std::string>& external_account_names() const { return external_names_; }
  [[nodiscard]] Grosze external_balance(std::uint32_t i) const { return external_balance_.at(i); }
  // Moves money and records the flow; credits the recipient's revenue of the month when the
  // channel is income (sales, contracts, grants, subsidies).
  void transfer(Account from, Account to, Grosze amount, Channel channel);
  // The same as transfer(from, Account::org(p.organisation), p.amount, channel) for each
  // payment in order, for long lists of payments to organisations scattered in memory: the
  // records of those a few places ahead are fetched while the current one is paid.
  struct Payment {
    std::uint32_t organisation = 0;
    Grosze amount = 0;
  };
  void pay_each(Account from, std::span<const Payment> payments, Channel channel);
  // A hint that organisation i's record (its kind, life, cash and revenue: what a transfer
  // and most checks read) is wanted soon: long passes over organisations scattered in memory
  // issue it a few items ahead, so that the fetches overlap instead of waiting in turn.
  static constexpr std::size_t kPrefetchAhead = 8;  // items ahead: about one memory fetch at such a pass's pace
  void prefetch_org(std::uint32_t i) const {
    const Organisation& o = graph_[i];
    __builtin_prefetch(&o.kind, 0);
    __builtin_prefetch(&o.cash, 0);
    __builtin_prefetch(&o.revenue, 0);
  }
  [[nodiscard]] Grosze money_total() const;                    // zero whenever the ledger balances
  [[nodiscard]] std::vector<LedgerFlow> ledger_flows() const;  // this month's, in a fixed order
  [[nodiscard]] std::string_view account_class(Account a) const;

  // Organisations' life. Call from sequential code only.
  void found_organisation(std::uint32_t i, const std::vector<std::uint32_t>& founders, std::string_view note);
  void close_organisation(std::uint32_t i, std::string_view kind, std::string_view note);  // ends its ties

  // Pacts: signatories are tied to each other and their ties decay slower.
  void add_pact(Pact pact) { pacts_.push_back(std::move(pact)); }
  [[nodiscard]] const std::vector<Pact>& pacts() const { return pacts_; }
  [[nodiscard]] bool share_pact(std::uint32_t a, std::uint32_t b) const;

  // When each funding programme runs: [start, end) steps, from the spec unless an event moved it.
  [[nodiscard]] std::pair<int, int> programme_window(std::size_t k) const { return programme_windows_.at(k); }
  void set_programme_window(std::size_t k, int start, int end) { programme_windows_.at(k) = {start, end}; }

  // Event log of the current step. Call from sequential code only.
  void log(std::string_view kind, std::uint32_t source, std::uint32_t target, Grosze amount, std::string note = {});
  [[nodiscard]] const std::vector<LoggedEvent>& step_events() const { return events_; }

  // Graph edits: safe to call concurrently; applied by the engine in Phase::Rewire.
  void propose(const GraphEdit& edit) { edits_.push_back(edit); }
  void apply_graph_edits();

  // The ties in force now in flat arrays (a cache of the graph, rebuilt here when stale).
  // Call from sequential code; the arrays may then be read from parallel code.
  [[nodiscard]] const ActiveTies& active_ties() const;
  // The undirected view of the ties in force now (sim/tie_view.h), patched here with the
  // ties that entered or left it since it was last read (built afresh when they are not
  // known). Call from sequential code; the view may then be read from parallel code.
  [[nodiscard]] const TieView& tie_view() const;
  // Whoever changes ties or organisations' life other than through World's methods or
  // mutable_graph() says so, so the cache re-reads every tie on its next read.
  void ties_changed() const { active_ties_.invalidate(); }
  // Changes a tie through its entry in active_ties(): the tie and the cache's copy of it.
  // Safe from parallel code for distinct entries; call ties_written() afterwards.
  void set_tie_strength(const ActiveTie& t, float strength) { active_ties_.set_strength(t, strength); }
  void end_tie_now(const ActiveTie& t) { active_ties_.end(t, step_); }
  void ties_written() const { active_ties_.changed(); }

  // Active ties touching organisation i now (in and out).
  [[nodiscard]] int active_degree(std::uint32_t i) const;
  [[nodiscard]] std::size_t active_tie_count() const;

  // Engine hooks, called by the scheduler.
  void begin_step(int step);  // opens organisations founded now, closes those due
  void clear_step_events() { events_.clear(); }

  // Checkpoints: everything that carries over from the end of one month to the next
  // (organisations, every tie in the order it was made, people, accounts, parameters in
  // force, pacts, programme windows). Restoring needs a World built from the same spec;
  // it is called between steps, never during one.
  void save_state(StateWriter& out) const;
  void restore_state(StateReader& in);

 private:
  const ScenarioSpec* spec_;
  Clock clock_;
  StreamKey key_;
  int step_ = -1;
  OrgGraph graph_;
  OrganisationGroups by_municipality_;
  OrganisationGroups by_place_and_sector_;  // by municipality * place_sectors_ + sector
  std::size_t place_sectors_ = 1;
  OrganisationGroups by_kind_;
  People people_;
  ParamSet params_;
  std::uint64_t params_version_ = 0;
  std::vector<std::string> external_names_;
  std::vector<Grosze> external_balance_;
  std::vector<LoggedEvent> events_;
  tbb::concurrent_vector<GraphEdit> edits_;
  // Flows of the month per (source class, sink class, channel), a flat table indexed
  // (source * flow_classes_ + sink) * kChannelCount + channel: a transfer's cost is an add,
  // not a search. Classes below kOrgKindCount are organisation kinds, the rest outside
  // accounts; an entry of zero is a flow not made (transfers move positive amounts).
  std::vector<Grosze> flows_;
  std::size_t flow_classes_ = 0;
  void clear_flows() { std::fill(flows_.begin(), flows_.end(), Grosze{0}); }
  void widen_flows();  // to the current number of classes, keeping the entries
  std::vector<Pact> pacts_;
  std::vector<std::pair<int, int>> programme_windows_;
  mutable ActiveTies active_ties_;
  mutable TieView tie_view_;
  std::uint64_t graph_writes_ = 0;
};

}  // namespace partnersim
