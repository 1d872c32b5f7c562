// Tests of `include`: a scenario made of several files (a place and a policy), read as one,
// with renamed organisations and municipalities and scaled sizes; errors name the file they
// are in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/scenario/parser.h"

namespace partnersim {
namespace {

class IncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "partnersim-include-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string write(const std::string& name, const std::string& text) const {
    const auto path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  static ScenarioError error_of(const std::string& path) {
    try {
      (void)load_scenario(path);
    } catch (const ScenarioError& e) {
      return e;
    }
    ADD_FAILURE() << path << " parsed without error";
    return {"", 0, 0, "", ""};
  }

  std::filesystem::path dir_;
};

// A town with a city hall, an NGO and its excluded people: the "place" of a scenario.
const std::string kPlace =
    "metadata:\n"
    "  name: place\n"
    "  sources: [\"place source\"]\n"
    "start: 2012-01\n"
    "steps: 24\n"
    "seed: 99\n"
    "municipalities: [Town]\n"
    "organisations:\n"
    "  - {id: hall, name: Town Hall, kind: municipality, municipality: Town, cash_pln: 100000}\n"
    "  - {id: help, name: Helpers, kind: ngo, municipality: Town, programme_places: 10}\n"
    "people:\n"
    "  - {municipality: Town, groups: [long_term_unemployed], count: 200}\n"
    "parameters:\n"
    "  reintegration: {referral_rate: 0.02}\n";

// A policy written for another town: it founds a cooperative with the city and an NGO.
const std::string kPolicy =
    "metadata:\n"
    "  name: policy\n"
    "  sources: [\"policy source\"]\n"
    "organisations:\n"
    "  - id: coop\n"
    "    name: Coop\n"
    "    kind: social_cooperative\n"
    "    municipality: Village\n"
    "    founded: 2012-06\n"
    "    founders: [city, ngo]\n"
    "    social_jobs: 7\n"
    "    cash_pln: 40000.05\n"
    "funding_programmes:\n"
    "  - id: startup\n"
    "    name: Start-up grants\n"
    "    kind: startup_grant\n"
    "    funder: city\n"
    "    start: 2012-01\n"
    "    end: 2014-01\n"
    "    budget_pln: 420000\n"
    "    per_member_pln: 21000\n"
    "ties:\n"
    "  - {source: city, target: ngo, kind: partnership, strength: 0.5}\n"
    "parameters:\n"
    "  reintegration: {programme_min_months: 9}\n";

TEST_F(IncludeTest, ReadsPlaceAndPolicyAsOneScenario) {
  write("place.yaml", kPlace);
  write("policies/own.yaml",
        "organisations:\n"
        "  - {id: coop, name: Coop, kind: social_cooperative, municipality: Town, founders: [hall, help], "
        "social_jobs: 7}\n"
        "ties:\n"
        "  - {source: hall, target: help, kind: partnership, strength: 0.5}\n");
  const std::string top = write("town.yaml",
                                "metadata: {name: Town with its own policy}\n"
                                "include: [place.yaml, policies/own.yaml]\n"
                                "steps: 12\n");
  const ScenarioSpec spec = load_scenario(top);
  EXPECT_EQ(spec.metadata.name, "Town with its own policy");
  EXPECT_EQ(spec.start.str(), "2012-01");  // from the place
  EXPECT_EQ(spec.seed, 99U);               // from the place
  EXPECT_EQ(spec.steps, 12);               // the file itself wins
  ASSERT_EQ(spec.organisations.size(), 3U);
  EXPECT_EQ(spec.organisations[2].id, "coop");
  ASSERT_EQ(spec.organisations[2].founders.size(), 2U);
  EXPECT_EQ(spec.organisations[2].founders[0], 0U);
  ASSERT_EQ(spec.ties.size(), 1U);
  ASSERT_EQ(spec.people.size(), 1U);
  EXPECT_EQ(spec.people[0].count, 200);
  EXPECT_DOUBLE_EQ(spec.params.get("reintegration.referral_rate"), 0.02);
  // Provenance keeps every file.
  EXPECT_NE(spec.source_text.find("include: [place.yaml, policies/own.yaml]"), std::string::npos);
  EXPECT_NE(spec.source_text.find("# ---- included file: "), std::string::npos);
  EXPECT_NE(spec.source_text.find("name: Town Hall"), std::string::npos);
}

TEST_F(IncludeTest, RenamesAndScalesAPolicyWrittenForAnotherPlace) {
  write("place.yaml", kPlace);
  write("policy.yaml", kPolicy);
  const std::string top = write("counterfactual.yaml",
                                "metadata: {name: Town under the village's policy}\n"
                                "include:\n"
                                "  - place.yaml\n"
                                "  - file: policy.yaml\n"
                                "    organisations: {city: hall, ngo: help}\n"
                                "    municipalities: {Village: Town}\n"
                                "    scale: 2.5\n"
                                "    label: village policy\n"
                                "parameters:\n"
                                "  reintegration: {referral_rate: 0.03}\n");
  const ScenarioSpec spec = load_scenario(top);
  ASSERT_EQ(spec.organisations.size(), 3U);
  const OrganisationSpec& coop = spec.organisations[2];
  EXPECT_EQ(coop.name, "Coop [village policy]");
  EXPECT_EQ(spec.municipalities.size(), 1U);  // Village is Town
  EXPECT_EQ(coop.municipality, 0U);
  ASSERT_EQ(coop.founders.size(), 2U);
  EXPECT_EQ(spec.organisations[coop.founders[0]].id, "hall");
  EXPECT_EQ(spec.organisations[coop.founders[1]].id, "help");
  // Sizes scale (jobs rounded: 7 x 2.5 = 17.5 -> 18; money rounded down to the grosz), ...
  EXPECT_EQ(coop.social_jobs, 18);
  EXPECT_EQ(coop.cash, 10'000'012);  // 4,000,005 grosze x 2.5 = 10,000,012.5
  ASSERT_EQ(spec.programmes.size(), 1U);
  EXPECT_EQ(spec.programmes[0].budget, pln_to_grosze(1'050'000.0));
  // ... amounts per person, dates and strengths do not.
  EXPECT_EQ(spec.programmes[0].per_member, pln_to_grosze(21'000.0));
  ASSERT_TRUE(spec.programmes[0].funder.has_value());
  EXPECT_EQ(spec.organisations[*spec.programmes[0].funder].id, "hall");
  ASSERT_EQ(spec.ties.size(), 1U);
  EXPECT_DOUBLE_EQ(spec.ties[0].strength, 0.5);
  EXPECT_EQ(spec.organisations[spec.ties[0].source].id, "hall");
  // Parameters: the place's, then the policy's, then the file's own, each overriding.
  EXPECT_DOUBLE_EQ(spec.params.get("reintegration.referral_rate"), 0.03);
  EXPECT_DOUBLE_EQ(spec.params.get("reintegration.programme_min_months"), 9);
  // Sources of included files are kept, once each.
  ASSERT_EQ(spec.metadata.sources.size(), 2U);
  EXPECT_EQ(spec.metadata.sources[0], "place source");
  EXPECT_EQ(spec.metadata.sources[1], "policy source");
}

TEST_F(IncludeTest, NestedIncludesComposeRenamesAndScales) {
  write("place.yaml", kPlace);
  write("policy.yaml", kPolicy);
  write("adapted.yaml",
        "include:\n"
        "  - {file: policy.yaml, organisations: {city: mayor, ngo: help}, scale: 2}\n");
  const std::string top = write("top.yaml",
                                "metadata: {name: nested}\n"
                                "include:\n"
                                "  - place.yaml\n"
                                "  - {file: adapted.yaml, organisations: {mayor: hall}, municipalities: {Village: "
                                "Town}, scale: 0.5}\n");
  const ScenarioSpec spec = load_scenario(top);
  const OrganisationSpec& coop = spec.organisations[2];
  EXPECT_EQ(coop.social_jobs, 7);  // 2 x 0.5
  EXPECT_EQ(spec.organisations[coop.founders[0]].id, "hall");
}

// A policy for a big city read for a small town: several of its partners become one.
TEST_F(IncludeTest, RenamesThatMakeTwoOrganisationsOneMergeTheirReferences) {
  write("place.yaml", kPlace);
  write("big-city-policy.yaml",
        "funding_programmes:\n"
        "  - id: places\n"
        "    name: Places at partner NGOs\n"
        "    kind: grant\n"
        "    funder: city\n"
        "    start: 2012-03\n"
        "    end: 2013-03\n"
        "    budget_pln: 48000\n"
        "    awards:\n"
        "      - {organisation: ngo_a, monthly_pln: 1500, places: 1}\n"
        "      - {organisation: ngo_b, monthly_pln: 2500, places: 2}\n"
        "ties:\n"
        "  - {source: ngo_a, target: ngo_b, kind: partnership}\n"
        "  - {source: city, target: ngo_b, kind: referral}\n"
        "events:\n"
        "  - {date: 2012-05, action: sign_pact, note: Pact, signatories: [city, ngo_a, ngo_b]}\n"
        "  - {date: 2012-06, action: add_tie, source: ngo_b, target: ngo_a, kind: informal}\n");
  const std::string top =
      write("top.yaml",
            "metadata: {name: t}\n"
            "include:\n"
            "  - place.yaml\n"
            "  - {file: big-city-policy.yaml, organisations: {city: hall, ngo_a: help, ngo_b: help}}\n");
  const ScenarioSpec spec = load_scenario(top);
  ASSERT_EQ(spec.programmes.size(), 1U);
  ASSERT_EQ(spec.programmes[0].awards.size(), 1U);  // one award of both sizes
  EXPECT_EQ(spec.programmes[0].awards[0].monthly, pln_to_grosze(4000.0));
  EXPECT_EQ(spec.programmes[0].awards[0].places, 3);
  ASSERT_EQ(spec.ties.size(), 1U);  // help-help is dropped, hall-help kept
  EXPECT_EQ(spec.ties[0].kind, TieKind::Referral);
  ASSERT_EQ(spec.events.size(), 1U);  // the pact of hall and help; the tie event is dropped
  EXPECT_EQ(spec.events[0].signatories.size(), 2U);
}

TEST_F(IncludeTest, ListingOneOrganisationTwiceIsStillAnErrorWithoutRenames) {
  write("place.yaml", kPlace);
  const std::string top = write("top.yaml",
                                "metadata: {name: t}\n"
                                "include: [place.yaml]\n"
                                "events:\n"
                                "  - {date: 2012-05, action: sign_pact, note: P, signatories: [hall, help, hall]}\n");
  const ScenarioError e = error_of(top);
  EXPECT_NE(e.problem().find("organisation \"hall\" is listed twice"), std::string::npos) << e.what();
}

TEST_F(IncludeTest, ErrorsInAnIncludedFileNameThatFile) {
  write("place.yaml", kPlace);
  write("broken.yaml",
        "organisations:\n"
        "  - {id: x, name: X, kind: ngoo, municipality: Town}\n");
  const std::string top = write("top.yaml", "metadata: {name: t}\ninclude: [place.yaml, broken.yaml]\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), (dir_ / "broken.yaml").string());
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 28);
  EXPECT_EQ(e.key_path(), "organisations[0].kind");
}

TEST_F(IncludeTest, MissingFileIsReportedAtTheInclude) {
  const std::string top = write("top.yaml", "metadata: {name: t}\ninclude:\n  - nowhere.yaml\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), top);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key_path(), "include[0]");
  EXPECT_NE(e.problem().find("cannot read included file"), std::string::npos) << e.what();
  EXPECT_NE(e.problem().find("nowhere.yaml"), std::string::npos) << e.what();
}

TEST_F(IncludeTest, CyclesAreRefused) {
  write("a.yaml", "include: [b.yaml]\n");
  write("b.yaml", "include: [a.yaml]\n");
  const std::string top = write("top.yaml", "metadata: {name: t}\nstart: 2012-01\nsteps: 2\ninclude: [a.yaml]\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), (dir_ / "b.yaml").string());
  EXPECT_NE(e.problem().find("include cycle"), std::string::npos) << e.what();
}

TEST_F(IncludeTest, RenameToAnUnknownOrganisationIsAnError) {
  write("place.yaml", kPlace);
  write("policy.yaml", kPolicy);
  const std::string top = write("top.yaml",
                                "metadata: {name: t}\n"
                                "include:\n"
                                "  - place.yaml\n"
                                "  - {file: policy.yaml, organisations: {city: hal, ngo: help}, municipalities: "
                                "{Village: Town}}\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), (dir_ / "policy.yaml").string());
  EXPECT_NE(e.problem().find("unknown organisation id \"hal\" (the include renames \"city\" to it)"), std::string::npos)
      << e.what();
  EXPECT_NE(e.problem().find("did you mean \"hall\""), std::string::npos) << e.what();
}

TEST_F(IncludeTest, AFileCannotDefineAnOrganisationItsIncludeRenames) {
  write("place.yaml", kPlace);
  write("policy.yaml", kPolicy);
  const std::string top = write("top.yaml",
                                "metadata: {name: t}\n"
                                "include:\n"
                                "  - place.yaml\n"
                                "  - {file: policy.yaml, organisations: {coop: help}}\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.line(), 5);
  EXPECT_NE(e.problem().find("is renamed to \"help\""), std::string::npos) << e.what();
}

TEST_F(IncludeTest, DuplicateIdsAcrossFilesNameTheFirstDefinition) {
  write("place.yaml", kPlace);
  write("again.yaml", "organisations:\n  - {id: help, name: H2, kind: ngo, municipality: Town}\n");
  const std::string top = write("top.yaml", "metadata: {name: t}\ninclude: [place.yaml, again.yaml]\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), (dir_ / "again.yaml").string());
  EXPECT_NE(e.problem().find("already defined at " + (dir_ / "place.yaml").string() + ":10"), std::string::npos)
      << e.what();
}

TEST_F(IncludeTest, BadScaleAndUnknownIncludeKeys) {
  write("place.yaml", kPlace);
  {
    const std::string top = write("top.yaml", "metadata: {name: t}\ninclude:\n  - {file: place.yaml, scale: 0}\n");
    const ScenarioError e = error_of(top);
    EXPECT_EQ(e.key_path(), "include[0].scale");
    EXPECT_NE(e.problem().find("a scale factor > 0"), std::string::npos) << e.what();
  }
  {
    const std::string top =
        write("top2.yaml", "metadata: {name: t}\ninclude:\n  - {file: place.yaml, rename: {a: b}}\n");
    const ScenarioError e = error_of(top);
    EXPECT_NE(e.problem().find("unknown key \"rename\""), std::string::npos) << e.what();
  }
}

TEST_F(IncludeTest, RunSettingsMustComeFromSomewhere) {
  write("bare.yaml", "municipalities: [Town]\n");
  const std::string top = write("top.yaml", "metadata: {name: t}\ninclude: [bare.yaml]\n");
  const ScenarioError e = error_of(top);
  EXPECT_EQ(e.file(), top);
  EXPECT_NE(e.problem().find("missing required key \"start\""), std::string::npos) << e.what();
}

}  // namespace
}  // namespace partnersim
