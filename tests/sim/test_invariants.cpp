#include <gtest/gtest.h>

#include <string>

#include "sim/invariants.h"
#include "sim/simulation.h"
#include "support/spec_builder.h"

namespace partnersim {
namespace {

using testing::SpecBuilder;

// Two organisations alive from the start, one founded at step 5, a tie between the first
// two, 10 people of whom 3 in the NGO's programme and 2 employed by the cooperative.
struct Town {
  ScenarioSpec spec;
  std::uint32_t city = 0;
  std::uint32_t ngo = 0;
  std::uint32_t coop = 0;

  Town() {
    SpecBuilder b(12);
    city = b.org("city", OrgKind::Municipality, 0, 0, 1000);
    ngo = b.org("ngo", OrgKind::Ngo, 5, 0, 200);
    coop = b.org("coop", OrgKind::SocialCooperative, 0, 4, 0);
    b.last_org().founded_step = 5;
    b.tie(city, ngo, TieKind::Partnership);
    b.people(5).people(3, 0, PersonState::InProgramme, ngo).people(2, 0, PersonState::EmployedSocial, ngo);
    spec = b.build();
  }
};

TEST(Invariants, AWorldBuiltFromItsSpecPassesEveryCheck) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(0);
  EXPECT_TRUE(check_world(w, 10).empty());
}

TEST(Invariants, APersonCreatedOrLostIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(0);
  EXPECT_NE(check_people(w, 11).find("the scenario has 11"), std::string::npos);
  w.people().add(kHomeless, 0, PersonState::Street, kNoOrganisation);
  const std::string problem = check_people(w, 10);
  EXPECT_NE(problem.find("holds 11 people"), std::string::npos) << problem;
}

TEST(Invariants, AnOrganisationCounterThatDisagreesWithARecountIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(0);
  // A person leaves the NGO's programme for an open-market job, but the counter is not updated.
  std::size_t in_programme = 0;
  while (w.people().state[in_programme] != PersonState::InProgramme) ++in_programme;
  w.people().move(in_programme, PersonState::EmployedOpen, kNoOrganisation);
  const std::string problem = check_people(w, 10);
  EXPECT_NE(problem.find("ngo) counts 3 people in_programme"), std::string::npos) << problem;
  EXPECT_NE(problem.find("finds 2"), std::string::npos) << problem;
}

TEST(Invariants, APersonInAnUnknownStateOrPlacedNowhereIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.people().state[0] = static_cast<PersonState>(200);
  EXPECT_NE(check_people(w, 10).find("unknown state 200"), std::string::npos);
  w.people().state[0] = PersonState::Shelter;
  w.people().placement[0] = 99;
  EXPECT_NE(check_people(w, 10).find("placed with organisation 99 of 3"), std::string::npos);
}

TEST(Invariants, MoneyCreatedOutsideTheLedgerIsCaught) {
  const Town town;
  World w(town.spec, 0);
  EXPECT_TRUE(check_money(w).empty());
  w.org(town.ngo).cash += 250;  // not through transfer()
  const std::string problem = check_money(w);
  EXPECT_NE(problem.find("sum 250 grosze"), std::string::npos) << problem;
}

TEST(Invariants, ATieToAnOrganisationNotYetFoundedOrClosedIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(1);
  EXPECT_TRUE(check_ties(w).empty());
  boost::add_edge(town.city, town.coop, Tie{TieKind::Contract, 0.5F, 0, kOpenEnded}, w.mutable_graph());
  const std::string problem = check_ties(w);
  EXPECT_NE(problem.find("city -> coop"), std::string::npos) << problem;
  EXPECT_NE(problem.find("coop) is not alive"), std::string::npos) << problem;

  World closed(town.spec, 0);
  closed.begin_step(1);
  closed.org(town.ngo).alive = false;  // dies without close_organisation(), which would end its ties
  EXPECT_NE(check_ties(closed).find("ngo) is not alive"), std::string::npos);
  // Closing it properly ends the tie.
  World proper(town.spec, 0);
  proper.begin_step(1);
  proper.close_organisation(town.ngo, "organisation_closed", "");
  EXPECT_TRUE(check_ties(proper).empty());
}

TEST(Invariants, ATieOfAnOrganisationToItselfOrOfUnknownKindIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(1);
  boost::add_edge(town.ngo, town.ngo, Tie{TieKind::Informal, 0.5F, 0, kOpenEnded}, w.mutable_graph());
  EXPECT_NE(check_ties(w).find("to itself"), std::string::npos);

  World k(town.spec, 0);
  k.begin_step(1);
  boost::add_edge(town.ngo, town.city, Tie{static_cast<TieKind>(77), 0.5F, 0, kOpenEnded}, k.mutable_graph());
  EXPECT_NE(check_ties(k).find("unknown kind 77"), std::string::npos);
}

TEST(Invariants, ATieChangedBehindTheCachesBackIsCaught) {
  const Town town;
  World w(town.spec, 0);
  w.begin_step(1);
  ASSERT_EQ(w.active_ties().size(), 1U);
  EXPECT_TRUE(check_tie_cache(w).empty());
  // Through the cache: the tie and the cache's copy change together.
  w.set_tie_strength(w.active_ties().all()[0], 0.25F);
  w.ties_written();
  EXPECT_TRUE(check_tie_cache(w).empty()) << check_tie_cache(w);
  // Behind its back (a reference to the graph's tie kept from earlier, no mutable_graph()
  // call and no ties_changed()): the cache still lists the old strength.
  auto* tie = const_cast<Tie*>(w.active_ties().tie(w.active_ties().all()[0]));  // NOLINT: the point of the test
  tie->strength = 0.75F;
  const std::string problem = check_tie_cache(w);
  EXPECT_NE(problem.find("strength 0.25 from step 0, the graph has 0 -> 1 partnership strength 0.75"),
            std::string::npos)
      << problem;
  // Saying so makes the next read re-read every tie.
  w.ties_changed();
  EXPECT_TRUE(check_tie_cache(w).empty()) << check_tie_cache(w);
  // An end written behind its back is caught too.
  tie->end_step = 1;
  EXPECT_NE(check_tie_cache(w).find("lists 1 ties in force, the graph has 0"), std::string::npos) << check_tie_cache(w);
}

TEST(Invariants, NegativeStocksAreCaught) {
  const Town town;
  {
    World w(town.spec, 0);
    w.org(town.coop).members = -1;
    EXPECT_NE(check_stocks(w).find("coop) has members = -1"), std::string::npos);
  }
  {
    World w(town.spec, 0);
    w.org(town.ngo).contracted = -500;
    EXPECT_NE(check_stocks(w).find("contracted = -500"), std::string::npos);
  }
  {
    World w(town.spec, 0);
    w.org(town.ngo).quality = 1.5F;
    EXPECT_NE(check_stocks(w).find("quality 1.5"), std::string::npos);
  }
  {
    World w(town.spec, 0);
    w.mutable_graph()[*boost::edges(w.graph()).first].strength = -0.25F;
    EXPECT_NE(check_stocks(w).find("strength -0.25"), std::string::npos);
  }
  World fine(town.spec, 0);
  fine.org(town.ngo).cash = -100;  // cash may go negative (an overdraft): not a stock check
  EXPECT_TRUE(check_stocks(fine).empty());
}

// A module that creates money from nothing at step 3 in the Trade phase.
class Counterfeiter final : public Module {
 public:
  void configure(const ParamSet&) override {}
  void step(Phase, World& world) override {
    if (world.step() == 3) world.org(0).cash += 100;
  }
  void observe(const World&, std::span<double>) const override {}
  void save_state(StateWriter& /*out*/) const override {}  // carries nothing
  void restore_state(StateReader& /*in*/) override {}
};

TEST(Invariants, AViolationStopsTheRunNamingTheStepTheModuleAndTheNumbers) {
  ModuleRegistry registry;
  ModuleInfo info;
  info.name = "counterfeiter";
  info.phases = {Phase::Trade};
  info.make = [] { return std::make_unique<Counterfeiter>(); };
  registry.add(info);
  Town town;
  town.spec.params = registry.defaults();
  ReplicateRun run(town.spec, 0, registry);
  ASSERT_TRUE(run.checks());  // the test suite turns checks on for every run
  for (int s = 0; s < 3; ++s) run.advance();
  try {
    run.advance();
    FAIL() << "expected an InvariantViolation";
  } catch (const InvariantViolation& e) {
    EXPECT_EQ(e.step(), 3);
    EXPECT_EQ(e.after(), "module counterfeiter in phase trade");
    const std::string what = e.what();
    EXPECT_NE(what.find("step 3 (2020-04)"), std::string::npos) << what;
    EXPECT_NE(what.find("sum 100 grosze"), std::string::npos) << what;
  }

  ReplicateRun unchecked(town.spec, 0, registry);
  unchecked.set_checks(false);
  while (!unchecked.finished()) unchecked.advance();
  EXPECT_EQ(unchecked.world().money_total(), 100);
}

}  // namespace
}  // namespace partnersim
