#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "sim/parallel.h"
#include "sim/world.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

TEST(World, BuildsOrganisationsTiesAndPeopleFromTheSpec) {
  SpecBuilder b;
  const auto city = b.org("city", OrgKind::Municipality, 0, 0, 1000);
  const auto coop = b.org("coop", OrgKind::SocialCooperative, 0, 5);
  b.last_org().founded_step = 3;
  b.tie(city, coop, TieKind::Founding, 3);
  b.people(10).people(4, 0, PersonState::EmployedSocial, coop);
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  EXPECT_EQ(w.organisation_count(), 2U);
  EXPECT_EQ(w.people().size(), 14U);
  EXPECT_EQ(w.org(coop).excluded_workers, 4);
  EXPECT_EQ(w.org(city).cash, pln_to_grosze(1000));
  EXPECT_TRUE(w.org(city).alive);
  EXPECT_FALSE(w.org(coop).alive);  // founded at step 3

  w.begin_step(2);
  EXPECT_FALSE(w.org(coop).alive);
  EXPECT_EQ(w.active_degree(city), 0);
  w.begin_step(3);
  EXPECT_TRUE(w.org(coop).alive);
  EXPECT_EQ(w.active_degree(city), 1);
  EXPECT_EQ(w.active_degree(coop), 1);
  ASSERT_EQ(w.step_events().size(), 1U);
  EXPECT_EQ(w.step_events()[0].kind, "organisation_founded");
}

TEST(World, GroupsOrganisationsByMunicipalityAndByKindInIndexOrder) {
  SpecBuilder b;
  const auto coop_b = b.org("coop-b", OrgKind::SocialCooperative, 0, 0, 0, 1);
  const auto office = b.org("office", OrgKind::LabourOffice, 0, 0, 0, 0);
  const auto coop_a = b.org("coop-a", OrgKind::SocialCooperative, 0, 0, 0, 0);
  const auto centre = b.org("centre", OrgKind::SocialAssistanceCentre, 0, 0, 0, 1);
  const ScenarioSpec spec = b.build();
  const World w(spec, 0);
  using Ids = std::vector<std::uint32_t>;
  const auto ids = [](std::span<const std::uint32_t> s) { return Ids(s.begin(), s.end()); };
  EXPECT_EQ(ids(w.organisations_in(0)), (Ids{office, coop_a}));
  EXPECT_EQ(ids(w.organisations_in(1)), (Ids{coop_b, centre}));
  EXPECT_TRUE(w.organisations_in(7).empty());
  EXPECT_EQ(ids(w.organisations_of(OrgKind::SocialCooperative)), (Ids{coop_b, coop_a}));
  EXPECT_TRUE(w.organisations_of(OrgKind::Business).empty());
  // Several kinds: one list in index order, each organisation once.
  EXPECT_EQ(w.organisations_of({OrgKind::SocialAssistanceCentre, OrgKind::LabourOffice, OrgKind::LabourOffice}),
            (Ids{office, centre}));
}

TEST(World, TransfersConserveMoney) {
  SpecBuilder b;
  const auto a = b.org("a", OrgKind::Municipality, 0, 0, 500);
  const auto c = b.org("c", OrgKind::Ngo, 0, 0, 20);
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  EXPECT_EQ(w.money_total(), 0);
  const auto eu = w.external_account("ESF");
  w.transfer(Account::external(eu), Account::org(c), pln_to_grosze(1234.56), Channel::EuProject);
  w.transfer(Account::org(a), Account::org(c), pln_to_grosze(100), Channel::Contract);
  EXPECT_EQ(w.org(c).cash, pln_to_grosze(1354.56));
  EXPECT_EQ(w.org(a).cash, pln_to_grosze(400));
  EXPECT_EQ(w.external_balance(eu), -pln_to_grosze(1234.56));
  EXPECT_EQ(w.money_total(), 0);
  EXPECT_THROW(w.transfer(Account::org(a), Account::org(c), -1, Channel::Transfer), std::logic_error);
}

TEST(World, GraphEditsApplyInProposerOrderWhateverTheArrivalOrder) {
  auto build = [](bool reverse) {
    SpecBuilder b;
    for (int i = 0; i < 50; ++i) b.org(std::string("o").append(std::to_string(i)), OrgKind::Ngo);
    const ScenarioSpec spec = b.build();
    World w(spec, 0);
    w.begin_step(0);
    // Through the engine's parallel loop (one proposal a chunk), which also orders the
    // proposals before apply_graph_edits for ThreadSanitizer.
    parallel_chunks(49, 1, [&](std::size_t k, std::size_t /*end*/) {
      const int i = reverse ? 48 - static_cast<int>(k) : static_cast<int>(k);
      w.propose({GraphEdit::Type::AddTie, static_cast<std::uint64_t>(i), 0, static_cast<std::uint32_t>(i),
                 static_cast<std::uint32_t>(i + 1), Tie{TieKind::Informal, 0.1F * static_cast<float>(i % 10), 0}});
    });
    w.apply_graph_edits();
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    for (auto e : boost::make_iterator_range(boost::edges(w.graph()))) {
      edges.emplace_back(boost::source(e, w.graph()), boost::target(e, w.graph()));
    }
    return edges;
  };
  const auto forward = build(false);
  EXPECT_EQ(forward.size(), 49U);
  EXPECT_EQ(forward, build(true));
}

// The flat list of ties in force is a cache of the graph: whatever happened to the ties (new
// ones, ended ones, dated ones, a closed organisation, a tie changed through mutable_graph(), a copy
// of the world), it lists exactly the ties a pass over the graph finds in force, by source
// in out-edge order, with their current strength.
TEST(World, ActiveTiesListExactlyTheTiesInForceWhateverChanged) {
  SpecBuilder b;
  for (int i = 0; i < 6; ++i) b.org(std::string("o").append(std::to_string(i)), OrgKind::Ngo);
  b.tie(0, 1, TieKind::Partnership).tie(1, 2, TieKind::Contract, 0, 3).tie(2, 3, TieKind::Informal, 2);
  b.tie(3, 0, TieKind::Informal).tie(4, 5, TieKind::Consortium);
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  auto expect_matches_graph = [](const World& world) {
    const OrgGraph& g = world.graph();
    std::vector<std::tuple<std::uint32_t, std::uint32_t, float, bool>> direct;
    for (std::uint32_t v = 0; v < world.organisation_count(); ++v) {
      for (auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
        if (!g[e].active_at(world.step())) continue;
        const auto t = static_cast<std::uint32_t>(boost::target(e, g));
        direct.emplace_back(v, t, g[e].strength, g[v].alive && g[t].alive);
      }
    }
    std::vector<std::tuple<std::uint32_t, std::uint32_t, float, bool>> cached;
    for (const ActiveTie& t : world.active_ties().all())
      cached.emplace_back(t.source, t.target, t.strength, t.both_alive);
    EXPECT_EQ(cached, direct) << "at step " << world.step();
    EXPECT_EQ(world.active_tie_count(), direct.size());
  };
  for (int step = 0; step < 5; ++step) {
    w.begin_step(step);
    expect_matches_graph(w);
    if (step == 1) {
      w.propose({GraphEdit::Type::AddTie, 0, 0, 5, 0, Tie{TieKind::Informal, 0.4F, 1}});
      w.propose({GraphEdit::Type::EndTie, 1, 0, 0, 1, Tie{TieKind::Partnership}});
      w.apply_graph_edits();
      expect_matches_graph(w);
    }
    if (step == 2) {
      w.close_organisation(4, "organisation_closed", "");
      expect_matches_graph(w);
      w.mutable_graph()[*boost::out_edges(3, w.graph()).first].strength = 0.9F;
      expect_matches_graph(w);
    }
  }
  const World copy = w;  // a copy lists its own ties
  expect_matches_graph(copy);
  w.begin_step(1);  // back to an earlier step: ties ended since are in force again
  expect_matches_graph(w);
}

TEST(World, EndTieEndsActiveTiesOfThatKindInEitherDirection) {
  SpecBuilder b;
  const auto a = b.org("a", OrgKind::Municipality);
  const auto c = b.org("c", OrgKind::Ngo);
  b.tie(c, a, TieKind::Partnership).tie(a, c, TieKind::Contract);
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  w.begin_step(5);
  EXPECT_EQ(w.active_tie_count(), 2U);
  w.propose({GraphEdit::Type::EndTie, 0, 0, a, c, Tie{TieKind::Partnership}});
  w.apply_graph_edits();
  EXPECT_EQ(w.active_tie_count(), 1U);
  w.begin_step(4);  // the tie still held before it ended
  EXPECT_EQ(w.active_tie_count(), 2U);
}

TEST(World, AClosedOrganisationKeepsNoTiesNowOrScheduledAndTakesNoNewOnes) {
  SpecBuilder b;
  const auto city = b.org("city", OrgKind::Municipality);
  const auto ngo = b.org("ngo", OrgKind::Ngo);
  const auto coop = b.org("coop", OrgKind::SocialCooperative);
  b.tie(city, coop, TieKind::Contract, 0);
  b.tie(ngo, coop, TieKind::Partnership, 5);  // a partnership planned for step 5
  World w(b.build(), 0);
  w.begin_step(2);
  EXPECT_EQ(w.active_degree(coop), 1);
  w.close_organisation(coop, "organisation_closed", "");
  w.propose({GraphEdit::Type::AddTie, 0, 0, city, coop, Tie{TieKind::Informal, 0.5F, 2}});
  w.apply_graph_edits();
  EXPECT_EQ(w.active_degree(coop), 0);
  EXPECT_EQ(w.step_events().back().kind, "tie_not_added");
  w.begin_step(5);
  EXPECT_EQ(w.active_degree(coop), 0);  // the planned partnership never comes into force
  EXPECT_EQ(w.active_degree(ngo), 0);
}

TEST(People, StayCompact) {
  // Millions of people must fit: the issue allows at most 32 bytes a person.
  EXPECT_LE(People::bytes_per_person(), 32U);
  People p;
  p.add(kHomeless | kDisabled, 3, PersonState::Excluded, kNoOrganisation);
  p.move(0, PersonState::InProgramme, 7);
  EXPECT_EQ(p.state[0], PersonState::InProgramme);
  EXPECT_EQ(p.placement[0], 7U);
  EXPECT_EQ(p.months_in_state[0], 0);
  EXPECT_EQ(p.groups[0], kHomeless | kDisabled);
}

}  // namespace
}  // namespace partnersim

namespace partnersim {
namespace {

// Every tie with its ends, in the order a per-organisation pass sees them.
std::vector<std::string> tie_lists(const World& w) {
  std::vector<std::string> out;
  const OrgGraph& g = w.graph();
  const auto row = [&g](auto e) {
    const Tie& t = g[e];
    return std::to_string(boost::source(e, g)) + ">" + std::to_string(boost::target(e, g)) + " " +
           std::string(name_of(t.kind)) + " " + std::to_string(t.strength) + " " + std::to_string(t.start_step) + ".." +
           std::to_string(t.end_step);
  };
  for (auto e : boost::make_iterator_range(boost::edges(g))) out.push_back("all " + row(e));
  for (std::uint32_t v = 0; v < w.organisation_count(); ++v) {
    for (auto e : boost::make_iterator_range(boost::out_edges(v, g))) out.push_back("out " + row(e));
    for (auto e : boost::make_iterator_range(boost::in_edges(v, g))) out.push_back("in " + row(e));
  }
  return out;
}

TEST(World, SavedStateRestoresOrganisationsTiesInTheirOrderPeopleAndAccounts) {
  SpecBuilder b;
  for (int i = 0; i < 6; ++i) b.org("o" + std::to_string(i), OrgKind::Ngo, 2, 2, 100);
  b.tie(0, 1, TieKind::Partnership).tie(2, 1, TieKind::Contract).people(30);
  const ScenarioSpec spec = b.build();
  World w(spec, 0);
  w.begin_step(0);
  // Ties made in an order that differs from the order of their source organisations.
  std::uint64_t proposer = 0;
  for (const auto& [s, t] : std::vector<std::pair<std::uint32_t, std::uint32_t>>{{5, 1}, {1, 5}, {3, 0}, {0, 3}}) {
    w.propose({GraphEdit::Type::AddTie, proposer++, 0, s, t, Tie{TieKind::Informal, 0.25F, 0}});
  }
  w.apply_graph_edits();
  w.propose({GraphEdit::Type::EndTie, 0, 0, 0, 1, Tie{TieKind::Partnership}});
  w.apply_graph_edits();
  w.transfer(Account::external(w.external_account("ESF")), Account::org(4), 12345, Channel::EuProject);
  w.people().move(7, PersonState::InProgramme, 2);
  w.set_param(spec.params.values().begin()->first, 0.125);
  w.add_pact(Pact{"pact", 0, {0, 1, 3}});

  StateWriter out;
  w.save_state(out);
  const auto bytes = out.take();
  World restored(spec, 0);
  StateReader in(bytes, "test");
  restored.restore_state(in);
  in.expect_end();

  EXPECT_EQ(restored.step(), 0);
  EXPECT_EQ(tie_lists(restored), tie_lists(w));
  EXPECT_EQ(restored.org(4).cash, w.org(4).cash);
  EXPECT_EQ(restored.external_balance(1), w.external_balance(1));
  EXPECT_EQ(restored.money_total(), 0);
  EXPECT_EQ(restored.people().state, w.people().state);
  EXPECT_EQ(restored.people().placement, w.people().placement);
  EXPECT_EQ(restored.params().values(), w.params().values());
  EXPECT_EQ(restored.params_version(), w.params_version());
  EXPECT_TRUE(restored.share_pact(1, 3));
  EXPECT_FALSE(restored.share_pact(2, 3));
}

TEST(World, StateOfAnotherScenarioIsRefused) {
  SpecBuilder small;
  small.org("a", OrgKind::Ngo);
  small.org("b", OrgKind::Ngo);
  small.people(5);
  const ScenarioSpec two = small.build();
  SpecBuilder other;
  other.org("a", OrgKind::Ngo);
  other.org("c", OrgKind::Ngo);
  other.people(5);
  const ScenarioSpec renamed = other.build();

  World w(two, 0);
  StateWriter out;
  w.save_state(out);
  const auto bytes = out.take();
  World elsewhere(renamed, 0);
  StateReader in(bytes, "ckpt");
  try {
    elsewhere.restore_state(in);
    FAIL() << "the state of another scenario was restored";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("organisation 1 is b, not c"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace partnersim
