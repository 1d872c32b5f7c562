#include <gtest/gtest.h>

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
