// Checkpoint, resume and fork: a run continued from a saved state is the run that was never
// stopped, whatever the scenario, the month of the checkpoint and the thread count; a fork
// without changes is that run too; errors name the file and what is wrong.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sim/output/checkpoint.h"
#include "sim/output/result_file.h"
#include "sim/registry.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"
#include "support/bitwise.h"
#include "support/cli.h"

namespace partnersim {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::run_cli;
using testing::TempDir;

const std::string kSource = PARTNERSIM_SOURCE_DIR;
const std::string kSopot = kSource + "/scenarios/sopot.yaml";

// What an observer sees of one step, with its organisation arrays and events.
std::vector<double> observed(const StepRecord& r) {
  std::vector<double> out(r.metrics.begin(), r.metrics.end());
  out.insert(out.end(), r.org_cash_pln.begin(), r.org_cash_pln.end());
  for (auto v : r.org_employees) out.push_back(v);
  for (auto v : r.org_degree) out.push_back(v);
  for (auto v : r.org_alive) out.push_back(v);
  for (const auto& e : r.events) out.push_back(static_cast<double>(e.amount) + e.source + 1e-3 * e.target);
  for (const auto& f : r.flows) out.push_back(static_cast<double>(f.amount));
  return out;
}

// Runs `spec` replicate 1 to the end twice: straight through, and once more saving its state
// into bytes at each of `restore_at` (steps done) and going on with a replicate built
// afresh from them. Every step must be observed equal.
void expect_restored_run_equals_straight_run(const ScenarioSpec& spec, const std::vector<int>& restore_at) {
  const auto& registry = ModuleRegistry::instance();
  std::vector<std::vector<double>> straight;
  for (ReplicateRun run(spec, 1, registry); !run.finished();) straight.push_back(observed(run.advance()));

  auto current = std::make_unique<ReplicateRun>(spec, 1, registry);
  for (int step = 0; step < spec.steps; ++step) {
    if (std::find(restore_at.begin(), restore_at.end(), step) != restore_at.end()) {
      StateWriter out;
      current->save_state(out);
      const auto bytes = out.take();
      current = std::make_unique<ReplicateRun>(spec, 1, registry);
      StateReader in(bytes, spec.metadata.name);
      current->restore_state(in);
      ASSERT_EQ(current->steps_done(), step);
    }
    const StepRecord& r = current->advance();
    ASSERT_TRUE(testing::bitwise_equal(straight[static_cast<std::size_t>(step)], observed(r)))
        << spec.metadata.name << ": step " << r.step << " differs after restoring";
  }
  EXPECT_TRUE(current->finished());
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

// Every module's state is complete: any field left out of a checkpoint changes some later
// month of some scenario. Restoring at several months covers state made before and after
// the pacts, foundings and funding cliffs of the real cases.
TEST_P(EveryScenario, ARunRestoredFromItsStateContinuesExactlyAsTheStraightRun) {
  const ScenarioSpec spec = load_scenario(kSource + "/scenarios/" + GetParam(), ScenarioOverrides{{}, {}, 2, {}, {}});
  expect_restored_run_equals_straight_run(spec, {1, spec.steps / 3, spec.steps / 2 + 1, spec.steps - 2});
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, EveryScenario,
                         ::testing::Values("sopot.yaml", "poznan.yaml", "wielkopolska-ceson.yaml",
                                           "examples/minimal.yaml", "counterfactual/sopot-under-poznan-model.yaml"),
                         [](const auto& param_info) {
                           std::string name = fs::path(param_info.param).stem().string();
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                           return name;
                         });

// The data of a result (every dataset, no attributes: those hold the command line and the
// time), as h5dump prints it.
std::string data_of(const std::string& result) {
  TempDir dir;
  const std::string dump = dir / "dump.txt";
  const std::string command = "h5dump -A 0 " + result + " | sed 1d > " + dump;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return testing::read_text(dump);
}

TEST(Resume, TheResumedResultHoldsExactlyTheDataOfAnUninterruptedRunWhateverTheThreads) {
  TempDir dir;
  const std::string base = "run " + kSopot + " --quiet --replicates 1 ";
  ASSERT_EQ(run_cli(base + "--threads 2 -o " + (dir / "straight.h5")).code, 0);
  const CliResult saved = run_cli(base + "--threads 1 --checkpoint-every 30 -o " + (dir / "saved.h5"));
  ASSERT_EQ(saved.code, 0) << saved.err;
  const std::string checkpoint = dir / "saved.h5.checkpoint";
  ASSERT_TRUE(fs::exists(checkpoint));
  const std::string version = read_result_info(dir / "saved.h5").attributes.at("partnersim_version");
  const CheckpointHeader header = read_checkpoint(checkpoint, version);
  EXPECT_EQ(header.steps_done, 90);  // the last of 30, 60, 90 replaced the others
  EXPECT_EQ(header.month, "2017-06");

  const CliResult resumed = run_cli("run --resume " + checkpoint + " --quiet --threads 2 -o " + (dir / "resumed.h5"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const std::string straight = data_of(dir / "straight.h5");
  EXPECT_TRUE(data_of(dir / "saved.h5") == straight) << "checkpointing changed the run";
  EXPECT_TRUE(data_of(dir / "resumed.h5") == straight) << "the resumed run differs";
  const ResultInfo info = read_result_info(dir / "resumed.h5");
  EXPECT_EQ(info.attributes.at("resumed_after_month"), "2017-06");
  EXPECT_EQ(info.attributes.at("complete"), "1");
}

TEST(Resume, ManyReplicatesResumeToTheSameResult) {
  TempDir dir;
  const std::string base = "run " + kSopot + " --quiet --replicates 3 --threads 1 ";
  // One thread: the replicates' rows of the event and flow tables come in the same order.
  ASSERT_EQ(run_cli(base + "--checkpoint-at 2011-01 -o " + (dir / "saved.h5")).code, 0);
  const CliResult resumed =
      run_cli("run --resume " + (dir / "saved.h5.checkpoint") + " --quiet --threads 1 -o " + (dir / "resumed.h5"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_TRUE(data_of(dir / "resumed.h5") == data_of(dir / "saved.h5")) << "the resumed run differs";
  for (const auto& m : read_result_info(dir / "saved.h5").metrics) {
    EXPECT_TRUE(testing::bitwise_equal(read_metric(dir / "saved.h5", m.name), read_metric(dir / "resumed.h5", m.name)))
        << m.name;
  }
}

// Started in the background, killed with SIGKILL once its first checkpoint is there.
TEST(Resume, ARunKilledAfterACheckpointResumesToTheUninterruptedResult) {
  TempDir dir;
  const std::string scenario = kSource + "/scenarios/poznan.yaml";
  const std::string base = "run " + scenario + " --quiet --replicates 2 --threads 1 ";
  ASSERT_EQ(run_cli(base + "-o " + (dir / "straight.h5")).code, 0);
  const std::string killed = dir / "killed.h5";
  const std::string pid_file = dir / "pid";
  const std::string start = "PARTNERSIM_CHECK=1 " + std::string(PARTNERSIM_BIN) + " " + base +
                            "--checkpoint-every 1 -o " + killed + " >/dev/null 2>&1 & echo $! > " + pid_file;
  ASSERT_EQ(std::system(start.c_str()), 0);
  const std::string checkpoint = killed + ".checkpoint";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(checkpoint) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string kill = "kill -9 $(cat " + pid_file + ") 2>/dev/null; sleep 0.2";
  ASSERT_EQ(std::system(kill.c_str()), 0);
  ASSERT_TRUE(fs::exists(checkpoint)) << "no checkpoint within a minute";
  EXPECT_FALSE(fs::exists(killed)) << "a killed run left a result that looks complete";

  const CliResult resumed = run_cli("run --resume " + checkpoint + " --quiet --threads 2");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  ASSERT_TRUE(fs::exists(killed)) << "--resume writes the result the run was started to write";
  for (const auto& m : read_result_info(dir / "straight.h5").metrics) {
    EXPECT_TRUE(testing::bitwise_equal(read_metric(dir / "straight.h5", m.name), read_metric(killed, m.name)))
        << m.name;
  }
}

TEST(Resume, InterruptedRunSaysWhichCheckpointIsKept) {
  TempDir dir;
  const std::string err = dir / "stderr";
  const std::string code = dir / "code";
  const std::string checkpoint = dir / "out.h5.checkpoint";
  // SIGINT as soon as the first checkpoint exists: the run stops at its next step.
  const std::string command = "PARTNERSIM_CHECK=1 " + std::string(PARTNERSIM_BIN) + " run " + kSource +
                              "/scenarios/poznan.yaml --replicates 2 --threads 1 --quiet --checkpoint-every 1 -o " +
                              (dir / "out.h5") + " 2>" + err + " & P=$!; while [ ! -e " + checkpoint +
                              " ]; do sleep 0.01; done; kill -INT $P; wait $P; echo $? > " + code;
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string status = testing::read_text(code);
  if (status == "0\n") GTEST_SKIP() << "the run finished before the signal";
  EXPECT_EQ(status, "130\n");
  const std::string said = testing::read_text(err);
  EXPECT_NE(said.find("no result written"), std::string::npos) << said;
  EXPECT_NE(said.find("partnersim run --resume " + checkpoint), std::string::npos) << said;
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
}

// The national scenario runs its phases in parallel inside each step: a checkpoint made
// with one thread and resumed with two gives the run made with two from the start.
TEST(Resume, TheNationalScenarioResumesAcrossThreadCounts) {
  TempDir dir;
  std::string text = testing::read_text(kSource + "/scenarios/poland-synthetic.yaml");
  const std::string key = "\n  scale: 1 ";
  const auto at = text.find(key);
  ASSERT_NE(at, std::string::npos) << "the scenario's scale line moved";
  text.replace(at, key.size(), "\n  scale: 0.01 ");
  const std::string scenario = dir / "poland-0.01.yaml";
  testing::write_text(scenario, text);
  const std::string base = "run " + scenario + " --quiet --replicates 1 --steps 8 ";
  ASSERT_EQ(run_cli(base + "--threads 2 -o " + (dir / "straight.h5")).code, 0);
  ASSERT_EQ(run_cli(base + "--threads 1 --checkpoint-every 5 -o " + (dir / "saved.h5")).code, 0);
  const CliResult resumed =
      run_cli("run --resume " + (dir / "saved.h5.checkpoint") + " --quiet --threads 2 -o " + (dir / "resumed.h5"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_TRUE(data_of(dir / "resumed.h5") == data_of(dir / "straight.h5")) << "the resumed national run differs";
}

TEST(Fork, AForkWithoutChangesIsTheParentRunAndAChangeActsOnlyAfterTheFork) {
  TempDir dir;
  const std::string base = "run " + kSopot + " --quiet --replicates 2 --threads 1 ";
  ASSERT_EQ(run_cli(base + "-o " + (dir / "straight.h5")).code, 0);
  ASSERT_EQ(run_cli(base + "--checkpoint-at 2014-12 -o " + (dir / "parent.h5")).code, 0);
  const std::string checkpoint = dir / "parent.h5.checkpoint";
  const CliResult same = run_cli("fork " + checkpoint + " --quiet --threads 1 -o " + (dir / "same.h5"));
  ASSERT_EQ(same.code, 0) << same.err;
  // Same threads and the same stop at the checkpoint: even the rows of the tables are in the same order.
  EXPECT_TRUE(data_of(dir / "same.h5") == data_of(dir / "parent.h5")) << "a fork without changes differs";
  for (const auto& m : read_result_info(dir / "straight.h5").metrics) {
    EXPECT_TRUE(testing::bitwise_equal(read_metric(dir / "straight.h5", m.name), read_metric(dir / "same.h5", m.name)))
        << m.name;
  }

  // Nobody is referred to a programme from 2015 on in the fork.
  const CliResult changed =
      run_cli("fork " + checkpoint + " --quiet --set reintegration.referral_rate=0 -o " + (dir / "no-referrals.h5"));
  ASSERT_EQ(changed.code, 0) << changed.err;
  const auto before = read_metric(dir / "straight.h5", "referrals");
  const auto after = read_metric(dir / "no-referrals.h5", "referrals");
  ASSERT_EQ(before.size(), after.size());
  const std::size_t fork_step = 60;  // 2015-01
  for (std::size_t r = 0; r < before.size(); ++r) {
    for (std::size_t s = 0; s < fork_step; ++s) EXPECT_EQ(before[r][s], after[r][s]) << "step " << s;
    double later = 0.0;
    for (std::size_t s = fork_step; s < after[r].size(); ++s) later += after[r][s];
    EXPECT_EQ(later, 0.0) << "referrals after the fork with referral_rate=0";
  }
  const ResultInfo info = read_result_info(dir / "no-referrals.h5");
  EXPECT_EQ(info.attributes.at("forked_after_month"), "2014-12");
  EXPECT_EQ(info.attributes.at("fork_set"), "reintegration.referral_rate=0");
  EXPECT_EQ(info.attributes.at("parent_checkpoint"), fs::path(checkpoint).lexically_normal().string());
}

TEST(Fork, BadSettingsAndBadCheckpointsAreInputErrorsNamingTheProblem) {
  TempDir dir;
  ASSERT_EQ(run_cli("run " + kSopot + " --quiet --replicates 1 --checkpoint-every 60 -o " + (dir / "parent.h5")).code,
            0);
  const std::string checkpoint = dir / "parent.h5.checkpoint";

  CliResult r = run_cli("fork " + checkpoint + " --set reintegration.no_such_thing=1 -o " + (dir / "f.h5"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reintegration.no_such_thing"), std::string::npos) << r.err;
  r = run_cli("fork " + checkpoint + " --set reintegration.referral_rate=7 -o " + (dir / "f.h5"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reintegration.referral_rate"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "f.h5"));

  r = run_cli("run --resume " + checkpoint + " --set reintegration.referral_rate=0.1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("use partnersim fork"), std::string::npos) << r.err;

  r = run_cli("run --resume " + (dir / "parent.h5"));  // a result, not a checkpoint
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no /checkpoint group"), std::string::npos) << r.err;

  r = run_cli("run --resume " + (dir / "missing.checkpoint"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no such checkpoint file"), std::string::npos) << r.err;

  const std::string truncated = dir / "truncated.checkpoint";
  fs::copy_file(checkpoint, truncated);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  r = run_cli("run --resume " + truncated + " -o " + (dir / "t.h5"));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(truncated), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "t.h5"));

  r = run_cli("run " + kSopot + " --checkpoint-at 2030-01 -o " + (dir / "x.h5"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--checkpoint-at 2030-01"), std::string::npos) << r.err;
}

TEST(Resume, AScenarioChangedSinceTheCheckpointIsRefused) {
  TempDir dir;
  const std::string scenario = dir / "minimal.yaml";
  fs::copy_file(kSource + "/scenarios/examples/minimal.yaml", scenario);
  ASSERT_EQ(run_cli("run " + scenario + " --quiet --checkpoint-every 6 -o " + (dir / "m.h5")).code, 0);
  testing::write_text(scenario, testing::read_text(scenario) + "\n# edited\n");
  const CliResult r = run_cli("run --resume " + (dir / "m.h5.checkpoint") + " --force");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("changed since the checkpoint was written"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace partnersim
