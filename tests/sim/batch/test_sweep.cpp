// Sweep files and the designs they expand to: sizes, bounds, stratification, trajectory
// structure, seeds, run order, and errors that point at the line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "sim/batch/sweep.h"
#include "support/cli.h"

namespace partnersim {
namespace {

using testing::source_path;

const std::string kHeader = "scenario: " + source_path("scenarios/sopot.yaml") + "\nseed: 11\n";

SweepSpec sweep(const std::string& body) { return parse_sweep(kHeader + body, "sweep.yaml"); }

// Expects parse_sweep to fail at `line` (1-based, counted in the text after the header),
// with the message mentioning `needle`.
void expect_error(const std::string& body, int line, const std::string& key, const std::string& needle) {
  try {
    static_cast<void>(sweep(body));
    ADD_FAILURE() << "no error for:\n" << body;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), "sweep.yaml");
    EXPECT_EQ(e.line(), line + 2) << e.what();
    EXPECT_EQ(e.key_path(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(SweepDesign, GridIsTheCartesianProductWithTheLastParameterFastest) {
  const SweepSpec s = sweep(R"(design: grid
replicates: 3
parameters:
  reintegration.referral_rate: {values: [0.01, 0.02, 0.03]}
  cooperatives.failure_hazard: {min: 0.0, max: 0.1, levels: 5, unit: 1/month}
  procurement.consortia_enabled: {values: [false, true]}
)");
  const auto points = design_points(s);
  ASSERT_EQ(points.size(), 3U * 5U * 2U);
  std::set<std::vector<double>> distinct;
  for (const auto& p : points) distinct.insert(p.values);
  EXPECT_EQ(distinct.size(), points.size());
  EXPECT_EQ(points[0].values, (std::vector<double>{0.01, 0.0, 0.0}));
  EXPECT_EQ(points[1].values, (std::vector<double>{0.01, 0.0, 1.0}));
  EXPECT_EQ(points[2].values, (std::vector<double>{0.01, 0.025, 0.0}));
  EXPECT_EQ(points.back().values, (std::vector<double>{0.03, 0.1, 1.0}));
  EXPECT_EQ(sweep_runs(s, points.size()).size(), points.size() * 3);
}

TEST(SweepDesign, ListTakesTheIthValueOfEveryParameter) {
  const SweepSpec s = sweep(R"(design: list
parameters:
  reintegration.programme_min_months: {values: [3, 6]}
  reintegration.programme_max_months: {values: [9, 12]}
)");
  const auto points = design_points(s);
  ASSERT_EQ(points.size(), 2U);
  EXPECT_EQ(points[1].values, (std::vector<double>{6, 12}));
  EXPECT_EQ(point_overrides(s, points[1]), (std::vector<std::string>{"reintegration.programme_min_months=6",
                                                                     "reintegration.programme_max_months=12"}));
}

TEST(SweepDesign, LatinHypercubeHasOnePointInEveryStratumOfEveryParameter) {
  const std::string body = R"(design: latin_hypercube
points: 37
parameters:
  reintegration.referral_rate: {min: 0.02, max: 0.2, unit: 1/month}
  cooperatives.failure_hazard: {min: 0.001, max: 0.05, unit: 1/month}
  procurement.noise_sd: {min: 0, max: 2, unit: score}
)";
  const SweepSpec s = sweep(body);
  const auto points = design_points(s);
  ASSERT_EQ(points.size(), 37U);
  for (std::size_t j = 0; j < s.parameters.size(); ++j) {
    const auto& p = s.parameters[j];
    std::vector<int> hits(37, 0);
    for (const auto& point : points) {
      const double x = point.values[j];
      ASSERT_GE(x, p.min);
      ASSERT_LE(x, p.max);
      const auto stratum = static_cast<std::size_t>(std::floor((x - p.min) / (p.max - p.min) * 37));
      ++hits.at(std::min<std::size_t>(stratum, 36));
    }
    EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; })) << p.name;
  }
  // Deterministic in the sweep seed, and different for another seed.
  const auto again = design_points(sweep(body));
  EXPECT_EQ(again[5].values, points[5].values);
  SweepSpec other = s;
  other.seed = 12;
  EXPECT_NE(design_points(other)[5].values, points[5].values);
}

TEST(SweepDesign, SobolPointsOfAPowerOfTwoStratifyEveryParameter) {
  const SweepSpec s = sweep(R"(design: sobol
points: 64
parameters:
  reintegration.referral_rate: {min: 0, max: 1, unit: 1/month}
  reintegration.completion_rate: {min: 0, max: 1, unit: 1/month}
  reintegration.dropout_rate: {min: 0, max: 1, unit: 1/month}
  reintegration.placement_probability: {min: 0, max: 1, unit: share}
)");
  const auto points = design_points(s);
  ASSERT_EQ(points.size(), 64U);
  for (std::size_t j = 0; j < 4; ++j) {
    std::set<int> strata;
    for (const auto& p : points) strata.insert(static_cast<int>(std::floor(p.values[j] * 64)));
    EXPECT_EQ(strata.size(), 64U) << "parameter " << j;
  }
  // Two-dimensional stratification of a (t, m, s)-net: every 8x8 cell of the first two
  // parameters holds exactly one point.
  std::set<int> cells;
  for (const auto& p : points) {
    cells.insert(static_cast<int>(std::floor(p.values[0] * 8)) * 8 + static_cast<int>(std::floor(p.values[1] * 8)));
  }
  EXPECT_EQ(cells.size(), 64U);
}

TEST(SweepDesign, SaltelliBlocksShareAllButOneColumn) {
  const SweepSpec s = sweep(R"(design: saltelli
points: 8
parameters:
  reintegration.referral_rate: {min: 0.01, max: 0.1, unit: 1/month}
  reintegration.completion_rate: {min: 0.1, max: 0.5, unit: 1/month}
  reintegration.programme_min_months: {min: 1, max: 6, unit: months}
)");
  const auto points = design_points(s);
  const std::size_t k = 3;
  ASSERT_EQ(points.size(), 8 * (k + 2));
  for (std::size_t base = 0; base < 8; ++base) {
    const auto& a = points[base * (k + 2)];
    const auto& b = points[base * (k + 2) + 1];
    EXPECT_EQ(a.position, 0);
    EXPECT_EQ(b.position, 1);
    for (std::size_t i = 0; i < k; ++i) {
      const auto& ab = points[base * (k + 2) + 2 + i];
      EXPECT_EQ(ab.factor, static_cast<int>(i));
      EXPECT_EQ(ab.group, static_cast<int>(base));
      for (std::size_t j = 0; j < k; ++j) EXPECT_EQ(ab.values[j], j == i ? b.values[j] : a.values[j]);
    }
    EXPECT_EQ(a.values[2], std::round(a.values[2]));  // an integer parameter stays integral
  }
}

TEST(SweepDesign, MorrisTrajectoriesMoveEachParameterOnceByDelta) {
  const SweepSpec s = sweep(R"(design: morris
trajectories: 6
levels: 4
parameters:
  reintegration.referral_rate: {min: 0.0, max: 0.3, unit: 1/month}
  reintegration.completion_rate: {min: 0.1, max: 0.7, unit: 1/month}
  cooperatives.failure_hazard: {min: 0.0, max: 0.03, unit: 1/month}
  procurement.noise_sd: {min: 0.0, max: 1.5, unit: score}
)");
  const auto points = design_points(s);
  const std::size_t k = 4;
  ASSERT_EQ(points.size(), 6 * (k + 1));
  const double delta = 4.0 / (2.0 * 3.0);  // p / (2 (p - 1)) of the range
  for (std::size_t t = 0; t < 6; ++t) {
    std::set<int> moved;
    for (std::size_t step = 1; step <= k; ++step) {
      const auto& prev = points[t * (k + 1) + step - 1];
      const auto& cur = points[t * (k + 1) + step];
      EXPECT_EQ(cur.group, static_cast<int>(t));
      EXPECT_EQ(cur.position, static_cast<int>(step));
      ASSERT_GE(cur.factor, 0);
      moved.insert(cur.factor);
      for (std::size_t j = 0; j < k; ++j) {
        const auto& p = s.parameters[j];
        if (static_cast<int>(j) == cur.factor) {
          EXPECT_NEAR(std::abs(cur.values[j] - prev.values[j]), delta * (p.max - p.min), 1e-12);
        } else {
          EXPECT_EQ(cur.values[j], prev.values[j]);
        }
        // On the grid of levels.
        const double level = (cur.values[j] - p.min) / (p.max - p.min) * 3;
        EXPECT_NEAR(level, std::round(level), 1e-9);
      }
    }
    EXPECT_EQ(moved.size(), k);
  }
}

TEST(SweepSeeds, CommonRandomNumbersShareStreamsAcrossPointsOnly) {
  const std::string body = R"(design: grid
replicates: 4
parameters:
  reintegration.referral_rate: {values: [0.01, 0.02, 0.03]}
)";
  const SweepSpec crn = sweep(body);
  const auto runs = sweep_runs(crn, 3);
  std::set<std::uint64_t> seeds;
  for (const auto& r : runs) {
    EXPECT_EQ(r.seed, runs[r.replicate].seed) << "run " << r.id;  // same replicate, same seed
    EXPECT_EQ(r.id, std::uint64_t{r.point} * 4 + r.replicate);
    seeds.insert(r.seed);
  }
  EXPECT_EQ(seeds.size(), 4U);

  const SweepSpec independent = sweep(body + "common_random_numbers: false\n");
  seeds.clear();
  for (const auto& r : sweep_runs(independent, 3)) seeds.insert(r.seed);
  EXPECT_EQ(seeds.size(), 12U);

  SweepSpec reseeded = crn;
  reseeded.seed = 12;
  EXPECT_NE(sweep_runs(reseeded, 3)[0].seed, runs[0].seed);
}

TEST(SweepOrder, VanDerCorputPrefixesCoverTheRangeEvenly) {
  const auto order = van_der_corput_order(16);
  ASSERT_EQ(order.size(), 16U);
  for (std::uint32_t prefix = 1; prefix <= 16; prefix *= 2) {
    std::set<std::uint32_t> blocks;
    for (std::uint32_t i = 0; i < prefix; ++i) blocks.insert(order[i] / (16 / prefix));
    EXPECT_EQ(blocks.size(), prefix);  // one point in each of `prefix` equal blocks
  }
  const auto odd = van_der_corput_order(11);
  EXPECT_EQ(std::set<std::uint32_t>(odd.begin(), odd.end()).size(), 11U);
  EXPECT_EQ(*std::max_element(odd.begin(), odd.end()), 10U);
}

TEST(SweepOrder, RunOrderIsAPermutationReplicateByReplicateKeepingTrajectoriesTogether) {
  const SweepSpec s = sweep(R"(design: morris
trajectories: 5
levels: 4
replicates: 2
parameters:
  reintegration.referral_rate: {min: 0.0, max: 0.3, unit: 1/month}
  reintegration.completion_rate: {min: 0.1, max: 0.7, unit: 1/month}
)");
  const auto points = design_points(s);
  const auto order = run_order(s, points);
  ASSERT_EQ(order.size(), points.size() * 2);
  EXPECT_EQ(std::set<std::uint64_t>(order.begin(), order.end()).size(), order.size());
  const auto runs = sweep_runs(s, points.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(runs[order[i]].replicate, i < points.size() ? 0U : 1U);
    if (i % 3 != 0) {
      EXPECT_EQ(runs[order[i]].point, runs[order[i - 1]].point + 1);  // a trajectory in a row
    }
  }
}

TEST(SweepFile, FingerprintFollowsTheSweepAndSteps) {
  const std::string body = "design: grid\nparameters:\n  reintegration.referral_rate: {values: [0.01]}\n";
  const SweepSpec s = sweep(body);
  EXPECT_EQ(sweep_fingerprint(s), sweep_fingerprint(sweep(body)));
  EXPECT_NE(sweep_fingerprint(s), sweep_fingerprint(sweep(body + "replicates: 2\n")));
  SweepSpec longer = s;
  longer.steps = 120;
  EXPECT_NE(sweep_fingerprint(s), sweep_fingerprint(longer));
  SweepSpec other_base = s;
  other_base.scenario_text += "\n";
  EXPECT_NE(sweep_fingerprint(s), sweep_fingerprint(other_base));
}

TEST(SweepFile, ErrorsNameTheLineKeyAndWhatWasExpected) {
  const std::string p = "parameters:\n";
  expect_error("design: grid\n" + p + "  reintegration.referal_rate: {values: [0.1]}\n", 3,
               "parameters.reintegration.referal_rate", "did you mean \"reintegration.referral_rate\"");
  expect_error("design: latin_hypercube\npoints: 4\n" + p +
                   "  reintegration.referral_rate: {min: 0.1, max: 0.2, unit: months}\n",
               4, "parameters.reintegration.referral_rate.unit", "is \"1/month\", not \"months\"");
  expect_error("design: latin_hypercube\npoints: 4\n" + p + "  reintegration.referral_rate: {min: 0.1, max: 0.2}\n", 4,
               "parameters.reintegration.referral_rate", "must state its unit: unit: 1/month");
  expect_error("design: grid\n" + p + "  reintegration.referral_rate: {values: [0.1, 1.5]}\n", 3,
               "parameters.reintegration.referral_rate.values[1]", "reintegration.referral_rate");
  expect_error("design: latin_hypercube\npoints: 4\n" + p + "  reintegration.referral_rate: {values: [0.1]}\n", 4,
               "parameters.reintegration.referral_rate.values", "give min and max");
  expect_error("design: grid\n" + p + "  reintegration.referral_rate: {min: 0.1, max: 0.2, unit: 1/month}\n", 3,
               "parameters.reintegration.referral_rate", "needs levels");
  expect_error("design: list\n" + p +
                   "  reintegration.referral_rate: {values: [0.1, 0.2]}\n"
                   "  reintegration.dropout_rate: {values: [0.1]}\n",
               4, "parameters.reintegration.dropout_rate", "same length");
  expect_error("design: morris\ntrajectories: 2\nlevels: 5\n" + p +
                   "  reintegration.referral_rate: {min: 0.1, max: 0.2, unit: 1/month}\n",
               3, "levels", "even number");
  expect_error("design: latin_hypercub\n" + p, 1, "design", "did you mean \"latin_hypercube\"");
  expect_error("design: sobol\n" + p + "  reintegration.referral_rate: {min: 0.1, max: 0.2, unit: 1/month}\n", -1,
               "points", "missing");
  expect_error("design: grid\nlevels: 4\n" + p, 2, "levels", "does not apply to design grid");
  expect_error("design: grid\nmetrics: [people_employed, people_excluded]\n" + p +
                   "  reintegration.referral_rate: {values: [0.1]}\n",
               2, "metrics[0]", "unknown metric");
  expect_error("design: grid\nreplicate: 2\n" + p, 2, "replicate", "did you mean \"replicates\"");
  expect_error("design: grid\n" + p + "  reintegration.referral_rate: {min: 0.2, max: 0.1, levels: 3, unit: 1/month}\n",
               3, "parameters.reintegration.referral_rate.max", "must be above min");
}

TEST(SweepFile, ABrokenBaseScenarioIsReportedAtItsOwnLine) {
  testing::TempDir dir;
  testing::write_text(dir / "base.yaml", "metadata: {name: X}\nstart: 2012-01\nsteps: nine\n");
  testing::write_text(dir / "s.yaml",
                      "scenario: base.yaml\nseed: 1\ndesign: grid\nparameters:\n"
                      "  reintegration.referral_rate: {values: [0.1]}\n");
  try {
    static_cast<void>(load_sweep(dir / "s.yaml"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.file(), dir / "base.yaml") << e.what();
    EXPECT_EQ(e.line(), 3) << e.what();
  }
  testing::write_text(dir / "t.yaml", "scenario: missing.yaml\nseed: 1\ndesign: grid\nparameters: {}\n");
  try {
    static_cast<void>(load_sweep(dir / "t.yaml"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.line(), 1) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot read the base scenario"), std::string::npos) << e.what();
  }
}

TEST(SweepFile, ABaseScenarioThatIsNotARegularFileIsRefusedWithoutReadingIt) {
  // Reading /dev/zero as the base scenario used to grow memory until the process died.
  testing::TempDir dir;
  for (const std::string& base : {std::string("/dev/zero"), dir.path().string()}) {
    SCOPED_TRACE(base);
    try {
      static_cast<void>(parse_sweep("scenario: " + base +
                                        "\nseed: 1\ndesign: grid\nparameters:\n"
                                        "  reintegration.referral_rate: {values: [0.1]}\n",
                                    "sweep.yaml"));
      ADD_FAILURE() << "no error";
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.line(), 1) << e.what();
      EXPECT_EQ(e.key_path(), "scenario") << e.what();
      EXPECT_NE(std::string(e.what()).find("is not a regular file"), std::string::npos) << e.what();
    }
  }
}

TEST(SweepFile, ASecondDocumentAnAliasBombOrDeepNestingIsRefused) {
  const std::string p = "parameters:\n  reintegration.referral_rate: {values: [0.1]}\n";
  // yaml-cpp's Load would read the first document and silently drop the rest.
  expect_error("design: grid\n" + p + "---\ndesign: list\n", 5, "", "expected one YAML document");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [";
    for (int i = 0; i < 10; ++i) bomb += (i > 0 ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  try {
    static_cast<void>(sweep(bomb + "design: grid\n" + p));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("alias bomb"), std::string::npos) << e.what();
  }
  expect_error("design: grid\nmetrics: " + std::string(100, '[') + std::string(100, ']') + "\n" + p, 2, "",
               "nests deeper than 64");
}

TEST(SweepFile, ASweepWhoseRunsDoNotFitInMemoryIsRefusedWithTheEstimate) {
  // 100,000 points x 10 replicates: about 35 MiB of points and runs, above a 1 MiB limit.
  ::setenv("PARTNERSIM_MEMORY_LIMIT", "1048576", 1);  // NOLINT(concurrency-mt-unsafe): one thread here
  try {
    static_cast<void>(
        sweep("design: latin_hypercube\npoints: 100000\nreplicates: 10\nparameters:\n"
              "  reintegration.referral_rate: {min: 0.01, max: 0.1, unit: 1/month}\n"));
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("100000 points x 10 replicates; listing its runs would need about 35 MiB"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("allows 1 MiB"), std::string::npos) << e.what();
  }
  ::unsetenv("PARTNERSIM_MEMORY_LIMIT");  // NOLINT(concurrency-mt-unsafe)
  EXPECT_EQ(design_points(sweep("design: latin_hypercube\npoints: 1000\nreplicates: 10\nparameters:\n"
                                "  reintegration.referral_rate: {min: 0.01, max: 0.1, unit: 1/month}\n"))
                .size(),
            1000U);
}

}  // namespace
}  // namespace partnersim
