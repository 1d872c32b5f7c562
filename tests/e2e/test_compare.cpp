// `partnersim compare` end to end: common random numbers, the files it writes and what it
// refuses to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "app/comparison.h"
#include "sim/output/result_file.h"
#include "support/bitwise.h"
#include "support/cli.h"
#include "support/json.h"

namespace partnersim {
namespace {

using testing::CliResult;
using testing::Json;
using testing::parse_json;
using testing::read_text;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;
using testing::write_text;
using testing::write_with_line_inserted;

const std::string kExample = source_path("scenarios/examples/minimal.yaml");

// The example with a different policy: people move on to the open labour market far more
// often (0.5 instead of the default 0.03 a month).
std::string write_policy_copy(const TempDir& dir, const std::string& name) {
  std::string text = read_text(kExample);
  const auto pos = text.find("\n    referral_rate: 0.04");
  EXPECT_NE(pos, std::string::npos) << "the example's parameters section changed";
  text.insert(pos, "\n    open_market_rate: 0.5");
  const std::string path = dir / name;
  write_text(path, text);
  return path;
}

std::vector<double> numbers(const Json& array) {
  std::vector<double> out;
  for (const auto& v : array.items) out.push_back(v.number_or_nan());
  return out;
}

// Every metric of a result file, for computing outcomes from a separate run.
app::RunMetrics metrics_of(const std::string& result) {
  app::RunMetrics run;
  for (const auto& outcome : app::key_outcomes()) {
    for (const auto input : outcome.inputs) run.set(std::string(input), read_metric(result, std::string(input)));
  }
  return run;
}

TEST(Compare, AScenarioAgainstItselfDiffersByExactlyZero) {
  TempDir dir;
  const std::string out = dir / "self";
  const CliResult r = run_cli("compare " + kExample + " " + kExample + " --replicates 3 --quiet -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  // Equal stems: the two results are told apart by -a and -b.
  const Json doc = parse_json(read_text(out + "/compare.json"));
  EXPECT_EQ(doc["scenarios"][0]["result_file"].text, "minimal-a.h5");
  EXPECT_EQ(doc["scenarios"][1]["result_file"].text, "minimal-b.h5");
  EXPECT_TRUE(doc["common_random_numbers"].boolean);

  bool some_noise = false;  // replicates differ, so a zero difference is the streams lining up
  for (const auto& o : doc["outcomes"].items) {
    const auto a = numbers(o["a"]["values"]);
    const auto b = numbers(o["b"]["values"]);
    const auto d = numbers(o["difference"]["values"]);
    ASSERT_EQ(a.size(), 3U) << o["name"].text;
    EXPECT_TRUE(testing::bitwise_equal(a, b)) << o["name"].text;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (std::isnan(a[i])) {
        EXPECT_TRUE(std::isnan(d[i])) << o["name"].text;
      } else {
        EXPECT_EQ(d[i], 0.0) << o["name"].text << " replicate " << i;
      }
    }
    if (o["difference"]["n"].number > 0) {
      EXPECT_EQ(o["difference"]["mean"].number, 0.0) << o["name"].text;
      EXPECT_EQ(o["difference"]["sd"].number_or_nan(), 0.0) << o["name"].text;
    }
    some_noise = some_noise || o["a"]["sd"].number_or_nan() > 0.0;
  }
  EXPECT_TRUE(some_noise);
  // The table names both scenarios and every outcome, even with --quiet.
  EXPECT_NE(r.out.find("A: Sopot Model"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("B - A [95% CI]"), std::string::npos) << r.out;
  for (const auto& o : app::key_outcomes()) EXPECT_NE(r.out.find(o.name), std::string::npos) << o.name;
}

// One comparison of the example against a different policy, shared by the tests below.
class PolicyComparison : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    policy_ = write_policy_copy(*dir_, "more-open-market.yaml");
    single_ = run_cli("run " + kExample + " --seed 5 --replicates 2 --quiet -o " + (*dir_ / "single.h5"));
    compare_ =
        run_cli("compare " + kExample + " " + policy_ + " --seed 5 --replicates 2 --threads 2 -o " + (*dir_ / "cmp"));
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static const Json& outcome(const Json& doc, const std::string& name) {
    for (const auto& o : doc["outcomes"].items) {
      if (o["name"].text == name) return o;
    }
    throw std::runtime_error("no outcome " + name + " in compare.json");
  }

  static std::unique_ptr<TempDir> dir_;
  static std::string policy_;
  static CliResult single_;
  static CliResult compare_;
};

std::unique_ptr<TempDir> PolicyComparison::dir_;
std::string PolicyComparison::policy_;
CliResult PolicyComparison::single_;
CliResult PolicyComparison::compare_;

TEST_F(PolicyComparison, PerReplicateValuesAreThoseOfASeparateRunWithTheSameSeed) {
  ASSERT_EQ(single_.code, 0) << single_.err;
  ASSERT_EQ(compare_.code, 0) << compare_.err;
  const Json doc = parse_json(read_text(*dir_ / "cmp/compare.json"));
  EXPECT_EQ(doc["seed"].number, 5.0);
  EXPECT_EQ(doc["replicates"].number, 2.0);
  EXPECT_EQ(doc["scenarios"][0]["result_file"].text, "minimal.h5");
  EXPECT_EQ(doc["scenarios"][1]["result_file"].text, "more-open-market.h5");
  EXPECT_EQ(doc["scenarios"][1]["scenario_file"].text, policy_);
  EXPECT_EQ(doc["scenarios"][0]["start"].text, "2012-01");
  EXPECT_EQ(doc["scenarios"][0]["steps"].number, 48.0);
  // B's own seed (2012) gave way to the common one, and the user is told.
  EXPECT_NE(compare_.err.find("seed 2012"), std::string::npos) << compare_.err;

  const app::RunMetrics single = metrics_of(*dir_ / "single.h5");
  for (const auto& o : app::key_outcomes()) {
    const auto expected = app::outcome_values(o, single);
    EXPECT_TRUE(testing::bitwise_equal(numbers(outcome(doc, std::string(o.name))["a"]["values"]), expected)) << o.name;
  }
  // One outcome by hand, straight from the file.
  const auto social = read_metric(*dir_ / "single.h5", "people_employed_social");
  const auto open = read_metric(*dir_ / "single.h5", "people_employed_open");
  const auto total = read_metric(*dir_ / "single.h5", "people_total");
  const auto share = numbers(outcome(doc, "reintegrated_share_end")["a"]["values"]);
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_DOUBLE_EQ(share.at(r), (social[r].back() + open[r].back()) / total[r].back());
  }
  // The result file of A is the separate run, metric for metric.
  for (const char* metric : {"people_in_programme", "job_entries", "cash_total_pln"}) {
    EXPECT_TRUE(
        testing::bitwise_equal(read_metric(*dir_ / "cmp/minimal.h5", metric), read_metric(*dir_ / "single.h5", metric)))
        << metric;
  }
}

TEST_F(PolicyComparison, ADifferentPolicyShowsAsADifference) {
  ASSERT_EQ(compare_.code, 0) << compare_.err;
  const Json doc = parse_json(read_text(*dir_ / "cmp/compare.json"));
  const Json& exits = outcome(doc, "exits_to_open_market_total");
  EXPECT_GT(exits["difference"]["mean"].number, 0.0);  // 0.5 a month instead of 0.03
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_DOUBLE_EQ(exits["difference"]["values"][r].number,
                     exits["b"]["values"][r].number - exits["a"]["values"][r].number);
  }
  // summary.csv carries the same means as compare.json.
  const std::string csv = read_text(*dir_ / "cmp/summary.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "outcome,label,unit,a_mean,a_ci_low,a_ci_high,b_mean,b_ci_low,b_ci_high,difference_mean,"
            "difference_ci_low,difference_ci_high");
  const auto row = csv.find("\nexits_to_open_market_total,");
  ASSERT_NE(row, std::string::npos) << csv;
  std::vector<std::string> cells;
  std::string line = csv.substr(row + 1, csv.find('\n', row + 1) - row - 1);
  for (std::size_t start = 0;;) {
    const auto comma = line.find(',', start);
    cells.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ASSERT_EQ(cells.size(), 12U) << line;
  EXPECT_EQ(std::stod(cells[9]), exits["difference"]["mean"].number);
  EXPECT_EQ(std::stod(cells[3]), exits["a"]["mean"].number);
}

TEST(Compare, OneReplicateHasNoIntervals) {
  TempDir dir;
  const CliResult r = run_cli("compare " + kExample + " " + kExample + " --replicates 1 --quiet -o " + (dir / "one"));
  ASSERT_EQ(r.code, 0) << r.err;
  const Json doc = parse_json(read_text(dir / "one/compare.json"));
  const Json& o = doc["outcomes"][0];
  EXPECT_EQ(o["a"]["n"].number, 1.0);
  EXPECT_TRUE(o["a"]["ci_low"].is_null());
  EXPECT_TRUE(o["a"]["sd"].is_null());
  EXPECT_NE(r.out.find("[n/a]"), std::string::npos) << r.out;
}

TEST(Compare, ExistingOutputIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string policy = write_policy_copy(dir, "policy.yaml");
  const std::string out = dir / "cmp";
  std::filesystem::create_directories(out);
  write_text(out + "/policy.h5", "an earlier result");

  const CliResult r = run_cli("compare " + kExample + " " + policy + " --replicates 2 --quiet -o " + out);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(out + "/policy.h5 exists"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out + "/policy.h5"), "an earlier result");
  // Refused before anything ran: the folder holds only what was there.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out), std::filesystem::directory_iterator()), 1);

  const CliResult forced = run_cli("compare " + kExample + " " + policy + " --replicates 2 --quiet --force -o " + out);
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(read_result_info(out + "/policy.h5").replicates, 2);
  EXPECT_EQ(parse_json(read_text(out + "/compare.json"))["replicates"].number, 2.0);
}

TEST(Compare, BadScenarioIsAnInputErrorAndWritesNothing) {
  TempDir dir;
  const std::string bad = dir / "bad.yaml";
  const int line = write_with_line_inserted(kExample, "replicates", "replicate: 3", bad);
  ASSERT_GT(line, 0);

  const std::string out = dir / "cmp";
  const CliResult r = run_cli("compare " + kExample + " " + bad + " --quiet -o " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(bad + ":" + std::to_string(line) + ":"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));  // not even the folder

  // An override that makes both invalid reports both files.
  const CliResult both = run_cli("compare " + kExample + " " + kExample + " --steps 2 --quiet -o " + out);
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(std::count(both.err.begin(), both.err.end(), '\n'), 2) << both.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace partnersim
