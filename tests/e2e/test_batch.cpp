// `partnersim batch` end to end: the example sweep, identical results whatever the jobs,
// shards or MPI ranks, kill and resume, failed runs, a folder of another sweep.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "sim/batch/batch.h"
#include "sim/output/result_file.h"
#include "support/bitwise.h"
#include "support/cli.h"

namespace partnersim {
namespace {

namespace fs = std::filesystem;
using testing::bitwise_equal;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;
using testing::write_text;

// A scenario small enough for dozens of runs per test.
const char* const kTinyScenario = R"(metadata: {name: Tiny}
start: 2012-01
steps: 24
seed: 1
organisations:
  - {id: city, name: City, kind: municipality, municipality: Sopot, cash_pln: 100000}
  - {id: ngo, name: NGO, kind: ngo, sector: social, municipality: Sopot, programme_places: 10, staff: 2}
  - {id: coop, name: Coop, kind: social_cooperative, sector: services, municipality: Sopot, members: 5, social_jobs: 4}
people:
  - {municipality: Sopot, groups: [long_term_unemployed], count: 300}
ties:
  - {source: city, target: ngo, kind: partnership}
  - {source: ngo, target: coop, kind: referral}
)";

// A 2 x 2 grid with 2 replicates: 8 runs.
const char* const kGridSweep = R"(scenario: tiny.yaml
seed: 5
replicates: 2
design: grid
parameters:
  reintegration.referral_rate: {values: [0.02, 0.3]}
  reintegration.completion_rate: {min: 0.1, max: 0.5, levels: 2, unit: 1/month}
metrics: [people_employed_social, people_in_programme, cooperatives_active]
)";

// A folder with the tiny scenario and a sweep over it.
struct SweepFolder {
  explicit SweepFolder(const std::string& sweep_text) {
    write_text(dir / "tiny.yaml", kTinyScenario);
    write_text(dir / "sweep.yaml", sweep_text);
  }
  [[nodiscard]] std::string sweep() const { return dir / "sweep.yaml"; }
  [[nodiscard]] std::string out(const std::string& name) const { return dir / name; }
  TempDir dir;
};

std::string batch(const std::string& sweep, const std::string& out, const std::string& more = "") {
  return "batch " + sweep + " -o " + out + " --quiet " + more;
}

void expect_same_index(const std::string& a_path, const std::string& b_path) {
  const SweepIndex a = read_sweep_index(a_path);
  const SweepIndex b = read_sweep_index(b_path);
  EXPECT_EQ(a.run, b.run);
  EXPECT_EQ(a.point, b.point);
  EXPECT_EQ(a.replicate, b.replicate);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.file, b.file);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (const auto& [name, v] : a.values) EXPECT_TRUE(bitwise_equal(v, b.values.at(name))) << name;
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (const auto& [name, v] : a.metrics) EXPECT_TRUE(bitwise_equal(v, b.metrics.at(name))) << name;
  EXPECT_EQ(a.attributes.at("complete"), "1");
  EXPECT_EQ(b.attributes.at("complete"), "1");
}

double double_attribute(const std::string& file, const char* group, const char* name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t g = H5Gopen2(f, group, H5P_DEFAULT);
  const hid_t a = H5Aopen(g, name, H5P_DEFAULT);
  double v = -1.0;
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  H5Gclose(g);
  H5Fclose(f);
  return v;
}

std::size_t count_run_files(const std::string& out) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(out) / "runs", ec)) {
    const std::string name = e.path().filename().string();
    n += name.rfind("run-", 0) == 0 && e.path().extension() == ".h5" ? 1 : 0;
  }
  return n;
}

TEST(Batch, TheExampleSweepWritesAnIndexAndEveryRunCarriesItsParameters) {
  TempDir dir;
  const std::string out = dir / "screening";
  const std::string sweep = source_path("scenarios/sweeps/sopot-screening.yaml");
  const auto r = run_cli("batch " + sweep + " -o " + out + " --jobs 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("-> " + out + "/sweep.h5"), std::string::npos) << r.out;

  const SweepSpec spec = load_sweep(sweep);
  const SweepIndex index = read_sweep_index(out + "/sweep.h5");
  const std::size_t runs = static_cast<std::size_t>(spec.points) * static_cast<std::size_t>(spec.replicates);
  ASSERT_EQ(index.run.size(), runs);
  EXPECT_EQ(index.metrics.size(), spec.metrics.size());
  for (std::size_t i = 0; i < runs; ++i) {
    EXPECT_EQ(index.status[i], 0) << index.message[i];
    const std::string file = out + "/" + index.file[i];
    for (const auto& p : spec.parameters) {
      const double v = index.values.at(p.name)[i];
      EXPECT_GE(v, p.min);
      EXPECT_LE(v, p.max);
      // The run file's resolved parameters hold the design's value exactly.
      EXPECT_EQ(double_attribute(file, "/parameters", p.name.c_str()), v) << p.name << " run " << i;
    }
    for (const auto& [name, values] : index.metrics) {
      for (std::size_t s = 0; s < index.steps; ++s) EXPECT_FALSE(std::isnan(values[i * index.steps + s])) << name;
    }
  }
  // Run again: nothing is left to do, and the index is unchanged.
  const auto again = run_cli("batch " + sweep + " -o " + out);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find(", 0 run now"), std::string::npos) << again.out;
}

TEST(Batch, EveryShippedSweepIsValid) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(source_path("scenarios/sweeps"))) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(static_cast<void>(load_sweep(entry.path().string()))) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(Batch, ResultsDoNotDependOnTheNumberOfJobs) {
  const SweepFolder f(kGridSweep);
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("one"), "--jobs 1")).code, 0);
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("two"), "--jobs 2")).code, 0);
  expect_same_index(f.out("one") + "/sweep.h5", f.out("two") + "/sweep.h5");
  // Replicates differ from each other (distinct seeds do something).
  const SweepIndex index = read_sweep_index(f.out("one") + "/sweep.h5");
  EXPECT_NE(index.seed[0], index.seed[1]);
  // Two jobs are two worker processes; the run files record the command the user typed.
  std::set<std::string> writers;
  for (const auto& file : read_sweep_index(f.out("two") + "/sweep.h5").file) {
    const ResultInfo info = read_result_info(f.out("two") + "/" + file);
    writers.insert(info.attributes.at("sweep_process"));
    EXPECT_EQ(info.attributes.at("command_line").find("--worker-pipes"), std::string::npos);
    EXPECT_NE(info.attributes.at("command_line").find("--jobs 2"), std::string::npos);
  }
  EXPECT_EQ(writers.size(), 2U);
}

TEST(Batch, TwoShardsWritingAtOnceEqualTheWholeSweep) {
  const SweepFolder f(kGridSweep);
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("whole"))).code, 0);
  // Both shards at the same time into one folder; the one finishing last writes the index.
  const std::string shards = f.out("shards");
  const std::string cmd = std::string(PARTNERSIM_BIN) + " " + batch(f.sweep(), shards, "--shard 1/2 --jobs 1") + " & " +
                          PARTNERSIM_BIN + " " + batch(f.sweep(), shards, "--shard 2/2 --jobs 1") + " ; wait";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(fs::exists(shards + "/sweep.h5"));
  expect_same_index(f.out("whole") + "/sweep.h5", shards + "/sweep.h5");

  // One shard alone leaves the index to the others and says so.
  const std::string half = f.out("half");
  const auto r = run_cli("batch " + f.sweep() + " -o " + half + " --shard 2/2");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("4 runs of the sweep are in other shards"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(half + "/sweep.h5"));
  EXPECT_EQ(count_run_files(half), 4U);
  // --index-only writes what there is, marking the rest missing.
  ASSERT_EQ(run_cli(batch(f.sweep(), half, "--index-only")).code, 0);
  const SweepIndex partial = read_sweep_index(half + "/sweep.h5");
  EXPECT_EQ(partial.attributes.at("complete"), "0");
  for (std::size_t i = 0; i < partial.run.size(); ++i) EXPECT_EQ(partial.status[i], i % 2 == 1 ? 0 : 2);
}

// Starts `partnersim batch SWEEP -o OUT --jobs JOBS` in a child process, sends it `signal` once
// two run files exist (or after 60 s), and returns its wait status. With more than one job the
// runs go on in worker processes, which must stop (or die) with the batch.
int signal_batch_after_two_runs(const std::string& sweep, const std::string& out, int signal, const char* jobs = "1") {
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execl(PARTNERSIM_BIN, PARTNERSIM_BIN, "batch", sweep.c_str(), "-o", out.c_str(), "--jobs", jobs,
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_run_files(out) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(child, signal);
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

TEST(Batch, PendingRunsAreTheMissingRunsOfTheShardInRunOrder) {
  const SweepFolder f(kGridSweep);
  const std::string out = f.out("out");
  ASSERT_EQ(run_cli(batch(f.sweep(), out)).code, 0);
  const Batch whole(load_sweep(f.sweep()), out, "test", "test");
  EXPECT_EQ(PendingRuns(whole, 1, 1).count(), 0U);
  // Take three runs away: they are pending again, in the sweep's run order, each in its shard.
  for (const std::uint64_t id : {1U, 4U, 6U}) fs::remove(whole.run_file(id));
  const auto order = run_order(whole.sweep(), whole.points());
  std::vector<std::uint64_t> missing_in_order;
  for (const std::uint64_t id : order) {
    if (id == 1 || id == 4 || id == 6) missing_in_order.push_back(id);
  }
  const auto drain = [](PendingRuns& runs) {
    std::vector<std::uint64_t> ids;
    while (const auto id = runs.next()) ids.push_back(*id);
    return ids;
  };
  PendingRuns all(whole, 1, 1);
  EXPECT_EQ(all.count(), 3U);
  EXPECT_EQ(drain(all), missing_in_order);
  EXPECT_FALSE(all.next().has_value());
  PendingRuns odd(whole, 2, 2);  // ids with id % 2 == 1
  EXPECT_EQ(odd.count(), 1U);
  EXPECT_EQ(drain(odd), std::vector<std::uint64_t>{1});
}

TEST(Batch, WorkerProcessesAreReplacedAfterTheirShareOfRunsWithoutChangingResults) {
  // 12 runs on 2 jobs, 4 runs per process: at least three processes run them, none runs more
  // than 4, and the results are those of one job.
  const SweepFolder f(R"(scenario: tiny.yaml
seed: 6
steps: 4
replicates: 6
design: list
parameters:
  reintegration.referral_rate: {values: [0.05, 0.2]}
metrics: [people_employed_social]
)");
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("one"), "--jobs 1")).code, 0);
  const auto two = run_cli(batch(f.sweep(), f.out("two"), "--jobs 2 --runs-per-process 4"));
  ASSERT_EQ(two.code, 0) << two.err;
  expect_same_index(f.out("one") + "/sweep.h5", f.out("two") + "/sweep.h5");
  std::map<std::string, int> runs_by_process;
  for (const auto& file : read_sweep_index(f.out("two") + "/sweep.h5").file) {
    ++runs_by_process[read_result_info(f.out("two") + "/" + file).attributes.at("sweep_process")];
  }
  EXPECT_GE(runs_by_process.size(), 3U);
  for (const auto& [process, runs] : runs_by_process) EXPECT_LE(runs, 4) << process;
}

TEST(Batch, AKilledBatchResumesToTheSameResultAsAnUninterruptedOne) {
  const SweepFolder f(R"(scenario: tiny.yaml
seed: 9
replicates: 2
design: latin_hypercube
points: 6
parameters:
  reintegration.referral_rate: {min: 0.01, max: 0.3, unit: 1/month}
  cooperatives.failure_hazard: {min: 0.0, max: 0.05, unit: 1/month}
metrics: [people_employed_social, cooperatives_active]
)");
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("whole"), "--jobs 2")).code, 0);
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(std::string("--jobs ") + jobs);
    const std::string out = f.out(std::string("killed") + jobs);
    // Kill it without warning once a few runs are done.
    const int status = signal_batch_after_two_runs(f.sweep(), out, SIGKILL, jobs);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the batch ended before it was killed";
    const std::size_t done_before = count_run_files(out);
    EXPECT_LT(done_before, 12U);
    EXPECT_FALSE(fs::exists(out + "/sweep.h5"));

    const auto resumed = run_cli(batch(f.sweep(), out, "--jobs 2"));
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    EXPECT_EQ(count_run_files(out), 12U);
    expect_same_index(out + "/sweep.h5", f.out("whole") + "/sweep.h5");
    // Nothing of the killed processes is left once the sweep is complete.
    for (const auto& e : fs::directory_iterator(out + "/runs")) {
      EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
    }
  }
}

// The processes whose parent is `parent` (from /proc/*/stat), e.g. a batch's workers.
std::vector<pid_t> child_processes(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing bracket.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) children.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return children;
}

TEST(Batch, AWorkerProcessThatDiesFailsOnlyItsRunAndTheSameCommandRedoesIt) {
  const SweepFolder f(R"(scenario: tiny.yaml
seed: 4
replicates: 20
design: list
parameters:
  reintegration.referral_rate: {values: [0.05, 0.2]}
metrics: [people_employed_social, cooperatives_active]
)");
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("whole"), "--jobs 2")).code, 0);

  const std::string out = f.out("crashed");
  const std::string err = f.out("crashed.err");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    const int log = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(null, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execl(PARTNERSIM_BIN, PARTNERSIM_BIN, "batch", f.sweep().c_str(), "-o", out.c_str(), "--jobs", "2",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Once two runs are done, each of the two workers holds one of the 38 runs left: kill one
  // as a crash would (no chance to clean up).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::vector<pid_t> workers;
  while (std::chrono::steady_clock::now() < deadline) {
    workers = child_processes(child);
    if (workers.size() == 2 && count_run_files(out) >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(workers.size(), 2U) << "the batch did not start two workers";
  // The worker that wrote the second file may not have said so yet: give it time to take its
  // next run (a run takes far longer), so that whichever is killed dies inside a run.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_LT(count_run_files(out), 38U) << "the batch finished before a worker could be killed";
  ASSERT_EQ(kill(workers.front(), SIGKILL), 0);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << "some runs failed";
  std::ifstream in(err);
  const std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(message.find("1 run(s) failed"), std::string::npos) << message;

  // The other worker finished every other run; the lost run is recorded with the cause.
  const SweepIndex index = read_sweep_index(out + "/sweep.h5");
  EXPECT_EQ(index.attributes.at("complete"), "1");
  EXPECT_EQ(index.attributes.at("runs_failed"), "1");
  EXPECT_EQ(index.attributes.at("runs_done"), "39");
  std::size_t failed = 0;
  for (std::size_t i = 0; i < index.status.size(); ++i) {
    if (index.status[i] != 1) continue;
    ++failed;
    EXPECT_NE(index.message[i].find("worker process " + std::to_string(workers.front())), std::string::npos)
        << index.message[i];
    EXPECT_NE(index.message[i].find("killed by signal 9"), std::string::npos) << index.message[i];
  }
  EXPECT_EQ(failed, 1U);
  for (const auto& e : fs::directory_iterator(out + "/runs")) {
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
  }

  // The same command redoes the failed run: the sweep then equals one that never crashed.
  const auto redone = run_cli(batch(f.sweep(), out, "--jobs 2"));
  ASSERT_EQ(redone.code, 0) << redone.err;
  EXPECT_EQ(count_run_files(out), 40U);
  expect_same_index(out + "/sweep.h5", f.out("whole") + "/sweep.h5");
}

TEST(Batch, SigtermStopsCleanlyAndTheSameCommandFinishes) {
  const SweepFolder f(R"(scenario: tiny.yaml
seed: 2
replicates: 12
design: list
parameters:
  reintegration.referral_rate: {values: [0.05]}
metrics: [people_employed_social]
)");
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(std::string("--jobs ") + jobs);
    const std::string out = f.out(std::string("out") + jobs);
    const int status = signal_batch_after_two_runs(f.sweep(), out, SIGTERM, jobs);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 130) << "the batch ended before it was stopped";
    // The runs in progress removed their temporary files (the batch waits for its worker
    // processes); finished runs stay, and none was recorded as failed.
    for (const auto& e : fs::directory_iterator(out + "/runs")) {
      EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
      EXPECT_NE(e.path().extension(), ".failed") << e.path();
    }
    EXPECT_GE(count_run_files(out), 2U);
    const auto resumed = run_cli(batch(f.sweep(), out));
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    EXPECT_EQ(count_run_files(out), 12U);
  }
}

TEST(Batch, AFailedRunIsRecordedAndTheOthersFinish) {
  // Point 1 asks for programmes whose maximum is below their minimum.
  const SweepFolder f(R"(scenario: tiny.yaml
seed: 3
design: list
replicates: 2
parameters:
  reintegration.programme_min_months: {values: [3, 10, 4]}
  reintegration.programme_max_months: {values: [9, 8, 12]}
)");
  const std::string out = f.out("out");
  const auto r = run_cli("batch " + f.sweep() + " -o " + out);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("2 run(s) failed"), std::string::npos) << r.err;
  const SweepIndex index = read_sweep_index(out + "/sweep.h5");
  ASSERT_EQ(index.run.size(), 6U);
  EXPECT_EQ(index.attributes.at("complete"), "1");  // every run is accounted for
  for (std::size_t i = 0; i < 6; ++i) {
    if (index.point[i] == 1) {
      EXPECT_EQ(index.status[i], 1);
      EXPECT_NE(index.message[i].find("programme_max_months (8) must be at least programme_min_months (10)"),
                std::string::npos)
          << index.message[i];
      EXPECT_EQ(index.file[i], "");
      EXPECT_TRUE(std::isnan(index.metrics.begin()->second[i * index.steps]));
    } else {
      EXPECT_EQ(index.status[i], 0) << index.message[i];
    }
  }
}

TEST(Batch, RefusesAFolderOfAnotherSweep) {
  const SweepFolder f(kGridSweep);
  const std::string out = f.out("out");
  ASSERT_EQ(run_cli(batch(f.sweep(), out, "--shard 1/4")).code, 0);
  const auto before = count_run_files(out);
  // Same sweep with other steps: another sweep.
  const auto r = run_cli(batch(f.sweep(), out, "--steps 12"));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("holds the results of another sweep"), std::string::npos) << r.err;
  EXPECT_EQ(count_run_files(out), before);
}

TEST(Batch, BadSweepFilesAndOptionsAreInvalidInput) {
  const SweepFolder f(
      "scenario: tiny.yaml\nseed: 1\ndesign: grid\nparameters:\n"
      "  reintegration.referral_rate: {values: [0.1, 2]}\n");
  const auto r = run_cli(batch(f.sweep(), f.out("out")));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(f.sweep() + ":5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("parameters.reintegration.referral_rate.values[1]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(f.out("out")));
  const auto shard = run_cli(batch(source_path("scenarios/sweeps/sopot-screening.yaml"), f.out("out"), "--shard 3/2"));
  EXPECT_EQ(shard.code, 2);
  EXPECT_NE(shard.err.find("--shard"), std::string::npos) << shard.err;
}

#ifdef PARTNERSIM_MPIEXEC
TEST(BatchMpi, TwoRanksGiveTheResultsOfOneRankAndOfJobs) {
  const SweepFolder f(kGridSweep);
  // OpenMPI's own libraries leak at exit (in plugins it has unloaded, so LeakSanitizer cannot
  // name them for a suppression): leak checks are off for the MPI processes only. The same
  // runs without MPI are leak-checked in the other batch tests.
  const std::string mpirun = "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 " +
                             std::string(PARTNERSIM_MPIEXEC) +
                             " --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -n ";
  const auto run_mpi = [&](int ranks, const std::string& out) {
    const std::string cmd =
        mpirun + std::to_string(ranks) + " " + PARTNERSIM_BIN + " " + batch(f.sweep(), out) + " >" + out + ".log 2>&1";
    return std::system(cmd.c_str());
  };
  ASSERT_EQ(run_mpi(2, f.out("two")), 0) << testing::read_text(f.out("two") + ".log");
  ASSERT_EQ(run_mpi(1, f.out("one")), 0) << testing::read_text(f.out("one") + ".log");
  ASSERT_EQ(run_cli(batch(f.sweep(), f.out("jobs"), "--jobs 2")).code, 0);
  expect_same_index(f.out("one") + "/sweep.h5", f.out("two") + "/sweep.h5");
  expect_same_index(f.out("jobs") + "/sweep.h5", f.out("two") + "/sweep.h5");
  // The work was shared: run files name the process that wrote them.
  std::set<std::string> writers;
  for (const auto& file : read_sweep_index(f.out("two") + "/sweep.h5").file) {
    writers.insert(read_result_info(f.out("two") + "/" + file).attributes.at("sweep_process"));
  }
  EXPECT_EQ(writers.size(), 2U);
}
#endif

}  // namespace
}  // namespace partnersim
