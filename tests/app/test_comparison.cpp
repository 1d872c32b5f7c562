// The comparison library: key outcomes from monthly metrics, statistics over replicates,
// and the compare.json / summary.csv text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "app/comparison.h"
#include "sim/registry.h"
#include "support/json.h"

namespace partnersim::app {
namespace {

using testing::parse_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const KeyOutcome& outcome(const std::string& name) {
  for (const auto& o : key_outcomes()) {
    if (o.name == name) return o;
  }
  throw std::logic_error("no outcome " + name);
}

// t quantiles with a closed form: df = 1 is the Cauchy distribution, tan(pi (p - 1/2));
// df = 2 has t = (2p - 1) / sqrt(2 p (1 - p)).
const double kT975Df1 = std::tan(std::numbers::pi * 0.475);
const double kT975Df2 = (2 * 0.975 - 1) / std::sqrt(2 * 0.975 * 0.025);

TEST(Statistics, StudentTIntervalOfTwoValues) {
  const Summary s = summarise({0.0, 2.0});
  EXPECT_EQ(s.n, 2);
  EXPECT_DOUBLE_EQ(s.mean, 1.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(2.0));
  // half width = t(0.975, 1) * sqrt(2) / sqrt(2)
  EXPECT_NEAR(s.ci_low, 1.0 - kT975Df1, 1e-10);
  EXPECT_NEAR(s.ci_high, 1.0 + kT975Df1, 1e-10);
}

TEST(Statistics, StudentTIntervalOfThreeValues) {
  const Summary s = summarise({1.0, 2.0, 6.0});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 3.0);
  // squares 4 + 1 + 9 = 14 over 2 degrees of freedom
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(7.0));
  const double half = kT975Df2 * std::sqrt(7.0) / std::sqrt(3.0);
  EXPECT_NEAR(s.ci_low, 3.0 - half, 1e-10);
  EXPECT_NEAR(s.ci_high, 3.0 + half, 1e-10);
  EXPECT_NEAR(kT975Df2, 4.302652729749464, 1e-12);  // the tabulated value, as a check on the formula
}

TEST(Statistics, SkipsNaNAndCountsWhatItUsed) {
  const Summary s = summarise({1.0, kNaN, 3.0});
  EXPECT_EQ(s.n, 2);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_NEAR(s.ci_high - s.mean, kT975Df1, 1e-10);  // sd sqrt(2), n 2
  ASSERT_EQ(s.values.size(), 3U);                    // every replicate is kept, NaN included
  EXPECT_TRUE(std::isnan(s.values[1]));
}

TEST(Statistics, OneValueHasNoInterval) {
  const Summary s = summarise({5.0});
  EXPECT_EQ(s.n, 1);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_TRUE(std::isnan(s.sd));
  EXPECT_TRUE(std::isnan(s.ci_low));
  EXPECT_TRUE(std::isnan(s.ci_high));
  const Summary none = summarise({kNaN, kNaN});
  EXPECT_EQ(none.n, 0);
  EXPECT_TRUE(std::isnan(none.mean));
}

TEST(Statistics, IdenticalValuesHaveAZeroWidthInterval) {
  const Summary s = summarise({4.0, 4.0, 4.0, 4.0});
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_EQ(s.ci_low, 4.0);
  EXPECT_EQ(s.ci_high, 4.0);
}

TEST(Statistics, PairedDifferencesAreBMinusAPerReplicate) {
  const auto d = paired_differences({1.0, 2.0, kNaN}, {3.0, 1.0, 4.0});
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d[0], 2.0);
  EXPECT_EQ(d[1], -1.0);
  EXPECT_TRUE(std::isnan(d[2]));
  EXPECT_THROW(paired_differences({1.0}, {1.0, 2.0}), ComparisonError);
}

// Two replicates of three months, with only the metrics the outcomes read.
RunMetrics small_run() {
  RunMetrics run;
  run.set("people_total", {{100, 100, 100}, {50, 50, 50}});
  run.set("people_employed_social", {{1, 2, 3}, {0, 0, 0}});
  run.set("people_employed_open", {{0, 1, 2}, {0, 0, 0}});
  run.set("job_entries", {{1, 1, 2}, {0, 0, 0}});
  run.set("public_spending_cumulative_pln", {{10, 20, 400}, {5, 10, 15}});
  run.set("still_employed_12m_share", {{kNaN, 0.5, 1.0}, {kNaN, kNaN, kNaN}});
  return run;
}

TEST(KeyOutcomes, ComputedFromTheMonthlyMetricsOfEachReplicate) {
  const RunMetrics run = small_run();
  const auto share = outcome_values(outcome("reintegrated_share_end"), run);
  ASSERT_EQ(share.size(), 2U);
  EXPECT_DOUBLE_EQ(share[0], (3.0 + 2.0) / 100.0);  // the last month only
  EXPECT_EQ(share[1], 0.0);

  const auto entries = outcome_values(outcome("job_entries_total"), run);
  EXPECT_EQ(entries[0], 4.0);  // summed over months
  EXPECT_EQ(entries[1], 0.0);

  const auto cost = outcome_values(outcome("public_cost_per_job_entry_pln"), run);
  EXPECT_DOUBLE_EQ(cost[0], 100.0);
  EXPECT_TRUE(std::isnan(cost[1]));  // no job entry: undefined, not infinite

  const auto retained = outcome_values(outcome("still_employed_12m_share_mean"), run);
  EXPECT_DOUBLE_EQ(retained[0], 0.75);  // mean over the months where it is defined
  EXPECT_TRUE(std::isnan(retained[1]));
}

TEST(KeyOutcomes, EveryInputIsAMetricTheModelWrites) {
  EXPECT_NO_THROW(check_outcome_inputs(ModuleRegistry::instance().all_metrics()));
  std::vector<MetricSpec> without = ModuleRegistry::instance().all_metrics();
  std::erase_if(without, [](const MetricSpec& m) { return m.name == "job_entries"; });
  try {
    check_outcome_inputs(without);
    FAIL() << "a missing metric was accepted";
  } catch (const ComparisonError& e) {
    EXPECT_NE(std::string(e.what()).find("\"job_entries\""), std::string::npos) << e.what();
  }
}

TEST(KeyOutcomes, NamesAreUniqueAndDocumented) {
  std::set<std::string_view> names;
  for (const auto& o : key_outcomes()) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_FALSE(o.label.empty() || o.unit.empty() || o.description.empty() || o.inputs.empty()) << o.name;
  }
}

TEST(KeyOutcomes, AMissingMetricInARunIsAnError) {
  RunMetrics run;
  run.set("people_total", {{1.0}});
  EXPECT_THROW((void)outcome_values(outcome("reintegrated_share_end"), run), ComparisonError);
}

TEST(Formats, JsonStringsAreEscaped) {
  EXPECT_EQ(json_string("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  EXPECT_EQ(json_string("Poznań"), "\"Poznań\"");  // UTF-8 passes through
  EXPECT_EQ(json_number(kNaN), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::strtod(json_number(third).c_str(), nullptr), third);  // full precision
}

ComparisonProvenance provenance() {
  ComparisonProvenance p{"0.0.0", "partnersim compare \"x y.yaml\" b.yaml", "2026-01-01T00:00:00Z", 7, 2, {}};
  p.scenarios.push_back({"a", "Name with \"quotes\"", "x y.yaml", "x y.h5", "2012-01", 3});
  p.scenarios.push_back({"b", "B", "b.yaml", "b.h5", "2012-01", 3});
  return p;
}

TEST(Formats, CompareJsonHasTheDocumentedShape) {
  const RunMetrics a = small_run();
  RunMetrics b = small_run();
  b.set("job_entries", {{2, 2, 2}, {1, 0, 0}});
  // Only the outcomes these few metrics support: compare_runs needs them all.
  std::vector<OutcomeComparison> outcomes;
  for (const char* name : {"job_entries_total", "public_cost_per_job_entry_pln"}) {
    const auto va = outcome_values(outcome(name), a);
    const auto vb = outcome_values(outcome(name), b);
    outcomes.push_back({&outcome(name), summarise(va), summarise(vb), summarise(paired_differences(va, vb))});
  }
  const auto doc = parse_json(compare_json(provenance(), outcomes));
  EXPECT_EQ(doc.keys,
            (std::vector<std::string>{"format", "format_version", "partnersim_version", "command", "created", "seed",
                                      "replicates", "common_random_numbers", "scenarios", "outcomes"}));
  EXPECT_EQ(doc["format"].text, "partnersim-compare");
  EXPECT_EQ(doc["format_version"].number, 1.0);
  EXPECT_EQ(doc["command"].text, "partnersim compare \"x y.yaml\" b.yaml");
  EXPECT_EQ(doc["seed"].number, 7.0);
  EXPECT_TRUE(doc["common_random_numbers"].boolean);
  ASSERT_EQ(doc["scenarios"].items.size(), 2U);
  EXPECT_EQ(doc["scenarios"][0].keys,
            (std::vector<std::string>{"key", "name", "scenario_file", "result_file", "start", "steps"}));
  EXPECT_EQ(doc["scenarios"][0]["name"].text, "Name with \"quotes\"");
  EXPECT_EQ(doc["scenarios"][1]["key"].text, "b");

  const auto& entries = doc["outcomes"][0];
  EXPECT_EQ(entries.keys, (std::vector<std::string>{"name", "label", "unit", "description", "a", "b", "difference"}));
  EXPECT_EQ(entries["difference"].keys, (std::vector<std::string>{"mean", "sd", "ci_low", "ci_high", "n", "values"}));
  EXPECT_EQ(entries["a"]["values"][0].number, 4.0);
  EXPECT_EQ(entries["b"]["values"][1].number, 1.0);
  EXPECT_EQ(entries["difference"]["mean"].number, 1.5);  // (6 - 4 + 1 - 0) / 2

  const auto& cost = doc["outcomes"][1];
  EXPECT_TRUE(cost["a"]["values"][1].is_null());  // NaN is written as null
  EXPECT_EQ(cost["a"]["n"].number, 1.0);
  EXPECT_TRUE(cost["a"]["ci_low"].is_null());
}

TEST(Formats, SummaryCsvLeavesNaNCellsEmptyAndQuotesText) {
  const RunMetrics run = small_run();
  const auto v = outcome_values(outcome("public_cost_per_job_entry_pln"), run);
  OutcomeComparison c{&outcome("public_cost_per_job_entry_pln"), summarise(v), summarise(v),
                      summarise(paired_differences(v, v))};
  const std::string csv = summary_csv({c});
  const std::string header =
      "outcome,label,unit,a_mean,a_ci_low,a_ci_high,b_mean,b_ci_low,b_ci_high,difference_mean,difference_ci_low,"
      "difference_ci_high\n";
  ASSERT_EQ(csv.substr(0, header.size()), header);
  // One value per side: a mean, no interval.
  EXPECT_EQ(csv.substr(header.size()),
            "public_cost_per_job_entry_pln,Public spending per job entry,PLN/person,100,,,100,,,0,,\n");
}

TEST(Formats, TableMarksMissingIntervals) {
  const RunMetrics run = small_run();
  const auto v = outcome_values(outcome("public_cost_per_job_entry_pln"), run);
  OutcomeComparison c{&outcome("public_cost_per_job_entry_pln"), summarise(v), summarise(v),
                      summarise(paired_differences(v, v))};
  const std::string table = comparison_table(provenance(), {c});
  EXPECT_NE(table.find("A: Name with \"quotes\""), std::string::npos) << table;
  EXPECT_NE(table.find("100 [n/a] (n=1)"), std::string::npos) << table;
}

}  // namespace
}  // namespace partnersim::app
