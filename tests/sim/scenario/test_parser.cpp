// Tests of the scenario parser: the typed spec it resolves from good files, and the exact
// position, key path and message of its errors for bad ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/parser.h"

namespace partnersim {
namespace {

// A registry of stand-in modules, so the tests don't depend on the real modules' parameters.
const ModuleRegistry& test_registry() {
  static const ModuleRegistry registry = [] {
    ModuleRegistry r;
    ModuleInfo reintegration;
    reintegration.name = "reintegration";
    reintegration.order = 10;
    reintegration.params = {
        {"referral_rate", ParamType::Real, 0.05, "1/month", 0.0, 1.0, "test parameter", "[G] test"},
        {"programme_min_months", ParamType::Integer, 6, "months", 1, 24, "test parameter", "[G] test"},
    };
    ModuleInfo funding;
    funding.name = "funding";
    funding.order = 20;
    funding.params = {{"enabled", ParamType::Boolean, 1, "", 0, 1, "test parameter", "[G] test"}};
    r.add(reintegration);
    r.add(funding);
    return r;
  }();
  return registry;
}

ScenarioSpec parse(const std::string& text, const ScenarioOverrides& overrides = {}) {
  return parse_scenario(text, "test.yaml", overrides, test_registry());
}

// ---------------------------------------------------------------------------------------
// Bad inputs: every case names the expected line:column (1-based), key path and a
// substring of the problem.

struct BadCase {
  const char* name;
  int line;
  int column;
  const char* key_path;
  const char* message;
  std::string yaml;
};

std::vector<BadCase> bad_cases() {
  // Lines 1-7 of most cases; the line under test follows from line 8 on.
  const std::string kHead =
      "metadata: {name: t}\n"
      "start: 2012-01\n"
      "steps: 24\n"
      "organisations:\n"
      "  - {id: city, name: City, kind: municipality, municipality: Sopot}\n"
      "  - {id: ngo1, name: NGO, kind: ngo, municipality: Sopot, programme_places: 5}\n"
      "  - {id: coop, name: Coop, kind: social_cooperative, municipality: Sopot, founded: 2012-07, social_jobs: 3}\n";
  return {
      {"invalid_yaml", 3, 8, "", "invalid YAML: illegal map value",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "  steps: 3\n")},
      {"invalid_yaml_unclosed_flow_map", 2, 6, "", "invalid YAML: end of map flow not found",
       std::string("metadata: {name: t\n"
                   "start: 2012-01\n")},
      {"multiple_documents", 5, 1, "", "expected one YAML document; the file holds 2",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "---\n"
                   "a: 1\n")},
      {"top_level_not_a_map", 1, 1, "", "expected a map; got a list",
       std::string("- a\n"
                   "- b\n")},
      {"unknown_top_level_key", 8, 1, "tiez",
       "unknown key \"tiez\" (did you mean \"ties\"?); allowed keys: metadata, start, steps,",
       kHead + std::string("tiez: []\n")},
      {"missing_start", 1, 1, "start", "missing required key \"start\"",
       std::string("metadata: {name: t}\n"
                   "steps: 12\n")},
      {"duplicate_yaml_key", 4, 1, "steps", "duplicate key \"steps\" (first given at line 3)",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "steps: 4\n")},
      {"empty_name", 1, 18, "metadata.name", "expected a non-empty string; got \"\"",
       std::string("metadata: {name: \"\"}\n"
                   "start: 2012-01\n"
                   "steps: 3\n")},
      {"steps_too_many", 3, 8, "steps", "expected an integer in [1, 1200]; got 1201",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 1201\n")},
      {"steps_quoted", 3, 8, "steps",
       "expected an integer in [1, 1200]; got \"12\" (a quoted string: write numbers without quotes)",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: \"12\"\n")},
      {"steps_fraction", 3, 8, "steps", "expected an integer in [1, 1200]; got 12.5",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 12.5\n")},
      {"seed_negative", 4, 7, "seed", "expected an integer in [0, 18446744073709551615]; got -1",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "seed: -1\n")},
      {"start_bad_month", 2, 8, "start", "expected a date \"YYYY-MM\" (year >= 1800, month 01-12); got \"2012-13\"",
       std::string("metadata: {name: t}\n"
                   "start: 2012-13\n"
                   "steps: 3\n")},
      {"snapshot_zero", 4, 30, "output.tie_snapshot_every", "expected an integer >= 1; got 0",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "output: {tie_snapshot_every: 0}\n")},
      {"organisations_map", 5, 3, "organisations", "expected a list; got a map",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "organisations:\n"
                   "  a: 1\n")},
      {"org_kind_typo", 8, 28, "organisations[3].kind",
       "expected one of municipality, social_assistance_centre, labour_office, regional_centre, municipal_company, "
       "ngo, social_cooperative, business, support_centre, reintegration_centre, donor, church; got \"ngoo\" (did you "
       "mean \"ngo\"?)",
       kHead + std::string("  - {id: x, name: X, kind: ngoo, municipality: Sopot}\n")},
      {"org_unknown_key", 8, 13, "organisations[3].nmae",
       "unknown key \"nmae\" (did you mean \"name\"?); allowed keys: id, name, kind, sector, municipality, founded, "
       "closed, cash_pln, staff, programme_places, social_jobs",
       kHead + std::string("  - {id: x, nmae: X, kind: ngo, municipality: Sopot}\n")},
      {"org_missing_kind", 8, 5, "organisations[3].kind", "missing required key \"kind\"",
       kHead + std::string("  - {id: x, name: X, municipality: Sopot}\n")},
      {"org_duplicate_id", 8, 10, "organisations[3].id",
       "duplicate organisation id \"ngo1\" (already used by organisations[1])",
       kHead + std::string("  - {id: ngo1, name: X, kind: ngo, municipality: Sopot}\n")},
      {"org_bad_id", 8, 10, "organisations[3].id",
       "expected an id made of letters, digits, '_', '.' and '-'; got \"a b\"",
       kHead + std::string("  - {id: \"a b\", name: X, kind: ngo, municipality: Sopot}\n")},
      {"org_places_wrong_kind", 8, 77, "organisations[3].programme_places",
       "programme_places is only for organisations of kind ngo, reintegration_centre, social_assistance_centre or "
       "support_centre; \"x\" is a business",
       kHead + std::string("  - {id: x, name: X, kind: business, municipality: Sopot, programme_places: 3}\n")},
      {"org_jobs_wrong_kind", 8, 67, "organisations[3].social_jobs",
       "social_jobs is only for organisations of kind social_cooperative, municipal_company or business; \"x\" is a "
       "ngo",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, social_jobs: 3}\n")},
      {"org_founded_after_run", 8, 63, "organisations[3].founded",
       "2030-01 is after the last month of the run (2013-12)",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founded: 2030-01}\n")},
      {"org_closed_before_founded", 8, 80, "organisations[3].closed",
       "expected a month after founded (2013-05); got 2013-02",
       kHead +
           std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founded: 2013-05, closed: 2013-02}\n")},
      {"org_closed_before_run", 8, 80, "organisations[3].closed",
       "2011-02 is before the first month of the run (2012-01)",
       kHead +
           std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founded: 2010-05, closed: 2011-02}\n")},
      {"org_cash_negative", 8, 64, "organisations[3].cash_pln", "expected an amount in PLN >= 0 and <= 1e13; got -5",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, cash_pln: -5}\n")},
      {"org_cash_nan", 8, 64, "organisations[3].cash_pln", "expected an amount in PLN >= 0 and <= 1e13; got .nan",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, cash_pln: .nan}\n")},
      {"org_cash_huge", 8, 64, "organisations[3].cash_pln", "expected an amount in PLN >= 0 and <= 1e13; got 2e13",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, cash_pln: 2e13}\n")},
      {"org_staff_text", 8, 61, "organisations[3].staff", "expected an integer in [0, 100000000]; got \"many\"",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, staff: many}\n")},
      {"org_municipality_undeclared", 6, 47, "organisations[0].municipality",
       "unknown municipality \"Sopott\" (did you mean \"Sopot\"?); declared municipalities: Sopot, Gdynia",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "municipalities: [Sopot, Gdynia]\n"
                   "organisations:\n"
                   "  - {id: x, name: X, kind: ngo, municipality: Sopott}\n")},
      {"municipality_twice", 4, 25, "municipalities[1]", "municipality \"Sopot\" is listed twice",
       std::string("metadata: {name: t}\n"
                   "start: 2012-01\n"
                   "steps: 3\n"
                   "municipalities: [Sopot, Sopot]\n")},
      {"people_negative_count", 9, 54, "people[0].count", "expected an integer in [0, 100000000]; got -3",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: -3}\n")},
      {"people_group_typo", 9, 36, "people[0].groups[0]",
       "expected one of long_term_unemployed, homeless, disabled, addicted, mentally_ill, ex_prisoner, refugee, "
       "care_leaver; got \"homeles\" (did you mean \"homeless\"?)",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeles], count: 3}\n")},
      {"people_no_groups", 9, 35, "people[0].groups", "expected a list of at least one group; got a list",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [], count: 3}\n")},
      {"people_group_twice", 9, 46, "people[0].groups[1]", "group \"homeless\" is listed twice",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless, homeless], count: 3}\n")},
      {"people_groups_scalar", 9, 35, "people[0].groups", "expected a list; got \"homeless\"",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: homeless, count: 3}\n")},
      {"people_state_typo", 9, 64, "people[0].state",
       "expected one of excluded, in_programme, employed_social, employed_open, street, shelter, training_flat; got "
       "\"employed\"",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: 3, state: employed}\n")},
      {"people_missing_placement", 9, 5, "people[0].placement",
       "missing required key \"placement\" (people in state in_programme need the id of the organisation they start "
       "in)",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: 3, state: in_programme}\n")},
      {"people_placement_not_placed", 9, 68, "people[0].placement",
       "placement is only for people in state in_programme or employed_social; these are excluded",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: 3, placement: ngo1}\n")},
      {"people_over_capacity", 10, 89, "people[1].placement",
       "organisation \"ngo1\" has 5 programme_places but 6 people start in its programme",
       kHead + std::string(
                   "people:\n"
                   "  - {municipality: Sopot, groups: [homeless], count: 3, state: in_programme, placement: ngo1}\n"
                   "  - {municipality: Sopot, groups: [disabled], count: 3, state: in_programme, placement: ngo1}\n")},
      {"people_placement_not_yet_founded", 9, 92, "people[0].placement",
       "organisation \"coop\" does not exist at the start of the run (founded 2012-07)",
       kHead +
           std::string(
               "people:\n"
               "  - {municipality: Sopot, groups: [homeless], count: 2, state: employed_social, placement: coop}\n")},
      {"people_too_many", 10, 54, "people[1].count", "the scenario would hold 120000000 people; the limit is 100000000",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: 60000000}\n"
                           "  - {municipality: Sopot, groups: [disabled], count: 60000000}\n")},
      {"tie_unknown_org", 9, 28, "ties[0].target", "unknown organisation id \"ngo2\" (did you mean \"ngo1\"?)",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: ngo2, kind: partnership}\n")},
      {"tie_strength_range", 9, 63, "ties[0].strength", "expected a number in [0, 1]; got 1.5",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: ngo1, kind: partnership, strength: 1.5}\n")},
      {"tie_self", 9, 28, "ties[0].target",
       "a tie needs two different organisations; source and target are both \"city\"",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: city, kind: partnership}\n")},
      {"tie_end_before_start", 9, 68, "ties[0].end", "expected a month after start (2012-06); got 2012-06",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: ngo1, kind: grant, start: 2012-06, end: 2012-06}\n")},
      {"tie_kind_typo", 9, 40, "ties[0].kind", "got \"partnershp\" (did you mean \"partnership\"?)",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: ngo1, kind: partnershp}\n")},
      {"ties_null_item", 9, 5, "ties[0]", "expected a map; got a list",
       kHead + std::string("ties:\n"
                           "  - [city, ngo1]\n")},
      {"programme_both_payers", 9, 53, "funding_programmes[0].external_source",
       "give either funder (an organisation of the scenario) or external_source, not both",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, funder: city, external_source: ESF, start: 2012-01, end: 2013-01, "
                           "budget_pln: 100, awards: [{organisation: ngo1}]}\n")},
      {"programme_no_payer", 9, 5, "funding_programmes[0]",
       "missing required key: one of \"funder\" (an organisation id) or \"external_source\"",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, start: 2012-01, end: 2013-01, budget_pln: 100, awards: "
                           "[{organisation: ngo1}]}\n")},
      {"programme_over_budget", 9, 78, "funding_programmes[0].budget_pln",
       "awards need 1206.00 PLN (100.50 PLN a month for 12 months) but budget_pln is 1000.00",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, funder: city, start: 2012-01, end: 2013-01, budget_pln: 1000, awards: "
                           "[{organisation: ngo1, monthly_pln: 50}, {organisation: coop, monthly_pln: 50.5}]}\n")},
      {"programme_end_not_after_start", 9, 57, "funding_programmes[0].end",
       "expected a month after start (2012-05), the first month without funding; got 2012-04",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, funder: city, start: 2012-05, end: 2012-04, budget_pln: 10, awards: "
                           "[{organisation: ngo1}]}\n")},
      {"programme_no_awards", 9, 90, "funding_programmes[0].awards",
       "expected a list of at least one award; got a list",
       kHead + std::string(
                   "funding_programmes:\n"
                   "  - {id: p, name: P, funder: city, start: 2012-05, end: 2012-08, budget_pln: 10, awards: []}\n")},
      {"award_places_wrong_kind", 9, 128, "funding_programmes[0].awards[0].places",
       "places are only for organisations of kind ngo, reintegration_centre, social_assistance_centre or "
       "support_centre; \"coop\" is a social_cooperative",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, external_source: ESF, start: 2012-05, end: 2012-08, budget_pln: 10, "
                           "awards: [{organisation: coop, places: 2}]}\n")},
      {"programme_duplicate_id", 10, 10, "funding_programmes[1].id",
       "duplicate funding programme id \"p\" (already used by funding_programmes[0])",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, external_source: ESF, start: 2012-05, end: 2012-08, budget_pln: 10, "
                           "awards: [{organisation: ngo1}]}\n"
                           "  - {id: p, name: Q, external_source: ESF, start: 2012-05, end: 2012-08, budget_pln: 10, "
                           "awards: [{organisation: ngo1}]}\n")},
      {"event_action_typo", 9, 29, "events[0].action",
       "expected one of add_tie, end_tie, close_organisation, transfer, set_parameter; got \"add_ties\" (did you mean "
       "\"add_tie\"?)",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: add_ties, source: city, target: ngo1, kind: grant}\n")},
      {"event_key_for_other_action", 9, 76, "events[0].kind",
       "unknown key \"kind\" for action transfer; allowed keys: date, action, note, from, from_external, to, "
       "amount_pln",
       kHead +
           std::string("events:\n"
                       "  - {date: 2012-03, action: transfer, to: ngo1, from: city, amount_pln: 5, kind: grant}\n")},
      {"event_after_run", 9, 12, "events[0].date", "2030-01 is after the last month of the run (2013-12)",
       kHead + std::string("events:\n"
                           "  - {date: 2030-01, action: close_organisation, organisation: ngo1}\n")},
      {"event_before_run", 9, 12, "events[0].date", "2011-12 is before the first month of the run (2012-01)",
       kHead + std::string("events:\n"
                           "  - {date: 2011-12, action: close_organisation, organisation: ngo1}\n")},
      {"event_missing_action", 9, 5, "events[0].action", "missing required key \"action\"",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, organisation: ngo1}\n")},
      {"transfer_zero", 9, 73, "events[0].amount_pln", "expected an amount in PLN > 0 and <= 1e13; got 0",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: transfer, from: city, to: ngo1, amount_pln: 0}\n")},
      {"transfer_both_sources", 9, 66, "events[0].from_external",
       "give either from (an organisation id) or from_external, not both",
       kHead + std::string(
                   "events:\n"
                   "  - {date: 2012-03, action: transfer, from: city, from_external: ESF, to: ngo1, amount_pln: 5}\n")},
      {"transfer_to_unknown", 9, 63, "events[0].to", "unknown organisation id \"nobody\"",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: transfer, from_external: ESF, to: nobody, amount_pln: 5}\n")},
      {"close_before_founded", 9, 63, "events[0].organisation",
       "organisation \"coop\" does not exist yet in 2012-03 (founded 2012-07)",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: close_organisation, organisation: coop}\n")},
      {"add_tie_end_before_date", 9, 84, "events[0].end",
       "expected a month after the event's date (2012-03); got 2012-02",
       kHead + std::string(
                   "events:\n"
                   "  - {date: 2012-03, action: add_tie, source: city, target: ngo1, kind: grant, end: 2012-02}\n")},
      {"set_parameter_unknown", 9, 55, "events[0].parameter",
       "unknown parameter \"reintegration.referal_rate\" (did you mean \"reintegration.referral_rate\"?); known "
       "parameters: reintegration.referral_rate, reintegration.programme_min_months, funding.enabled",
       kHead + std::string(
                   "events:\n"
                   "  - {date: 2012-03, action: set_parameter, parameter: reintegration.referal_rate, value: 0.1}\n")},
      {"set_parameter_range", 9, 91, "events[0].value", "expected a value in [0, 1] 1/month; got 2",
       kHead + std::string(
                   "events:\n"
                   "  - {date: 2012-03, action: set_parameter, parameter: reintegration.referral_rate, value: 2}\n")},
      {"parameters_unknown_module", 9, 3, "parameters.reintegraton",
       "unknown module \"reintegraton\" (did you mean \"reintegration\"?); known modules: reintegration, funding",
       kHead + std::string("parameters:\n"
                           "  reintegraton: {referral_rate: 0.1}\n")},
      {"parameters_unknown_param", 10, 5, "parameters.reintegration.referal_rate",
       "unknown parameter \"referal_rate\" of module reintegration (did you mean \"referral_rate\"?); known "
       "parameters: referral_rate, programme_min_months",
       kHead + std::string("parameters:\n"
                           "  reintegration:\n"
                           "    referal_rate: 0.1\n")},
      {"parameters_not_integer", 9, 41, "parameters.reintegration.programme_min_months", "expected an integer; got 2.5",
       kHead + std::string("parameters:\n"
                           "  reintegration: {programme_min_months: 2.5}\n")},
      {"parameters_integer_range", 9, 41, "parameters.reintegration.programme_min_months",
       "expected a value in [1, 24] months; got 30",
       kHead + std::string("parameters:\n"
                           "  reintegration: {programme_min_months: 30}\n")},
      {"parameters_boolean", 9, 22, "parameters.funding.enabled", "expected true or false; got \"yes\"",
       kHead + std::string("parameters:\n"
                           "  funding: {enabled: yes}\n")},
      {"parameters_quoted_number", 9, 34, "parameters.reintegration.referral_rate",
       "expected a number; got \"0.1\" (a quoted string: write numbers without quotes)",
       kHead + std::string("parameters:\n"
                           "  reintegration: {referral_rate: \"0.1\"}\n")},
      {"parameters_duplicate", 11, 5, "parameters.reintegration.referral_rate",
       "duplicate key \"referral_rate\" (first given at line 10)",
       kHead + std::string("parameters:\n"
                           "  reintegration:\n"
                           "    referral_rate: 0.1\n"
                           "    referral_rate: 0.2\n")},
      {"empty_value_points_at_key", 10, 5, "people[0].groups", "expected a list; got an empty value",
       kHead + std::string("people:\n"
                           "  - municipality: Sopot\n"
                           "    groups:\n"
                           "    count: 3\n")},
  };
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, ReportsPositionKeyPathAndProblem) {
  const BadCase& c = GetParam();
  try {
    (void)parse(c.yaml);
    ADD_FAILURE() << "accepted a bad scenario:\n" << c.yaml;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_EQ(e.column(), c.column) << e.what();
    EXPECT_EQ(e.key_path(), c.key_path) << e.what();
    EXPECT_NE(e.problem().find(c.message), std::string::npos) << "wanted: " << c.message << "\ngot:    " << e.what();
    const std::string prefix = "test.yaml:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": " +
                               (std::string(c.key_path).empty() ? "" : std::string(c.key_path) + ": ");
    EXPECT_EQ(std::string(e.what()), prefix + e.problem());
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(BadInputTable, HasAtLeast25Cases) { EXPECT_GE(bad_cases().size(), 25U); }

// ---------------------------------------------------------------------------------------
// Good inputs: the resolved spec.

const char* const kGood = R"(metadata:
  name: Good
  description: every section
  sources: [seed 004, DOMAIN.md]
start: 2012-01
steps: 24
replicates: 3
output: {tie_snapshot_every: 6}
organisations:
  - {id: city, name: City, kind: municipality, municipality: Sopot, cash_pln: 40000.50}
  - {id: ngo1, name: NGO, kind: ngo, sector: social, municipality: Gdynia, founded: 2010-03, programme_places: 5, staff: 2}
  - {id: coop, name: Coop, kind: social_cooperative, sector: services, municipality: Sopot, founded: 2012-07, closed: 2013-07, social_jobs: 3}
  - {id: firm, name: Firm, kind: business, sector: social, municipality: Sopot, social_jobs: 4}
people:
  - {municipality: Gdansk, groups: [homeless, disabled], count: 7}
  - {municipality: Sopot, groups: [long_term_unemployed], count: 5, state: in_programme, placement: ngo1}
  - {municipality: Sopot, groups: [care_leaver], count: 4, state: employed_social, placement: firm}
ties:
  - {source: city, target: ngo1, kind: partnership}
  - {source: city, target: coop, kind: founding, strength: 0.9, start: 2011-06, end: 2030-01}
funding_programmes:
  - id: grant
    name: Grant
    funder: city
    start: 2012-07
    end: 2013-07
    budget_pln: 40000
    awards: [{organisation: coop, monthly_pln: 3333.33}]
  - {id: esf, name: ESF project, external_source: ESF, start: 2011-01, end: 2013-01, budget_pln: 1000000,
     awards: [{organisation: ngo1, monthly_pln: 100, places: 3}, {organisation: city}]}
events:
  - {date: 2013-02, action: transfer, from_external: Rotary, to: city, amount_pln: 80000, note: second}
  - {date: 2012-05, action: add_tie, source: ngo1, target: coop, kind: contract, end: 2012-09}
  - {date: 2013-02, action: close_organisation, organisation: ngo1}
  - {date: 2012-05, action: end_tie, source: city, target: ngo1, kind: partnership}
  - {date: 2013-02, action: set_parameter, parameter: funding.enabled, value: false}
  - {date: 2012-08, action: transfer, from: city, to: coop, amount_pln: 0.01}
parameters:
  reintegration: {referral_rate: 0.1}
)";

TEST(ParseScenario, ResolvesRunSettingsAndMetadata) {
  const ScenarioSpec s = parse(kGood);
  EXPECT_EQ(s.metadata.name, "Good");
  EXPECT_EQ(s.metadata.description, "every section");
  EXPECT_EQ(s.metadata.sources, (std::vector<std::string>{"seed 004", "DOMAIN.md"}));
  EXPECT_EQ(s.start, (YearMonth{2012, 1}));
  EXPECT_EQ(s.steps, 24);
  EXPECT_EQ(s.seed, 1U);  // default
  EXPECT_EQ(s.replicates, 3);
  EXPECT_EQ(s.output.tie_snapshot_every, 6);
  EXPECT_EQ(s.source_path, "test.yaml");
  EXPECT_EQ(s.source_text, kGood);
}

TEST(ParseScenario, CollectsMunicipalitiesAndSectorsInOrderOfFirstUse) {
  const ScenarioSpec s = parse(kGood);
  EXPECT_EQ(s.municipalities, (std::vector<std::string>{"Sopot", "Gdynia", "Gdansk"}));
  EXPECT_EQ(s.sectors, (std::vector<std::string>{"none", "social", "services"}));
  ASSERT_EQ(s.organisations.size(), 4U);
  EXPECT_EQ(s.organisations[0].sector, 0U);
  EXPECT_EQ(s.organisations[1].sector, 1U);
  EXPECT_EQ(s.organisations[2].sector, 2U);
  EXPECT_EQ(s.organisations[3].sector, 1U);
  EXPECT_EQ(s.organisations[1].municipality, 1U);
  EXPECT_EQ(s.people[0].municipality, 2U);
}

TEST(ParseScenario, ResolvesOrganisations) {
  const ScenarioSpec s = parse(kGood);
  const OrganisationSpec& city = s.organisations[0];
  EXPECT_EQ(city.id, "city");
  EXPECT_EQ(city.name, "City");
  EXPECT_EQ(city.kind, OrgKind::Municipality);
  EXPECT_EQ(city.founded_step, 0);  // no founded: exists from the start
  EXPECT_EQ(city.closed_step, kOpenEnded);
  EXPECT_EQ(city.cash, 4'000'050);  // 40000.50 PLN in grosze
  const OrganisationSpec& ngo = s.organisations[1];
  EXPECT_EQ(ngo.founded_step, -22);  // 2010-03 is 22 months before 2012-01
  EXPECT_EQ(ngo.programme_places, 5);
  EXPECT_EQ(ngo.staff, 2);
  EXPECT_EQ(ngo.cash, 0);
  const OrganisationSpec& coop = s.organisations[2];
  EXPECT_EQ(coop.kind, OrgKind::SocialCooperative);
  EXPECT_EQ(coop.founded_step, 6);
  EXPECT_EQ(coop.closed_step, 18);
  EXPECT_EQ(coop.social_jobs, 3);
}

TEST(ParseScenario, ResolvesPeople) {
  const ScenarioSpec s = parse(kGood);
  ASSERT_EQ(s.people.size(), 3U);
  EXPECT_EQ(s.people[0].groups, kHomeless | kDisabled);
  EXPECT_EQ(s.people[0].count, 7);
  EXPECT_EQ(s.people[0].state, PersonState::Excluded);
  EXPECT_EQ(s.people[1].groups, kLongTermUnemployed);
  EXPECT_EQ(s.people[1].state, PersonState::InProgramme);
  EXPECT_EQ(s.people[1].placement, 1U);
  EXPECT_EQ(s.people[2].groups, kCareLeaver);
  EXPECT_EQ(s.people[2].state, PersonState::EmployedSocial);
  EXPECT_EQ(s.people[2].placement, 3U);
  EXPECT_EQ(s.people_count(), 16);
}

TEST(ParseScenario, ResolvesTies) {
  const ScenarioSpec s = parse(kGood);
  ASSERT_EQ(s.ties.size(), 2U);
  EXPECT_EQ(s.ties[0].source, 0U);
  EXPECT_EQ(s.ties[0].target, 1U);
  EXPECT_EQ(s.ties[0].kind, TieKind::Partnership);
  EXPECT_DOUBLE_EQ(s.ties[0].strength, 0.5);
  EXPECT_EQ(s.ties[0].start_step, 0);
  EXPECT_EQ(s.ties[0].end_step, kOpenEnded);
  EXPECT_EQ(s.ties[1].kind, TieKind::Founding);
  EXPECT_DOUBLE_EQ(s.ties[1].strength, 0.9);
  EXPECT_EQ(s.ties[1].start_step, -7);  // before the run
  EXPECT_EQ(s.ties[1].end_step, 216);   // after the run: kept as its step
}

TEST(ParseScenario, ResolvesFundingProgrammes) {
  const ScenarioSpec s = parse(kGood);
  ASSERT_EQ(s.programmes.size(), 2U);
  const FundingProgrammeSpec& grant = s.programmes[0];
  EXPECT_EQ(grant.id, "grant");
  EXPECT_EQ(grant.name, "Grant");
  ASSERT_TRUE(grant.funder.has_value());
  EXPECT_EQ(*grant.funder, 0U);
  EXPECT_EQ(grant.start_step, 6);
  EXPECT_EQ(grant.end_step, 18);
  EXPECT_EQ(grant.budget, 4'000'000);
  ASSERT_EQ(grant.awards.size(), 1U);
  EXPECT_EQ(grant.awards[0].organisation, 2U);
  EXPECT_EQ(grant.awards[0].monthly, 333'333);
  const FundingProgrammeSpec& esf = s.programmes[1];
  EXPECT_FALSE(esf.funder.has_value());
  EXPECT_EQ(esf.external_source, "ESF");
  EXPECT_EQ(esf.start_step, -12);
  EXPECT_EQ(esf.end_step, 12);
  ASSERT_EQ(esf.awards.size(), 2U);
  EXPECT_EQ(esf.awards[0].places, 3);
  EXPECT_EQ(esf.awards[0].monthly, 10'000);
  EXPECT_EQ(esf.awards[1].organisation, 0U);
  EXPECT_EQ(esf.awards[1].monthly, 0);
  EXPECT_EQ(esf.awards[1].places, 0);
}

TEST(ParseScenario, SortsEventsByStepKeepingFileOrderWithinAMonth) {
  const ScenarioSpec s = parse(kGood);
  ASSERT_EQ(s.events.size(), 6U);
  std::vector<int> steps;
  std::vector<EventAction> actions;
  for (const auto& e : s.events) {
    steps.push_back(e.step);
    actions.push_back(e.action);
  }
  EXPECT_EQ(steps, (std::vector<int>{4, 4, 7, 13, 13, 13}));
  EXPECT_EQ(actions, (std::vector<EventAction>{EventAction::AddTie, EventAction::EndTie, EventAction::Transfer,
                                               EventAction::Transfer, EventAction::CloseOrganisation,
                                               EventAction::SetParameter}));
  const EventSpec& add = s.events[0];
  EXPECT_EQ(add.source, 1U);
  EXPECT_EQ(add.target, 2U);
  EXPECT_EQ(add.tie_kind, TieKind::Contract);
  EXPECT_DOUBLE_EQ(add.strength, 0.5);
  EXPECT_EQ(add.tie_end_step, 8);
  const EventSpec& end = s.events[1];
  EXPECT_EQ(end.tie_kind, TieKind::Partnership);
  EXPECT_EQ(end.tie_end_step, kOpenEnded);
  const EventSpec& pay = s.events[2];
  EXPECT_FALSE(pay.from_external);
  EXPECT_EQ(pay.source, 0U);
  EXPECT_EQ(pay.target, 2U);
  EXPECT_EQ(pay.amount, 1);  // 0.01 PLN
  const EventSpec& external = s.events[3];
  EXPECT_TRUE(external.from_external);
  EXPECT_EQ(external.external_source, "Rotary");
  EXPECT_EQ(external.target, 0U);
  EXPECT_EQ(external.amount, 8'000'000);
  EXPECT_EQ(external.note, "second");
  EXPECT_EQ(s.events[4].target, 1U);
  EXPECT_EQ(s.events[5].parameter, "funding.enabled");
  EXPECT_EQ(s.events[5].value, 0.0);
}

TEST(ParseScenario, ResolvesParametersFromDefaultsAndFile) {
  const ScenarioSpec s = parse(kGood);
  EXPECT_EQ(s.params.values().size(), 3U);                                    // every registered parameter
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.1);         // from the file
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.programme_min_months"), 6.0);  // default
  EXPECT_DOUBLE_EQ(s.params.get("funding.enabled"), 1.0);                     // default
}

TEST(ParseScenario, AcceptsQuotedDatesEmptySectionsAndDefaults) {
  const ScenarioSpec s = parse(
      "metadata: {name: t}\n"
      "start: \"2012-01\"\n"
      "steps: 1\n"
      "seed: 18446744073709551615\n"
      "organisations:\n"
      "ties:\n"
      "events: []\n"
      "parameters:\n");
  EXPECT_EQ(s.start, (YearMonth{2012, 1}));
  EXPECT_EQ(s.seed, 18446744073709551615ULL);
  EXPECT_EQ(s.replicates, 1);
  EXPECT_EQ(s.output.tie_snapshot_every, 12);
  EXPECT_TRUE(s.organisations.empty());
  EXPECT_EQ(s.sectors, (std::vector<std::string>{"none"}));
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.05);
}

// ---------------------------------------------------------------------------------------
// Command-line overrides.

TEST(Overrides, ReplaceRunSettings) {
  ScenarioOverrides o;
  o.steps = 30;
  o.seed = 77;
  o.replicates = 9;
  const ScenarioSpec s = parse(kGood, o);
  EXPECT_EQ(s.steps, 30);
  EXPECT_EQ(s.seed, 77U);
  EXPECT_EQ(s.replicates, 9);
}

TEST(Overrides, StepsApplyBeforeDatesAreChecked) {
  ScenarioOverrides shorter;
  shorter.steps = 7;  // the run now ends 2012-07
  try {
    (void)parse(kGood, shorter);
    ADD_FAILURE() << "a date after the shortened run was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.key_path(), "organisations[2].closed");
    EXPECT_EQ(e.problem(), "2013-07 is after the last month of the run (2012-07)");
    EXPECT_EQ(e.line(), 12);
  }
  const std::string late_event =
      "metadata: {name: t}\nstart: 2012-01\nsteps: 12\n"
      "organisations: [{id: a, name: A, kind: ngo, municipality: X}]\n"
      "events: [{date: 2013-06, action: close_organisation, organisation: a}]\n";
  EXPECT_THROW((void)parse(late_event), ScenarioError);
  ScenarioOverrides longer;
  longer.steps = 24;
  EXPECT_EQ(parse(late_event, longer).events.at(0).step, 17);
}

TEST(Overrides, SetReplacesFileAndDefaultValues) {
  ScenarioOverrides o;
  o.set = {"reintegration.referral_rate=0.2", "funding.enabled=false", "reintegration.programme_min_months=12"};
  const ScenarioSpec s = parse(kGood, o);
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.2);
  EXPECT_DOUBLE_EQ(s.params.get("funding.enabled"), 0.0);
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.programme_min_months"), 12.0);
}

struct OverrideCase {
  const char* name;
  ScenarioOverrides overrides;
  const char* key_path;
  const char* problem;
};

ScenarioOverrides with_steps(int steps) {
  ScenarioOverrides o;
  o.steps = steps;
  return o;
}

ScenarioOverrides with_replicates(int replicates) {
  ScenarioOverrides o;
  o.replicates = replicates;
  return o;
}

ScenarioOverrides with_set(const std::string& entry) {
  ScenarioOverrides o;
  o.set = {entry};
  return o;
}

TEST(Overrides, ErrorsNameTheCommandLineOption) {
  const std::vector<OverrideCase> cases = {
      {"steps_zero", with_steps(0), "--steps", "expected an integer in [1, 1200]; got 0"},
      {"steps_too_many", with_steps(1201), "--steps", "expected an integer in [1, 1200]; got 1201"},
      {"replicates_zero", with_replicates(0), "--replicates", "expected an integer in [1, 10000]; got 0"},
      {"set_no_equals", with_set("reintegration.referral_rate"), "--set",
       "expected module.param=value; got \"reintegration.referral_rate\""},
      {"set_unknown", with_set("reintegration.referal_rate=0.1"), "--set reintegration.referal_rate",
       "unknown parameter \"reintegration.referal_rate\" (did you mean \"reintegration.referral_rate\"?); known "
       "parameters: reintegration.referral_rate, reintegration.programme_min_months, funding.enabled"},
      {"set_not_a_number", with_set("reintegration.referral_rate=abc"), "--set reintegration.referral_rate",
       "expected a number; got \"abc\""},
      {"set_out_of_range", with_set("reintegration.referral_rate=1.5"), "--set reintegration.referral_rate",
       "expected a value in [0, 1] 1/month; got 1.5"},
      {"set_not_an_integer", with_set("reintegration.programme_min_months=2.5"),
       "--set reintegration.programme_min_months", "expected an integer; got 2.5"},
      {"set_boolean", with_set("funding.enabled=yes"), "--set funding.enabled", "expected true or false; got \"yes\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      (void)parse(kGood, c.overrides);
      ADD_FAILURE() << "override accepted";
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.file(), "<command line>");
      EXPECT_EQ(e.line(), 0);
      EXPECT_EQ(e.column(), 0);
      EXPECT_EQ(e.key_path(), c.key_path);
      EXPECT_EQ(e.problem(), c.problem);
      EXPECT_EQ(std::string(e.what()), "<command line>:0:0: " + std::string(c.key_path) + ": " + c.problem);
    }
  }
}

// ---------------------------------------------------------------------------------------
// ScenarioError and files.

TEST(ScenarioErrorFormat, WhatIsFileLineColumnKeyPathProblem) {
  const ScenarioError e("sopot.yaml", 14, 11, "organisations[2].kind", "expected one of a, b; got \"c\"");
  EXPECT_STREQ(e.what(), "sopot.yaml:14:11: organisations[2].kind: expected one of a, b; got \"c\"");
  EXPECT_EQ(e.file(), "sopot.yaml");
  EXPECT_EQ(e.line(), 14);
  EXPECT_EQ(e.column(), 11);
  EXPECT_EQ(e.key_path(), "organisations[2].kind");
  EXPECT_EQ(e.problem(), "expected one of a, b; got \"c\"");
  // Without a key path the segment is left out rather than printed empty.
  EXPECT_STREQ(ScenarioError("x.yaml", 0, 0, "", "cannot read file: gone").what(),
               "x.yaml:0:0: cannot read file: gone");
}

TEST(LoadScenario, MissingFileIsAScenarioError) {
  const std::string path = "/nonexistent-partnersim-dir/none.yaml";
  try {
    (void)load_scenario(path, {}, test_registry());
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(e.column(), 0);
    EXPECT_EQ(e.key_path(), "");
    EXPECT_EQ(e.problem(), "cannot read file: No such file or directory");
  }
}

TEST(LoadScenario, KeepsTheExactTextAndPath) {
  const auto path = std::filesystem::temp_directory_path() / "partnersim_test_parser_load.yaml";
  const std::string text = "# comment kept\r\nmetadata: {name: t}\r\nstart: 2012-01\r\nsteps: 2\r\n";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  const ScenarioSpec s = load_scenario(path.string(), {}, test_registry());
  std::filesystem::remove(path);
  EXPECT_EQ(s.source_text, text);
  EXPECT_EQ(s.source_path, path.string());
  EXPECT_EQ(s.steps, 2);
}

TEST(LoadScenario, ErrorsInAFileNameThatFile) {
  const auto path = std::filesystem::temp_directory_path() / "partnersim_test_parser_bad.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << "metadata: {name: t}\nstart: 2012-01\nsteps: 2\nseeed: 3\n";
  }
  try {
    (void)load_scenario(path.string(), {}, test_registry());
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind(path.string() + ":4:1: seeed: unknown key \"seeed\" (did you mean \"seed\"?)", 0),
        0U)
        << e.what();
  }
  std::filesystem::remove(path);
}

// ---------------------------------------------------------------------------------------
// The worked example in scenarios/examples.

const std::string kExample = std::string(PARTNERSIM_SOURCE_DIR) + "/scenarios/examples/minimal.yaml";

const OrganisationSpec& org(const ScenarioSpec& s, const std::string& id) {
  for (const auto& o : s.organisations) {
    if (o.id == id) return o;
  }
  throw std::runtime_error("no organisation " + id);
}

std::uint32_t org_index(const ScenarioSpec& s, const std::string& id) {
  for (std::size_t i = 0; i < s.organisations.size(); ++i) {
    if (s.organisations[i].id == id) return static_cast<std::uint32_t>(i);
  }
  throw std::runtime_error("no organisation " + id);
}

TEST(Example, MinimalSopotScenarioParses) {
  const ScenarioSpec s = load_scenario(kExample, {}, test_registry());
  EXPECT_EQ(s.start, (YearMonth{2012, 1}));
  EXPECT_EQ(s.steps, 48);
  EXPECT_EQ(s.municipalities, (std::vector<std::string>{"Sopot", "Gdynia", "Gdansk"}));
  EXPECT_EQ(org(s, "kooperacja").founded_step, 17);  // June 2013
  EXPECT_LT(org(s, "brat_albert").founded_step, 0);
  EXPECT_EQ(org(s, "aqua").social_jobs, 8);
  EXPECT_EQ(org(s, "cis_sips").founded_step, 39);  // April 2015

  // The pact of September 2012: partnership ties from the city, starting at step 8.
  int pact_ties = 0;
  for (const auto& t : s.ties) {
    if (t.source == org_index(s, "city") && t.kind == TieKind::Partnership && t.start_step == 8) ++pact_ties;
  }
  EXPECT_EQ(pact_ties, 5);

  const FundingProgrammeSpec& grant = s.programmes.at(0);
  EXPECT_EQ(grant.budget, 4'000'000);
  EXPECT_EQ(grant.awards.at(0).monthly, 333'333);
  EXPECT_EQ(grant.end_step - grant.start_step, 12);

  bool rotary_gift = false;
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(s.events[i - 1].step, s.events[i].step);
    }
    const EventSpec& e = s.events[i];
    if (e.action == EventAction::Transfer && !e.from_external && e.source == org_index(s, "rotary")) {
      rotary_gift = e.amount == 8'000'000 && e.step == 39 && e.target == org_index(s, "aqua");
    }
  }
  EXPECT_TRUE(rotary_gift);
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.04);

  // Every event action is exercised.
  for (const auto action : {EventAction::AddTie, EventAction::EndTie, EventAction::CloseOrganisation,
                            EventAction::Transfer, EventAction::SetParameter}) {
    EXPECT_TRUE(std::any_of(s.events.begin(), s.events.end(), [&](const EventSpec& e) { return e.action == action; }));
  }
}

TEST(Example, MinimalSopotScenarioParsesWithTheRealModules) {
  const ScenarioSpec s = load_scenario(kExample);
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.04);
}

TEST(CrossParameterChecks, AreAppliedToTheFileAndToSetOverrides) {
  // programme_max_months below programme_min_months is each in range but together wrong.
  const std::string text =
      "metadata: {name: t}\nstart: 2020-01\nsteps: 3\n"
      "parameters:\n  reintegration: {programme_min_months: 9, programme_max_months: 7}\n";
  try {
    parse_scenario(text, "x.yaml");
    FAIL() << "accepted max < min";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.key_path(), "parameters");
    EXPECT_EQ(e.problem(), "reintegration: programme_max_months (7) must be at least programme_min_months (9)");
  }
  ScenarioOverrides o;
  o.set = {"reintegration.programme_min_months=13"};
  try {
    parse_scenario("metadata: {name: t}\nstart: 2020-01\nsteps: 3\n", "x.yaml", o);
    FAIL() << "accepted max < min from --set";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "<command line>");
    EXPECT_NE(e.problem().find("programme_max_months (12)"), std::string::npos) << e.problem();
  }
}

}  // namespace
}  // namespace partnersim
