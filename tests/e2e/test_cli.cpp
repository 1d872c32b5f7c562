// End to end through the CLI: what a modeller types, what they get back.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sim/output/result_file.h"
#include "sim/scenario/parser.h"
#include "support/bitwise.h"
#include "support/cli.h"

namespace partnersim {
namespace {

using testing::read_text;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;
using testing::write_text;
using testing::write_with_line_inserted;

const std::string kExample = source_path("scenarios/examples/minimal.yaml");

std::string read_string_dataset(const std::string& file, const char* dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const hid_t t = H5Dget_type(d);
  std::string out;
  if (H5Tis_variable_str(t) > 0) {
    char* data = nullptr;
    H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, static_cast<void*>(&data));
    out = data;
    const hid_t space = H5Dget_space(d);
    H5Dvlen_reclaim(t, space, H5P_DEFAULT, static_cast<void*>(&data));
    H5Sclose(space);
  } else {
    out.resize(H5Tget_size(t));
    H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  }
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
  return out;
}

TEST(Cli, RunsTheExampleAndRecordsProvenance) {
  TempDir dir;
  const std::string out = dir / "minimal.h5";
  const auto r = run_cli("run " + kExample + " -o " + out + " --replicates 3 --seed 17");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("-> " + out), std::string::npos) << r.out;  // the summary line

  const ScenarioSpec spec = load_scenario(kExample);
  const ResultInfo info = read_result_info(out);
  EXPECT_EQ(info.replicates, 3);
  EXPECT_EQ(info.steps, spec.steps);
  EXPECT_EQ(info.attributes.at("scenario_name"), spec.metadata.name);
  EXPECT_EQ(info.attributes.at("seed"), "17");
  EXPECT_EQ(info.attributes.at("start_month"), spec.start.str());
  EXPECT_NE(info.attributes.at("command_line").find("--seed 17"), std::string::npos);
  ASSERT_EQ(info.months.size(), static_cast<std::size_t>(spec.steps));
  EXPECT_EQ(info.months.front(), spec.start.str());
  EXPECT_EQ(info.months.back(), spec.clock().last().str());
  // The scenario travels with the result, byte for byte, so it can be re-run.
  EXPECT_EQ(read_string_dataset(out, "/scenario/source"), read_text(kExample));

  const auto people = read_metric(out, "people_total");
  ASSERT_EQ(people.size(), 3U);
  for (const auto& replicate : people) {
    for (double v : replicate) ASSERT_EQ(v, static_cast<double>(spec.people_count()));
  }
  // People moved: someone entered a programme at some point.
  double entries = 0;
  const auto entries_series = read_metric(out, "programme_entries");
  for (double v : entries_series.at(0)) entries += v;
  EXPECT_GT(entries, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / ".minimal.h5.partial"));
}

TEST(Cli, RefusesToOverwriteWithoutForce) {
  TempDir dir;
  const std::string out = dir / "r.h5";
  ASSERT_EQ(run_cli("run " + kExample + " -o " + out + " --quiet").code, 0);
  const std::string before = read_text(out);
  const auto again = run_cli("run " + kExample + " -o " + out + " --quiet --seed 99");
  EXPECT_EQ(again.code, 3);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_text(out), before);  // untouched
  const auto forced = run_cli("run " + kExample + " -o " + out + " --quiet --seed 99 --force");
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(read_result_info(out).attributes.at("seed"), "99");
}

TEST(Cli, ResultsDoNotDependOnThreadsButOnTheSeed) {
  TempDir dir;
  const std::string base = "run " + kExample + " --quiet --replicates 2 ";
  ASSERT_EQ(run_cli(base + "--threads 1 -o " + (dir / "t1.h5")).code, 0);
  ASSERT_EQ(run_cli(base + "--threads 2 -o " + (dir / "t2.h5")).code, 0);
  ASSERT_EQ(run_cli(base + "--threads 4 -o " + (dir / "t4.h5")).code, 0);
  ASSERT_EQ(run_cli(base + "--threads 2 --seed 2 -o " + (dir / "s2.h5")).code, 0);
  const ResultInfo info = read_result_info(dir / "t1.h5");
  bool any_difference_with_other_seed = false;
  for (const auto& m : info.metrics) {
    const auto one = read_metric(dir / "t1.h5", m.name);
    EXPECT_TRUE(testing::bitwise_equal(one, read_metric(dir / "t2.h5", m.name))) << m.name;
    EXPECT_TRUE(testing::bitwise_equal(one, read_metric(dir / "t4.h5", m.name))) << m.name;
    any_difference_with_other_seed =
        any_difference_with_other_seed || !testing::bitwise_equal(one, read_metric(dir / "s2.h5", m.name));
  }
  EXPECT_TRUE(any_difference_with_other_seed);
}

TEST(Cli, SetOverridesAParameterAndRejectsUnknownOnes) {
  TempDir dir;
  const auto off = run_cli("run " + kExample + " --quiet --set reintegration.referral_rate=0 -o " + (dir / "a.h5"));
  ASSERT_EQ(off.code, 0) << off.err;
  // --set gives the starting value; the example's policy switch of 2015-04 (step 39) still
  // changes it from its month on.
  const auto referrals = read_metric(dir / "a.h5", "referrals").at(0);
  for (std::size_t s = 0; s < 39; ++s) EXPECT_EQ(referrals.at(s), 0.0) << "step " << s;
  EXPECT_GT(referrals.at(39), 0.0);

  const auto typo = run_cli("run " + kExample + " --quiet --set reintegration.referal_rate=0.1 -o " + (dir / "b.h5"));
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("referal_rate"), std::string::npos) << typo.err;
  const auto range = run_cli("run " + kExample + " --quiet --set reintegration.referral_rate=1.5 -o " + (dir / "c.h5"));
  EXPECT_EQ(range.code, 2);
  EXPECT_NE(range.err.find("[0, 1]"), std::string::npos) << range.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "b.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir / "c.h5"));
}

TEST(Cli, BadScenarioGivesFileLineAndKeyAndWritesNothing) {
  TempDir dir;
  const std::string bad = dir / "bad.yaml";
  const int line = write_with_line_inserted(kExample, "steps", "stpes: 12", bad);
  ASSERT_GT(line, 0);

  const auto v = run_cli("validate " + bad);
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find(bad + ":" + std::to_string(line) + ":1:"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("stpes"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("steps"), std::string::npos) << v.err;  // did you mean

  const auto r = run_cli("run " + bad + " -o " + (dir / "out.h5"));
  EXPECT_EQ(r.code, 2);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().extension(), ".yaml") << entry.path();  // nothing but the input
  }
}

TEST(Cli, UnusableOutputLocationFailsBeforeRunning) {
  TempDir dir;
  write_text(dir / "plain-file", "x");
  const auto r = run_cli("run " + kExample + " --quiet -o " + (dir / "plain-file") + "/r.h5");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("plain-file"), std::string::npos) << r.err;
}

// A part of a scenario (a place or a policy file in scenarios/<name>/, next to
// scenarios/<name>.yaml) is not a scenario of its own: it is checked through the scenarios
// that include it, and every part must be included by one.
bool is_scenario_part(const std::filesystem::path& file) {
  const auto folder = file.parent_path();
  return std::filesystem::exists(folder.parent_path() / (folder.filename().string() + ".yaml"));
}

TEST(Cli, EveryShippedScenarioIsValid) {
  int checked = 0;
  std::string all_scenarios;
  std::vector<std::filesystem::path> parts;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".yaml") continue;
    if (entry.path().parent_path().filename() == "sweeps") continue;  // sweep files: tests/e2e/test_batch.cpp
    if (is_scenario_part(entry.path())) {
      parts.push_back(entry.path());
      continue;
    }
    std::ifstream in(entry.path());
    all_scenarios.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const auto r = run_cli("validate " + entry.path().string());
    EXPECT_EQ(r.code, 0) << entry.path() << ": " << r.err;
    ++checked;
  }
  EXPECT_GE(checked, 1);
  for (const auto& part : parts) {
    const std::string name = part.parent_path().filename().string() + "/" + part.filename().string();
    EXPECT_NE(all_scenarios.find(name), std::string::npos) << name << " is included by no scenario";
  }
}

TEST(Cli, ValidateAcceptsTheExample) {
  const auto r = run_cli("validate " + kExample);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("valid"), std::string::npos);
}

TEST(Cli, MissingScenarioIsAnInputError) {
  const auto r = run_cli("run /nonexistent/scenario.yaml --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/scenario.yaml"), std::string::npos) << r.err;
}

TEST(Cli, ParamsListsEveryRegisteredParameterWithItsDocs) {
  const auto r = run_cli("params");
  ASSERT_EQ(r.code, 0);
  for (const auto& m : ModuleRegistry::instance().modules()) {
    for (const auto& p : m.params) {
      EXPECT_NE(r.out.find(m.name + "." + p.name), std::string::npos) << p.name;
      EXPECT_NE(r.out.find(p.doc), std::string::npos) << p.name;
    }
  }
  EXPECT_EQ(run_cli("params nosuchmodule").code, 2);
}

TEST(Cli, InfoShowsProvenanceAndRejectsNonResults) {
  TempDir dir;
  ASSERT_EQ(run_cli("run " + kExample + " --quiet -o " + (dir / "r.h5")).code, 0);
  const auto info = run_cli("info " + (dir / "r.h5"));
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_NE(info.out.find("people_in_programme"), std::string::npos);
  EXPECT_NE(info.out.find("seed"), std::string::npos);

  write_text(dir / "not.h5", "this is not HDF5");
  const auto bad = run_cli("info " + (dir / "not.h5"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("not an HDF5 file"), std::string::npos) << bad.err;
}

TEST(Cli, VersionAndHelp) {
  const auto v = run_cli("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("partnersim 0."), std::string::npos) << v.out;
  const auto h = run_cli("--help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("Examples:"), std::string::npos);
  EXPECT_NE(h.out.find("Exit codes"), std::string::npos);
}

}  // namespace
}  // namespace partnersim

namespace partnersim {
namespace {

// docs/MODEL.md carries the registry's tables between markers; they must match the code.
std::string between(const std::string& text, const std::string& name) {
  const std::string begin = "<!-- " + name + ":begin -->\n";
  const std::string end = "<!-- " + name + ":end -->";
  const auto b = text.find(begin);
  const auto e = text.find(end);
  if (b == std::string::npos || e == std::string::npos) return "<markers missing>";
  return text.substr(b + begin.size(), e - b - begin.size());
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(ModelDoc, ParameterAndMetricTablesMatchTheRegistry) {
  const std::string doc = read_text(source_path("docs/MODEL.md"));
  const auto params = run_cli("params --markdown");
  const auto metrics = run_cli("metrics --markdown");
  ASSERT_EQ(params.code, 0);
  ASSERT_EQ(metrics.code, 0);
  EXPECT_EQ(trimmed(between(doc, "params")), trimmed(params.out))
      << "docs/MODEL.md is out of date: run scripts/update-model-doc.sh";
  EXPECT_EQ(trimmed(between(doc, "metrics")), trimmed(metrics.out))
      << "docs/MODEL.md is out of date: run scripts/update-model-doc.sh";
  // Every parameter has a source tag.
  for (const auto& m : ModuleRegistry::instance().modules()) {
    for (const auto& p : m.params) {
      EXPECT_TRUE(p.source.find("[S") != std::string::npos || p.source.find("[D") != std::string::npos ||
                  p.source.find("[G") != std::string::npos || p.source.find("[seed") != std::string::npos)
          << m.name << "." << p.name << ": " << p.source;
    }
  }
}

}  // namespace
}  // namespace partnersim
