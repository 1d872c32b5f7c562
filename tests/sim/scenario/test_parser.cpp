// Tests of the scenario parser: the typed spec it resolves from good files, and the exact
// position, key path and message of its errors for bad ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
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
       "unknown key \"tiez\" (did you mean \"ties\"?); allowed keys: metadata, include, start, steps,",
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
       "duplicate organisation id \"ngo1\" (already defined at test.yaml:",
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
       "placement is only for people in state in_programme, employed_social, shelter or training_flat; these are "
       "excluded",
       kHead + std::string("people:\n"
                           "  - {municipality: Sopot, groups: [homeless], count: 3, placement: ngo1}\n")},
      {"people_over_capacity", 10, 89, "people[1].placement",
       "organisation \"ngo1\" has 5 programme_places but 6 people start in its programme",
       kHead + std::string(
                   "people:\n"
                   "  - {municipality: Sopot, groups: [homeless], count: 3, state: in_programme, placement: ngo1}\n"
                   "  - {municipality: Sopot, groups: [disabled], count: 3, state: in_programme, placement: ngo1}\n")},
      {"people_over_social_jobs", 10, 92, "people[0].placement",
       "organisation \"co\" has 2 social_jobs but 3 people start employed there",
       kHead + std::string(
                   "  - {id: co, name: Co, kind: social_cooperative, municipality: Sopot, social_jobs: 2}\n"
                   "people:\n"
                   "  - {municipality: Sopot, groups: [homeless], count: 3, state: employed_social, placement: co}\n")},
      {"org_closed_in_first_month", 8, 62, "organisations[3].closed",
       "expected a month after the first month of the run (2012-01), when the organisation exists without founded; "
       "got 2012-01",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, closed: 2012-01}\n")},
      {"programme_award_twice", 9, 129, "funding_programmes[0].awards[1].organisation",
       "organisation \"ngo1\" already has an award in this programme",
       kHead + std::string("funding_programmes:\n"
                           "  - {id: p, name: P, funder: city, start: 2012-01, end: 2013-01, budget_pln: 100, awards: "
                           "[{organisation: ngo1}, {organisation: ngo1}]}\n")},
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
      // A tie in force before one of its ends exists (found by the scenario fuzzer for founders).
      {"tie_before_founded", 9, 28, "ties[0].target",
       "organisation \"coop\" does not exist yet when the tie starts (2012-01): it is founded 2012-07",
       kHead + std::string("ties:\n"
                           "  - {source: city, target: coop, kind: partnership}\n")},
      {"tie_after_closed", 10, 14, "ties[0].source",
       "organisation \"old\" no longer exists when the tie starts (2012-05): it is closed 2012-03",
       kHead + std::string("  - {id: old, name: Old, kind: ngo, municipality: Sopot, closed: 2012-03}\n"
                           "ties:\n"
                           "  - {source: old, target: city, kind: partnership, start: 2012-05}\n")},
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
       "expected one of add_tie, end_tie, close_organisation, transfer, set_parameter, found_organisation, sign_pact, "
       "start_programme, end_programme, set_capacity; got \"add_ties\" (did you mean \"add_tie\"?)",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: add_ties, source: city, target: ngo1, kind: grant}\n")},
      {"set_capacity_wrong_kind", 9, 76, "events[0].social_jobs",
       "social_jobs is only for organisations of kind social_cooperative, municipal_company or business; \"ngo1\" "
       "is a ngo",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: set_capacity, organisation: ngo1, social_jobs: 4}\n")},
      {"set_capacity_nothing", 9, 5, "events[0]",
       "set_capacity needs at least one of social_jobs, programme_places, shelter_places, flat_places",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: set_capacity, organisation: ngo1}\n")},
      {"set_capacity_before_founded", 9, 57, "events[0].organisation",
       "organisation \"coop\" does not exist yet in 2012-03 (founded 2012-07)",
       kHead + std::string("events:\n"
                           "  - {date: 2012-03, action: set_capacity, organisation: coop, social_jobs: 4}\n")},
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
      // The partnership model: organisation fields, latent cooperatives, homeless states,
      // programme kinds, buyers, markets and the new event actions.
      {"org_members_wrong_kind", 8, 63, "organisations[3].members",
       "members is only for organisations of kind social_cooperative; \"x\" is a ngo",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, members: 5}\n")},
      {"org_shelter_wrong_kind", 8, 75, "organisations[3].shelter_places",
       "shelter_places is only for organisations of kind ngo, church, social_assistance_centre or municipality; \"x\" "
       "is a business",
       kHead + std::string("  - {id: x, name: X, kind: business, municipality: Sopot, shelter_places: 3}\n")},
      {"org_flat_places_negative", 8, 70, "organisations[3].flat_places",
       "expected an integer in [0, 100000000]; got -1",
       kHead + std::string("  - {id: x, name: X, kind: church, municipality: Sopot, flat_places: -1}\n")},
      {"org_quality_range", 8, 63, "organisations[3].quality", "expected a number in [0, 1]; got 1.2",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, quality: 1.2}\n")},
      {"org_rent_negative", 8, 64, "organisations[3].rent_pln", "expected an amount in PLN >= 0 and <= 1e13; got -10",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, rent_pln: -10}\n")},
      {"org_dividend_wrong_kind", 8, 68, "organisations[3].dividend_pln",
       "dividend_pln is only for organisations of kind municipal_company; \"x\" is a ngo",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, dividend_pln: 100}\n")},
      {"org_founder_self", 8, 71, "organisations[3].founders[1]", "organisation \"x\" cannot be its own founder",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founders: [city, x]}\n")},
      // Found by the scenario fuzzer: a founder founded after the organisation it founds made a
      // founding tie to an organisation not yet alive (an invariant violation at run time).
      {"org_founder_not_yet_founded", 8, 65, "organisations[3].founders[0]",
       "founder \"coop\" does not exist yet when \"x\" is founded (2012-01): it is founded 2012-07",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founders: [coop]}\n")},
      {"org_founder_closed", 8, 83, "organisations[3].founders[0]",
       "founder \"y\" no longer exists when \"x\" is founded (2012-06): it is closed 2012-03",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founded: 2012-06, founders: [y]}\n"
                           "  - {id: y, name: Y, kind: ngo, municipality: Sopot, closed: 2012-03}\n")},
      {"org_founder_unknown", 8, 65, "organisations[3].founders[0]",
       "unknown organisation id \"cty\" (did you mean \"city\"?)",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founders: [cty]}\n")},
      {"org_founder_twice", 8, 71, "organisations[3].founders[1]", "organisation \"city\" is listed twice",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founders: [city, city]}\n")},
      {"new_coop_slots_zero", 9, 34, "new_cooperatives[0].slots", "expected an integer in [1, 10000]; got 0",
       kHead + std::string("new_cooperatives:\n  - {municipality: Sopot, slots: 0}\n")},
      {"new_coop_unknown_key", 9, 37, "new_cooperatives[0].sectr",
       "unknown key \"sectr\" (did you mean \"sector\"?); allowed keys: municipality, slots, sector",
       kHead + std::string("new_cooperatives:\n  - {municipality: Sopot, slots: 2, sectr: catering}\n")},
      {"new_coop_slot_referenced", 11, 28, "ties[0].target",
       "organisation \"new_coop_sopot_2\" is a latent slot of new_cooperatives[0]; slots cannot be referenced",
       kHead + std::string("new_cooperatives:\n  - {municipality: Sopot, slots: 2}\nties:\n  - {source: city, target: "
                           "new_coop_sopot_2, kind: partnership}\n")},
      {"new_coop_id_taken", 10, 20, "new_cooperatives[0].municipality",
       "the slot id \"new_coop_sopot_1\" is already used by organisations[3]",
       kHead + std::string("  - {id: new_coop_sopot_1, name: X, kind: ngo, municipality: Sopot}\nnew_cooperatives:\n  "
                           "- {municipality: Sopot, slots: 2}\n")},
      {"people_street_placement", 9, 83, "people[0].placement",
       "placement is only for people in state in_programme, employed_social, shelter or training_flat; these are "
       "street",
       kHead +
           std::string(
               "people:\n  - {municipality: Sopot, groups: [homeless], count: 3, state: street, placement: ngo1}\n")},
      {"people_shelter_missing_placement", 9, 5, "people[0].placement",
       "missing required key \"placement\" (people in state shelter need the id of the organisation they start in)",
       kHead + std::string("people:\n  - {municipality: Sopot, groups: [homeless], count: 3, state: shelter}\n")},
      {"people_shelter_over_capacity", 11, 94, "people[1].placement",
       "organisation \"x\" has 4 shelter_places but 5 people start in its shelter",
       kHead + std::string(
                   "  - {id: x, name: X, kind: church, municipality: Sopot, shelter_places: 4}\npeople:\n  - "
                   "{municipality: Sopot, groups: [homeless], count: 3, state: shelter, placement: x}\n  - "
                   "{municipality: Sopot, groups: [homeless, addicted], count: 2, state: shelter, placement: x}\n")},
      {"people_flat_wrong_kind", 10, 90, "people[0].placement",
       "organisation \"x\" has 0 flat_places but 2 people start in its training flats (only kinds ngo, church, "
       "social_assistance_centre or municipality run training flats)",
       kHead + std::string("  - {id: x, name: X, kind: business, municipality: Sopot}\npeople:\n  - {municipality: "
                           "Sopot, groups: [homeless], count: 2, state: training_flat, placement: x}\n")},
      {"programme_kind_typo", 9, 28, "funding_programmes[0].kind",
       "expected one of grant, eu_call, startup_grant, capital_grant, donation, in_kind, investment; got \"eu_cal\" "
       "(did you mean \"eu_call\"?)",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_cal, funder: city, start: 2012-01, "
                           "budget_pln: 10}\n")},
      {"programme_key_for_other_kind", 9, 130, "funding_programmes[0].awards",
       "unknown key \"awards\" for kind eu_call; allowed keys: id, name, kind, funder, external_source, start, end, "
       "budget_pln, eligible, duration_months, project_value_pln, places_per_project, win_probability, "
       "partnership_bonus, takeover_by",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: "
                           "2012-01, budget_pln: 10, eligible: [ngo], project_value_pln: 5, awards: []}\n")},
      {"investment_funder_not_company", 9, 48, "funding_programmes[0].funder",
       "the funder of an investment must be a municipal_company; \"city\" is a municipality",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: investment, funder: city, start: 2012-03, "
                           "budget_pln: 10, awards: [{organisation: ngo1, amount_pln: 5}]}\n")},
      {"investment_external_source", 9, 40, "funding_programmes[0].external_source",
       "unknown key \"external_source\" for kind investment; allowed keys: id, name, kind, funder, start, end, "
       "budget_pln, awards, dividend_holiday_months",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: investment, external_source: ESF, start: "
                           "2012-03, budget_pln: 10, awards: [{organisation: ngo1, amount_pln: 5}]}\n")},
      {"investment_over_budget", 10, 82, "funding_programmes[0].budget_pln",
       "awards need 3000.00 PLN (3000.00 PLN once) but budget_pln is 2000.00",
       kHead + std::string(
                   "  - {id: aqua, name: AQUA, kind: municipal_company, municipality: Sopot}\nfunding_programmes:\n  - "
                   "{id: p, name: P, kind: investment, funder: aqua, start: 2012-03, budget_pln: 2000, "
                   "dividend_holiday_months: 36, awards: [{organisation: ngo1, amount_pln: 3000}]}\n")},
      {"capital_grant_award_key", 9, 136, "funding_programmes[0].awards[0].monthly_pln",
       "unknown key \"monthly_pln\" for kind capital_grant; allowed keys: organisation, amount_pln",
       kHead +
           std::string("funding_programmes:\n  - {id: p, name: P, kind: capital_grant, external_source: state budget, "
                       "start: 2012-03, budget_pln: 10, awards: [{organisation: ngo1, monthly_pln: 5}]}\n")},
      {"capital_grant_missing_amount", 9, 115, "funding_programmes[0].awards[0].amount_pln",
       "missing required key \"amount_pln\"",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: capital_grant, external_source: state "
                           "budget, start: 2012-03, budget_pln: 10, awards: [{organisation: ngo1}]}\n")},
      {"in_kind_months_range", 9, 115, "funding_programmes[0].awards[0].rent_free_months",
       "expected an integer in [1, 600]; got 0",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: in_kind, funder: city, start: 2012-03, "
                           "awards: [{organisation: ngo1, rent_free_months: 0}]}\n")},
      {"donation_over_budget_with_amount", 9, 105, "funding_programmes[0].budget_pln",
       "awards need 1100.00 PLN (50.00 PLN a month for 12 months plus 500.00 PLN once) but budget_pln is 1000.00",
       kHead +
           std::string(
               "funding_programmes:\n  - {id: p, name: P, kind: donation, external_source: Rotary, start: 2012-01, "
               "end: 2013-01, budget_pln: 1000, awards: [{organisation: ngo1, monthly_pln: 50, amount_pln: 500}]}\n")},
      {"eu_call_budget_below_project", 9, 87, "funding_programmes[0].budget_pln",
       "budget_pln (100.00 PLN) is less than project_value_pln (500.00 PLN): not even one project fits",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: "
                           "2012-01, budget_pln: 100, eligible: [ngo], project_value_pln: 500}\n")},
      {"eu_call_eligible_twice", 9, 109, "funding_programmes[0].eligible[1]", "kind \"ngo\" is listed twice",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: "
                           "2012-01, budget_pln: 1000, eligible: [ngo, ngo], project_value_pln: 500}\n")},
      {"eu_call_eligible_typo", 9, 104, "funding_programmes[0].eligible[0]",
       "got \"social_cooperativ\" (did you mean \"social_cooperative\"?)",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: "
                           "2012-01, budget_pln: 1000, eligible: [social_cooperativ], project_value_pln: 500}\n")},
      {"eu_call_duration_range", 9, 151, "funding_programmes[0].duration_months",
       "expected an integer in [1, 120]; got 121",
       kHead +
           std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: 2012-01, "
                       "budget_pln: 1000, eligible: [ngo], project_value_pln: 500, duration_months: 121}\n")},
      {"eu_call_missing_project_value", 9, 5, "funding_programmes[0].project_value_pln",
       "missing required key \"project_value_pln\"",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: eu_call, external_source: ESF, start: "
                           "2012-01, budget_pln: 1000, eligible: [ngo]}\n")},
      {"startup_grant_no_rates", 9, 5, "funding_programmes[0]",
       "missing required key: one of \"per_member_pln\" or \"per_job_pln\"",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: startup_grant, external_source: Labour "
                           "Fund, start: 2012-01, end: 2013-01, budget_pln: 1000}\n")},
      {"startup_grant_zero_rates", 9, 134, "funding_programmes[0].per_job_pln",
       "a start-up grant pays per founding member or per job: give per_member_pln or per_job_pln > 0",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: startup_grant, external_source: Labour "
                           "Fund, start: 2012-01, end: 2013-01, budget_pln: 1000, per_job_pln: 0}\n")},
      {"startup_grant_keep_months", 9, 134, "funding_programmes[0].keep_months",
       "expected an integer in [1, 120]; got 0",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: startup_grant, external_source: Labour "
                           "Fund, start: 2012-01, end: 2013-01, budget_pln: 1000, keep_months: 0, per_job_pln: 5}\n")},
      {"programme_start_after_run", 9, 81, "funding_programmes[0].start",
       "2014-01 is after the last month of the run (2013-12)",
       kHead + std::string("funding_programmes:\n  - {id: p, name: P, kind: capital_grant, external_source: state "
                           "budget, start: 2014-01, budget_pln: 10, awards: [{organisation: ngo1, amount_pln: 5}]}\n")},
      {"buyer_wrong_kind", 9, 20, "buyers[0].organisation",
       "buyers are organisations of kind municipality, social_assistance_centre, municipal_company, labour_office or "
       "regional_centre; \"ngo1\" is a ngo",
       kHead + std::string("buyers:\n  - {organisation: ngo1, demand: {catering: 1000}}\n")},
      {"buyer_twice", 10, 20, "buyers[1].organisation", "organisation \"city\" is already a buyer (buyers[0])",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {catering: 1000}}\n  - {organisation: city, "
                           "demand: {parking: 1000}}\n")},
      {"buyer_demand_zero", 9, 47, "buyers[0].demand.renovation", "expected an amount in PLN > 0 and <= 1e13; got 0",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {renovation: 0}}\n")},
      {"buyer_demand_none", 9, 35, "buyers[0].demand.none",
       "\"none\" is not a service sector; name the sector demanded",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {none: 5}}\n")},
      {"buyer_demand_empty", 9, 34, "buyers[0].demand", "expected a map of at least one sector: yearly PLN; got a map",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {}}\n")},
      {"buyer_shares_sum", 9, 94, "buyers[0].reserved_share",
       "social_clause_share + reserved_share must be at most 1; got 0.7 + 0.5",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {catering: 1000}, social_clause_share: 0.7, "
                           "reserved_share: 0.5}\n")},
      {"buyer_tender_month", 9, 66, "buyers[0].tender_month", "expected an integer in [1, 12]; got 13",
       kHead + std::string("buyers:\n  - {organisation: city, demand: {catering: 1000}, tender_month: 13}\n")},
      {"buyer_contract_months", 9, 69, "buyers[0].contract_months", "expected an integer in [1, 120]; got 0",
       kHead +
           std::string(
               "buyers:\n  - {organisation: city, demand: {catering: 1000}, contract_months: 0, tender_month: 3}\n")},
      {"market_twice", 10, 35, "markets[1].sector", "a market for \"catering\" in Sopot is already given (markets[0])",
       kHead + std::string("markets:\n  - {municipality: Sopot, sector: catering, monthly_pln: 100}\n  - "
                           "{municipality: Sopot, sector: catering, monthly_pln: 200}\n")},
      {"market_monthly_zero", 9, 58, "markets[0].monthly_pln", "expected an amount in PLN > 0 and <= 1e13; got 0",
       kHead + std::string("markets:\n  - {municipality: Sopot, sector: catering, monthly_pln: 0}\n")},
      {"found_founded_mismatch", 9, 63, "events[0].organisation",
       "organisation \"coop\" has founded: 2012-07 but this event founds it in 2012-09 (leave founded out or give the "
       "same month)",
       kHead + std::string("events:\n  - {date: 2012-09, action: found_organisation, organisation: coop}\n")},
      {"found_grant_without_payer", 10, 5, "events[0]",
       "missing required key: one of \"from\" (an organisation id) or \"from_external\"",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x, grant_pln: 100}\n")},
      {"found_payer_without_grant", 10, 72, "events[0].from",
       "from names the payer of grant_pln; give grant_pln too or leave from out",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x, from: city}\n")},
      {"found_grant_from_itself", 10, 63, "events[0].organisation",
       "a founding grant needs two different organisations; from and organisation are both \"x\"",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x, grant_pln: 100, from: x}\n")},
      {"found_founder_self", 10, 83, "events[0].founders[1]", "organisation \"x\" cannot be its own founder",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x, founders: [city, x]}\n")},
      {"found_rent_free_negative", 10, 84, "events[0].rent_free_months", "expected an integer in [0, 600]; got -1",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x, rent_free_months: -1}\n")},
      // Rules the scenario fuzzer had not reached (scripts/fuzz-coverage.sh, fifth session).
      {"found_after_closed", 10, 63, "events[0].organisation",
       "organisation \"x\" is closed 2012-08, not after this event founds it in 2012-09",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, closed: 2012-08}\nevents:\n  - {date: "
                           "2012-09, action: found_organisation, organisation: x}\n")},
      {"event_org_closed", 10, 57, "events[0].organisation",
       "organisation \"x\" no longer exists in 2012-09 (closed 2012-08)",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, closed: 2012-08}\nevents:\n  - {date: "
                           "2012-09, action: set_capacity, organisation: x, programme_places: 2}\n")},
      {"found_twice", 11, 63, "events[1].organisation", "organisation \"x\" is already founded by events[0]",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-09, action: "
                           "found_organisation, organisation: x}\n  - {date: 2012-10, action: found_organisation, "
                           "organisation: x}\n")},
      {"found_with_founders_key", 8, 64, "organisations[3].founders",
       "organisation \"x\" is founded by events[0]; give its founders in that event",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot, founders: [city]}\nevents:\n  - "
                           "{date: 2012-09, action: found_organisation, organisation: x}\n")},
      {"found_after_tie_starts", 10, 28, "ties[0].target",
       "organisation \"x\" only exists from 2012-06, when events[0] founds it; this tie starts 2012-03",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nties:\n  - {source: city, target: x, "
                           "kind: partnership, start: 2012-03}\nevents:\n  - {date: 2012-06, action: "
                           "found_organisation, organisation: x}\n")},
      {"found_people_placement", 9, 89, "people[0].placement",
       "organisation \"ngo1\" only exists from 2012-06, when events[0] founds it; people cannot start in it",
       kHead + std::string(
                   "people:\n  - {municipality: Sopot, groups: [homeless], count: 3, state: in_programme, placement: "
                   "ngo1}\nevents:\n  - {date: 2012-06, action: found_organisation, organisation: ngo1}\n")},
      {"found_after_award_starts", 10, 107, "funding_programmes[0].awards[0].organisation",
       "organisation \"x\" only exists from 2012-06, when events[0] founds it; the programme starts 2012-01",
       kHead + std::string(
                   "  - {id: x, name: X, kind: ngo, municipality: Sopot}\nfunding_programmes:\n  - {id: p, name: P, "
                   "funder: city, start: 2012-01, end: 2013-01, budget_pln: 120, awards: [{organisation: x, "
                   "monthly_pln: 10}]}\nevents:\n  - {date: 2012-06, action: found_organisation, organisation: x}\n")},
      {"found_buyer", 10, 20, "buyers[0].organisation",
       "organisation \"x\" only exists from 2012-06, when events[0] founds it; buyers buy from the start of the run "
       "(2012-01)",
       kHead + std::string("  - {id: x, name: X, kind: municipal_company, municipality: Sopot}\nbuyers:\n  - "
                           "{organisation: x, demand: {renovation: 1000}}\nevents:\n  - {date: 2012-06, action: "
                           "found_organisation, organisation: x}\n")},
      {"found_after_earlier_event", 10, 63, "events[0].organisation",
       "organisation \"x\" only exists from 2012-06, when events[1] founds it; this event is in 2012-03",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\nevents:\n  - {date: 2012-03, action: "
                           "close_organisation, organisation: x}\n  - {date: 2012-06, action: found_organisation, "
                           "organisation: x}\n")},
      {"found_after_founder_use", 9, 83, "organisations[4].founders[0]",
       "organisation \"x\" only exists from 2012-06, when events[0] founds it; it founds \"y\" in 2012-03 (founding "
       "ties start then)",
       kHead + std::string("  - {id: x, name: X, kind: ngo, municipality: Sopot}\n  - {id: y, name: Y, kind: ngo, "
                           "municipality: Sopot, founded: 2012-03, founders: [x]}\nevents:\n  - {date: 2012-06, "
                           "action: found_organisation, organisation: x}\n")},
      {"pact_one_signatory", 9, 65, "events[0].signatories",
       "expected a list of at least two organisations; got a list",
       kHead + std::string("events:\n  - {date: 2012-09, action: sign_pact, note: Pact, signatories: [city]}\n")},
      {"pact_signatory_twice", 9, 78, "events[0].signatories[2]", "organisation \"city\" is listed twice",
       kHead + std::string(
                   "events:\n  - {date: 2012-09, action: sign_pact, note: Pact, signatories: [city, ngo1, city]}\n")},
      {"pact_without_note", 9, 5, "events[0].note", "missing required key \"note\" (the pact's name)",
       kHead + std::string("events:\n  - {date: 2012-09, action: sign_pact, signatories: [city, ngo1]}\n")},
      {"pact_strength_range", 9, 89, "events[0].strength", "expected a number in [0, 1]; got 2",
       kHead + std::string("events:\n  - {date: 2012-09, action: sign_pact, note: Pact, signatories: [city, ngo1], "
                           "strength: 2}\n")},
      {"pact_key_for_other_action", 9, 79, "events[0].kind",
       "unknown key \"kind\" for action sign_pact; allowed keys: date, action, note, signatories, strength",
       kHead + std::string("events:\n  - {date: 2012-09, action: sign_pact, note: Pact, signatories: [city, ngo1], "
                           "kind: partnership}\n")},
      {"start_programme_unknown", 9, 57, "events[0].programme",
       "unknown funding programme id \"esf2\" (did you mean \"esf\"?); declared funding programmes: esf",
       kHead + std::string("events:\n  - {date: 2012-09, action: start_programme, programme: "
                           "esf2}\nfunding_programmes:\n  - {id: esf, name: ESF, external_source: ESF, start: 2012-01, "
                           "end: 2013-01, budget_pln: 10, awards: [{organisation: ngo1}]}\n")},
      {"start_programme_after_end", 9, 57, "events[0].programme",
       "programme \"esf\" ends 2013-01 (its end); start it before then",
       kHead + std::string("events:\n  - {date: 2013-02, action: start_programme, programme: "
                           "esf}\nfunding_programmes:\n  - {id: esf, name: ESF, external_source: ESF, start: 2012-01, "
                           "end: 2013-01, budget_pln: 10, awards: [{organisation: ngo1}]}\n")},
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

TEST(BadInputTable, HasAtLeast100Cases) { EXPECT_GE(bad_cases().size(), 100U); }

// The table's inputs also seed the scenario fuzzer (fuzz/scenario_seeds/NAME.yaml): each
// reaches one validation rule, which random mutation of the shipped scenarios rarely does.
// PARTNERSIM_UPDATE_FUZZ_SEEDS=1 rewrites the folder from the table.
TEST(BadInputTable, EveryCaseSeedsTheScenarioFuzzer) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(PARTNERSIM_SOURCE_DIR) / "fuzz" / "scenario_seeds";
  const bool update = std::getenv("PARTNERSIM_UPDATE_FUZZ_SEEDS") != nullptr;
  if (update) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  std::set<std::string> expected;
  for (const BadCase& c : bad_cases()) {
    const fs::path file = dir / (std::string(c.name) + ".yaml");
    expected.insert(file.filename().string());
    if (update) std::ofstream(file, std::ios::binary) << c.yaml;
    std::ifstream in(file, std::ios::binary);
    const std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(seed, c.yaml) << file << " is not the case's input (PARTNERSIM_UPDATE_FUZZ_SEEDS=1 rewrites the seeds)";
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(expected.count(entry.path().filename().string()), 1U)
        << entry.path() << " is no case of the table (PARTNERSIM_UPDATE_FUZZ_SEEDS=1 rewrites the seeds)";
  }
}

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
  - {source: city, target: firm, kind: founding, strength: 0.9, start: 2011-06, end: 2030-01}
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
// The partnership model: organisation fields, latent cooperatives, homeless states,
// programme kinds, buyers, markets and the new event actions. Events come before the
// programmes they name, to show that the order of sections does not matter.

const char* const kPartnership = R"(metadata: {name: Partnership}
start: 2012-01
steps: 48
events:
  - {date: 2013-06, action: found_organisation, organisation: koop, founders: [city, caritas], grant_pln: 40000,
     from: city, rent_free_months: 12, note: Kooperacja}
  - {date: 2012-09, action: sign_pact, note: Pact for social entrepreneurship, signatories: [city, caritas, albert]}
  - {date: 2014-02, action: start_programme, programme: esf_call}
  - {date: 2012-07, action: end_programme, programme: city_grant}
  - {date: 2013-07, action: found_organisation, organisation: shop, grant_pln: 500, from_external: households}
  - {date: 2012-10, action: sign_pact, note: Second pact, signatories: [albert, city], strength: 0.6}
organisations:
  - {id: city, name: City, kind: municipality, municipality: Sopot, shelter_places: 2}
  - {id: caritas, name: Caritas, kind: church, municipality: Sopot, shelter_places: 20, flat_places: 4, quality: 0.7,
     rent_pln: 1500.5}
  - {id: sips, name: SIPS, kind: support_centre, municipality: Sopot, founded: 2015-04, founders: [city, aqua]}
  - {id: aqua, name: AQUA, kind: municipal_company, sector: utilities, municipality: Sopot, dividend_pln: 75000,
     founded: 1997-01, founders: [city]}
  - {id: koop, name: Koop, kind: social_cooperative, sector: renovation, municipality: Sopot, members: 5, social_jobs: 7}
  - {id: albert, name: Albert, kind: ngo, municipality: Gdańsk}
  - {id: shop, name: Shop, kind: business, municipality: Sopot, founded: 2013-07}
new_cooperatives:
  - {municipality: Poznań, slots: 2, sector: catering}
  - {municipality: Sopot, slots: 1}
  - {municipality: Poznań, slots: 1}
  - {municipality: "Łódź-Śródmieście", slots: 1}
people:
  - {municipality: Sopot, groups: [homeless], count: 4, state: street}
  - {municipality: Sopot, groups: [homeless, addicted], count: 15, state: shelter, placement: caritas}
  - {municipality: Sopot, groups: [homeless], count: 2, state: shelter, placement: city}
  - {municipality: Sopot, groups: [homeless], count: 4, state: training_flat, placement: caritas}
funding_programmes:
  - {id: city_grant, name: City grant, funder: city, start: 2012-01, end: 2013-01, budget_pln: 1300,
     awards: [{organisation: albert, monthly_pln: 100, amount_pln: 100, places: 2}]}
  - id: esf_call
    name: ESF call
    kind: eu_call
    external_source: ESF
    start: 2014-01
    budget_pln: 2000000
    eligible: [ngo, social_cooperative, church]
    project_value_pln: 500000
    places_per_project: 10
    win_probability: 0.2
    takeover_by: city
  - {id: labour_fund, name: Labour Fund, kind: startup_grant, external_source: Labour Fund, start: 2012-01,
     end: 2016-01, budget_pln: 500000, per_member_pln: 27000, keep_months: 24}
  - {id: fundusz, name: Fundusz Doplat, kind: capital_grant, external_source: state budget, start: 2015-04,
     budget_pln: 280756, awards: [{organisation: sips, amount_pln: 280756}]}
  - {id: rotary, name: Rotary, kind: donation, external_source: Rotary, start: 2015-04, end: 2015-06,
     budget_pln: 80000, awards: [{organisation: sips, amount_pln: 80000}]}
  - {id: premises, name: Premises, kind: in_kind, funder: city, start: 2013-06,
     awards: [{organisation: koop, rent_free_months: 12}]}
  - {id: mill, name: Mill, kind: investment, funder: aqua, start: 2015-04, budget_pln: 2699244,
     dividend_holiday_months: 36, awards: [{organisation: sips, amount_pln: 2699244}]}
buyers:
  - {organisation: city, demand: {renovation: 120000, parking: 60000}, social_clause_share: 0.3, reserved_share: 0.1,
     contract_months: 24, tender_month: 3}
  - {organisation: aqua, demand: {renovation: 50000}}
markets:
  - {municipality: Sopot, sector: charity_shop, monthly_pln: 8000}
  - {municipality: Gdańsk, sector: renovation, monthly_pln: 20000.5}
)";

TEST(Partnership, OrganisationFieldsAndFoundersInAnyOrder) {
  const ScenarioSpec s = parse(kPartnership);
  const OrganisationSpec& caritas = s.organisations.at(1);
  EXPECT_EQ(caritas.shelter_places, 20);
  EXPECT_EQ(caritas.flat_places, 4);
  EXPECT_DOUBLE_EQ(caritas.quality, 0.7);
  EXPECT_EQ(caritas.rent, 150'050);
  EXPECT_EQ(s.organisations[0].shelter_places, 2);
  EXPECT_DOUBLE_EQ(s.organisations[0].quality, 0.5);  // default
  // sips names aqua, listed after it: founders resolve once every organisation is read.
  EXPECT_EQ(s.organisations[2].founders, (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(s.organisations[2].founded_step, 39);
  const OrganisationSpec& aqua = s.organisations[3];
  EXPECT_EQ(aqua.dividend, 7'500'000);
  EXPECT_EQ(aqua.founders, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(s.organisations[4].members, 5);
  EXPECT_TRUE(s.organisations[0].founders.empty());
}

TEST(Partnership, NewCooperativesAreLatentSlotsAfterTheListedOrganisations) {
  const ScenarioSpec s = parse(kPartnership);
  ASSERT_EQ(s.organisations.size(), 12U);  // 7 listed + 5 slots
  EXPECT_EQ(s.municipalities, (std::vector<std::string>{"Sopot", "Gdańsk", "Poznań", "Łódź-Śródmieście"}));
  std::vector<std::string> ids;
  for (std::size_t i = 7; i < s.organisations.size(); ++i) {
    const OrganisationSpec& o = s.organisations[i];
    ids.push_back(o.id);
    EXPECT_TRUE(o.latent) << o.id;
    EXPECT_EQ(o.kind, OrgKind::SocialCooperative) << o.id;
    EXPECT_EQ(o.founded_step, kNotFounded) << o.id;
    EXPECT_EQ(o.closed_step, kOpenEnded) << o.id;
  }
  // Numbered per municipality across items; Polish letters transliterated, others '_'.
  EXPECT_EQ(ids, (std::vector<std::string>{"new_coop_poznan_1", "new_coop_poznan_2", "new_coop_sopot_1",
                                           "new_coop_poznan_3", "new_coop_lodz_srodmiescie_1"}));
  EXPECT_EQ(s.organisations[7].name, "New social cooperative 1 (Poznań)");
  EXPECT_EQ(s.organisations[10].name, "New social cooperative 3 (Poznań)");
  EXPECT_EQ(s.organisations[7].municipality, 2U);
  EXPECT_EQ(s.organisations[9].municipality, 0U);
  EXPECT_EQ(s.sectors[s.organisations[7].sector], "catering");
  EXPECT_EQ(s.organisations[9].sector, 0U);  // default "none"
  for (std::size_t i = 0; i < 7; ++i) EXPECT_FALSE(s.organisations[i].latent);
}

TEST(Partnership, HomelessStatesAndTheirPlacements) {
  const ScenarioSpec s = parse(kPartnership);
  ASSERT_EQ(s.people.size(), 4U);
  EXPECT_EQ(s.people[0].state, PersonState::Street);
  EXPECT_EQ(s.people[1].state, PersonState::Shelter);
  EXPECT_EQ(s.people[1].placement, 1U);
  EXPECT_EQ(s.people[2].state, PersonState::Shelter);
  EXPECT_EQ(s.people[2].placement, 0U);
  EXPECT_EQ(s.people[3].state, PersonState::TrainingFlat);
  EXPECT_EQ(s.people[3].placement, 1U);
  // Shelter beds and flat places are counted apart: 15 + 4 at caritas both fit.
  const std::string full =
      "metadata: {name: t}\nstart: 2012-01\nsteps: 3\n"
      "organisations: [{id: c, name: C, kind: church, municipality: S, shelter_places: 3, flat_places: 2}]\n"
      "people:\n"
      "  - {municipality: S, groups: [homeless], count: 3, state: shelter, placement: c}\n"
      "  - {municipality: S, groups: [homeless], count: 2, state: training_flat, placement: c}\n";
  EXPECT_EQ(parse(full).people_count(), 5);
}

TEST(Partnership, ProgrammeKindsAndTheirFields) {
  const ScenarioSpec s = parse(kPartnership);
  ASSERT_EQ(s.programmes.size(), 7U);
  const FundingProgrammeSpec& grant = s.programmes[0];
  EXPECT_EQ(grant.kind, ProgrammeKind::Grant);  // the default kind
  EXPECT_EQ(grant.awards.at(0).monthly, 10'000);
  EXPECT_EQ(grant.awards.at(0).amount, 10'000);
  EXPECT_EQ(grant.awards.at(0).places, 2);

  const FundingProgrammeSpec& call = s.programmes[1];
  EXPECT_EQ(call.kind, ProgrammeKind::EuCall);
  EXPECT_EQ(call.eligible_kinds, (1U << static_cast<unsigned>(OrgKind::Ngo)) |
                                     (1U << static_cast<unsigned>(OrgKind::SocialCooperative)) |
                                     (1U << static_cast<unsigned>(OrgKind::Church)));
  EXPECT_EQ(call.duration_months, 24);  // default
  EXPECT_EQ(call.start_step, 24);
  EXPECT_EQ(call.end_step, 48);  // default: start + duration_months
  EXPECT_EQ(call.project_value, 50'000'000);
  EXPECT_EQ(call.places_per_project, 10);
  EXPECT_DOUBLE_EQ(call.win_probability, 0.2);
  EXPECT_DOUBLE_EQ(call.partnership_bonus, 0.1);  // default
  ASSERT_TRUE(call.takeover_by.has_value());
  EXPECT_EQ(*call.takeover_by, 0U);
  EXPECT_TRUE(call.awards.empty());

  const FundingProgrammeSpec& startup = s.programmes[2];
  EXPECT_EQ(startup.kind, ProgrammeKind::StartupGrant);
  EXPECT_EQ(startup.per_member, 2'700'000);
  EXPECT_EQ(startup.per_job, 0);
  EXPECT_EQ(startup.keep_months, 24);
  EXPECT_EQ(startup.end_step, 48);

  const FundingProgrammeSpec& capital = s.programmes[3];
  EXPECT_EQ(capital.kind, ProgrammeKind::CapitalGrant);
  EXPECT_EQ(capital.external_source, "state budget");
  EXPECT_EQ(capital.start_step, 39);
  EXPECT_EQ(capital.end_step, 40);  // default: one month
  EXPECT_EQ(capital.awards.at(0).amount, 28'075'600);
  EXPECT_EQ(capital.awards.at(0).monthly, 0);

  const FundingProgrammeSpec& donation = s.programmes[4];
  EXPECT_EQ(donation.kind, ProgrammeKind::Donation);
  EXPECT_EQ(donation.awards.at(0).amount, 8'000'000);

  const FundingProgrammeSpec& premises = s.programmes[5];
  EXPECT_EQ(premises.kind, ProgrammeKind::InKind);
  EXPECT_EQ(premises.budget, 0);  // default
  EXPECT_EQ(premises.end_step, 18);
  EXPECT_EQ(premises.awards.at(0).organisation, 4U);
  EXPECT_EQ(premises.awards.at(0).rent_free_months, 12);

  const FundingProgrammeSpec& mill = s.programmes[6];
  EXPECT_EQ(mill.kind, ProgrammeKind::Investment);
  ASSERT_TRUE(mill.funder.has_value());
  EXPECT_EQ(*mill.funder, 3U);
  EXPECT_EQ(mill.dividend_holiday_months, 36);
  EXPECT_EQ(mill.awards.at(0).organisation, 2U);
  EXPECT_EQ(mill.awards.at(0).amount, 269'924'400);
}

TEST(Partnership, BuyersAndMarketsCollectTheirSectors) {
  const ScenarioSpec s = parse(kPartnership);
  EXPECT_EQ(s.sectors,
            (std::vector<std::string>{"none", "utilities", "renovation", "catering", "parking", "charity_shop"}));
  ASSERT_EQ(s.buyers.size(), 2U);
  const BuyerSpec& city = s.buyers[0];
  EXPECT_EQ(city.organisation, 0U);
  ASSERT_EQ(city.demand.size(), 2U);
  EXPECT_EQ(city.demand[0].sector, 2U);
  EXPECT_EQ(city.demand[0].yearly, 12'000'000);
  EXPECT_EQ(city.demand[1].sector, 4U);
  EXPECT_EQ(city.demand[1].yearly, 6'000'000);
  EXPECT_DOUBLE_EQ(city.social_clause_share, 0.3);
  EXPECT_DOUBLE_EQ(city.reserved_share, 0.1);
  EXPECT_EQ(city.contract_months, 24);
  EXPECT_EQ(city.tender_month, 3);
  const BuyerSpec& aqua = s.buyers[1];
  EXPECT_EQ(aqua.organisation, 3U);
  EXPECT_DOUBLE_EQ(aqua.social_clause_share, 0.0);
  EXPECT_DOUBLE_EQ(aqua.reserved_share, 0.0);
  EXPECT_EQ(aqua.contract_months, 12);
  EXPECT_EQ(aqua.tender_month, 1);
  ASSERT_EQ(s.markets.size(), 2U);
  EXPECT_EQ(s.markets[0].municipality, 0U);
  EXPECT_EQ(s.markets[0].sector, 5U);
  EXPECT_EQ(s.markets[0].monthly, 800'000);
  EXPECT_EQ(s.markets[1].municipality, 1U);
  EXPECT_EQ(s.markets[1].sector, 2U);
  EXPECT_EQ(s.markets[1].monthly, 2'000'050);
}

TEST(Partnership, EventActionsFoundPactsAndProgrammeSwitches) {
  const ScenarioSpec s = parse(kPartnership);
  ASSERT_EQ(s.events.size(), 6U);
  std::vector<EventAction> actions;
  for (const auto& e : s.events) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<EventAction>{EventAction::EndProgramme, EventAction::SignPact, EventAction::SignPact,
                                               EventAction::FoundOrganisation, EventAction::FoundOrganisation,
                                               EventAction::StartProgramme}));
  const EventSpec& stop = s.events[0];
  EXPECT_EQ(stop.step, 6);
  EXPECT_EQ(stop.programme, 0U);
  const EventSpec& pact = s.events[1];
  EXPECT_EQ(pact.step, 8);
  EXPECT_EQ(pact.note, "Pact for social entrepreneurship");
  EXPECT_EQ(pact.signatories, (std::vector<std::uint32_t>{0, 1, 5}));
  EXPECT_DOUBLE_EQ(pact.strength, 0.8);  // default
  EXPECT_EQ(s.events[2].signatories, (std::vector<std::uint32_t>{5, 0}));
  EXPECT_DOUBLE_EQ(s.events[2].strength, 0.6);

  const EventSpec& koop = s.events[3];
  EXPECT_EQ(koop.step, 17);
  EXPECT_EQ(koop.target, 4U);
  EXPECT_EQ(koop.founders, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(koop.amount, 4'000'000);
  EXPECT_FALSE(koop.from_external);
  EXPECT_EQ(koop.source, 0U);
  EXPECT_EQ(koop.rent_free_months, 12);
  EXPECT_EQ(koop.note, "Kooperacja");
  const EventSpec& shop = s.events[4];
  EXPECT_EQ(shop.target, 6U);
  EXPECT_TRUE(shop.from_external);
  EXPECT_EQ(shop.external_source, "households");
  EXPECT_EQ(shop.amount, 50'000);
  EXPECT_TRUE(shop.founders.empty());
  EXPECT_EQ(shop.rent_free_months, 0);

  // Only the event opens them; their founders stay on the event, not the organisation.
  EXPECT_EQ(s.organisations[4].founded_step, kNotFounded);
  EXPECT_TRUE(s.organisations[4].founders.empty());
  EXPECT_EQ(s.organisations[6].founded_step, kNotFounded);  // founded: equal to the event's month
  EXPECT_FALSE(s.organisations[4].latent);

  // start_programme names a programme declared after the events section.
  const EventSpec& start = s.events[5];
  EXPECT_EQ(start.step, 25);
  EXPECT_EQ(start.programme, 1U);
  EXPECT_EQ(s.programmes[start.programme].id, "esf_call");
}

TEST(Partnership, UsesOfAnEventFoundedOrganisationFromItsMonthOnAreFine) {
  // A tie, an award and an event in the founding month itself are accepted.
  const ScenarioSpec s = parse(
      "metadata: {name: t}\nstart: 2012-01\nsteps: 12\n"
      "organisations:\n"
      "  - {id: city, name: City, kind: municipality, municipality: S}\n"
      "  - {id: x, name: X, kind: ngo, municipality: S}\n"
      "ties: [{source: city, target: x, kind: founding, start: 2012-05}]\n"
      "funding_programmes: [{id: g, name: G, funder: city, start: 2012-05, end: 2012-07, budget_pln: 20,\n"
      "                      awards: [{organisation: x, monthly_pln: 10}]}]\n"
      "events:\n"
      "  - {date: 2012-05, action: add_tie, source: x, target: city, kind: partnership}\n"
      "  - {date: 2012-05, action: found_organisation, organisation: x}\n"
      "  - {date: 2012-09, action: close_organisation, organisation: x}\n");
  EXPECT_EQ(s.organisations[1].founded_step, kNotFounded);
  EXPECT_EQ(s.events.at(1).action, EventAction::FoundOrganisation);
  EXPECT_EQ(s.events.at(2).target, 1U);
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
  EXPECT_LT(org(s, "brat_albert").founded_step, 0);
  EXPECT_EQ(org(s, "aqua").social_jobs, 8);
  EXPECT_EQ(org(s, "aqua").dividend, 7'500'000);
  EXPECT_EQ(org(s, "aqua").founders, (std::vector<std::uint32_t>{org_index(s, "city")}));
  EXPECT_EQ(org(s, "sips").kind, OrgKind::SupportCentre);
  EXPECT_EQ(org(s, "sips").founded_step, 39);  // April 2015
  EXPECT_EQ(org(s, "cis_sips").founded_step, 39);
  EXPECT_GT(org(s, "brat_albert").shelter_places, 0);

  // Kooperacja: opened by the event of June 2013, not by a founded date or extra ties.
  EXPECT_EQ(org(s, "kooperacja").founded_step, kNotFounded);
  EXPECT_TRUE(org(s, "kooperacja").founders.empty());
  const auto kooperacja = org_index(s, "kooperacja");
  for (const auto& t : s.ties) EXPECT_TRUE(t.source != kooperacja && t.target != kooperacja);
  const auto found = std::find_if(s.events.begin(), s.events.end(),
                                  [](const EventSpec& e) { return e.action == EventAction::FoundOrganisation; });
  ASSERT_NE(found, s.events.end());
  EXPECT_EQ(found->step, 17);  // June 2013
  EXPECT_EQ(found->target, kooperacja);
  EXPECT_EQ(found->founders,
            (std::vector<std::uint32_t>{org_index(s, "city"), org_index(s, "caritas"), org_index(s, "brat_albert")}));
  EXPECT_EQ(found->amount, 4'000'000);
  EXPECT_EQ(found->source, org_index(s, "city"));
  EXPECT_EQ(found->rent_free_months, 12);

  // The pact of September 2012: the Mayor and five NGOs.
  const auto pact = std::find_if(s.events.begin(), s.events.end(),
                                 [](const EventSpec& e) { return e.action == EventAction::SignPact; });
  ASSERT_NE(pact, s.events.end());
  EXPECT_EQ(pact->step, 8);
  std::vector<std::uint32_t> signatories;
  for (const char* id : {"city", "caritas", "na_drodze_ekspresji", "przyjazny_sopot", "brat_albert", "zadba"}) {
    signatories.push_back(org_index(s, id));
  }
  EXPECT_EQ(pact->signatories, signatories);

  // SIPS: 3,060,000 PLN = AQUA 2,699,244 + state budget 280,756 + Rotary 80,000.
  Grosze to_sips = 0;
  std::vector<ProgrammeKind> kinds;
  for (const auto& p : s.programmes) {
    kinds.push_back(p.kind);
    for (const auto& a : p.awards) {
      if (a.organisation == org_index(s, "sips")) to_sips += a.amount;
    }
  }
  EXPECT_EQ(to_sips, 306'000'000);
  const auto& investment = *std::find_if(s.programmes.begin(), s.programmes.end(), [](const FundingProgrammeSpec& p) {
    return p.kind == ProgrammeKind::Investment;
  });
  EXPECT_EQ(*investment.funder, org_index(s, "aqua"));
  EXPECT_EQ(investment.dividend_holiday_months, 36);
  for (const auto kind :
       {ProgrammeKind::Grant, ProgrammeKind::EuCall, ProgrammeKind::StartupGrant, ProgrammeKind::CapitalGrant,
        ProgrammeKind::Donation, ProgrammeKind::InKind, ProgrammeKind::Investment}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << static_cast<int>(kind);
  }

  EXPECT_FALSE(s.buyers.empty());
  EXPECT_FALSE(s.markets.empty());
  EXPECT_TRUE(
      std::any_of(s.organisations.begin(), s.organisations.end(), [](const OrganisationSpec& o) { return o.latent; }));
  for (const auto state : {PersonState::Street, PersonState::Shelter, PersonState::TrainingFlat}) {
    EXPECT_TRUE(std::any_of(s.people.begin(), s.people.end(), [&](const PeopleSpec& p) { return p.state == state; }));
  }
  EXPECT_DOUBLE_EQ(s.params.get("reintegration.referral_rate"), 0.04);

  // Every event action is exercised, and events are sorted.
  for (std::size_t i = 1; i < s.events.size(); ++i) EXPECT_LE(s.events[i - 1].step, s.events[i].step);
  for (const auto action : {EventAction::AddTie, EventAction::EndTie, EventAction::CloseOrganisation,
                            EventAction::Transfer, EventAction::SetParameter, EventAction::FoundOrganisation,
                            EventAction::SignPact, EventAction::StartProgramme, EventAction::EndProgramme}) {
    EXPECT_TRUE(std::any_of(s.events.begin(), s.events.end(), [&](const EventSpec& e) { return e.action == action; }))
        << static_cast<int>(action);
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
