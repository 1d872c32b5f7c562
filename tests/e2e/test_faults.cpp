// Fault injection through the CLI: each fault gives a clear error and a non-zero exit,
// leaves no half-written result that looks complete, and leaves earlier results untouched.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "sim/resources.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"
#include "support/cli.h"

namespace partnersim {
namespace {

using testing::read_text;
using testing::run_cli;
using testing::source_path;
using testing::TempDir;
using testing::write_text;

const std::string kExample = source_path("scenarios/examples/minimal.yaml");

// Names of the files in a folder (dot files too).
std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// An earlier, complete result in `dir`, to check that faults leave it untouched.
std::string earlier_result(const TempDir& dir) {
  const std::string path = dir / "earlier.h5";
  const auto r = run_cli("run " + kExample + " --quiet --replicates 1 -o " + path);
  EXPECT_EQ(r.code, 0) << r.err;
  return path;
}

// A tmpfs of `size` mounted on a fresh folder for the test's lifetime (needs CAP_SYS_ADMIN,
// which the CI container has as root; the tests that need it skip otherwise).
class SmallDisk {
 public:
  SmallDisk(const std::string& size, bool read_only) {
    mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", read_only ? MS_RDONLY : 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  bool mounted_ = false;
};

TEST(Faults, OutputFolderThatIsMissingIsCreated) {
  TempDir dir;
  const std::string out = dir / "new/deeper/r.h5";
  const auto r = run_cli("run " + kExample + " --quiet --replicates 1 -o " + out);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(run_cli("info " + out).code, 0);
}

TEST(Faults, ReadOnlyOutputFolderFailsBeforeRunningAndWritesNothing) {
  SmallDisk disk("1m", true);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a read-only tmpfs here (needs root)";
  const std::string out = disk.dir() / "r.h5";
  const auto r = run_cli("run " + kExample + " --quiet -o " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(disk.dir().path().string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_TRUE(listing(disk.dir().path()).empty());
}

// Past `ulimit -f` writes fail with EFBIG, as on a full disk.
TEST(Faults, FileSizeLimitWhileWritingIsAnOutputErrorAndKeepsTheEarlierResult) {
  TempDir dir;
  const std::string earlier = earlier_result(dir);
  const std::string before = read_text(earlier);
  // 64 KiB: the file is created, then a write of the run fails. --force: the earlier result
  // is the target, and must survive.
  const auto r = run_cli("run " + kExample + " --quiet --force -o " + earlier, "ulimit -f 64; ");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("no result written to " + earlier), std::string::npos) << r.err;
  EXPECT_EQ(read_text(earlier), before);
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"earlier.h5"});  // no partial file left
}

TEST(Faults, DiskFullWhileWritingIsAnOutputError) {
  // A disk with room for what the resource guard estimates (so the run starts) but not for
  // the whole file (events, ties and provenance come on top).
  TempDir scratch;
  const std::string complete = earlier_result(scratch);
  const auto actual = std::filesystem::file_size(complete);
  const ScenarioSpec spec = load_scenario(kExample, ScenarioOverrides{std::nullopt, std::nullopt, 1, {}, std::nullopt});
  const auto estimate = estimate_result_bytes(spec, describe_run(spec).metrics.size());
  ASSERT_LT(estimate + 16384, actual);
  SmallDisk disk(std::to_string((estimate + actual) / 2 / 4096 * 4096), false);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  const std::string out = disk.dir() / "r.h5";
  const auto r = run_cli("run " + kExample + " --quiet --replicates 1 -o " + out);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("no result written to " + out), std::string::npos) << r.err;
  EXPECT_TRUE(listing(disk.dir().path()).empty());
}

TEST(Faults, AResultLargerThanTheFreeSpaceIsRefusedBeforeRunning) {
  SmallDisk disk("16k", false);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  const std::string out = disk.dir() / "r.h5";
  const auto r = run_cli("run " + kExample + " --quiet --replicates 100 -o " + out);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("free (nothing written)"), std::string::npos) << r.err;
  EXPECT_TRUE(listing(disk.dir().path()).empty());
}

TEST(Faults, AScenarioTooLargeForMemoryIsRefusedWithTheEstimateAndTheLimit) {
  TempDir dir;
  const auto r = run_cli("run " + kExample + " --quiet -o " + (dir / "r.h5"), "PARTNERSIM_MEMORY_LIMIT=1000000 ");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("would need about"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allows 1000000 bytes"), std::string::npos) << r.err;
  EXPECT_TRUE(listing(dir.path()).empty());
}

// A run started in the background, whose pid we know.
struct BackgroundRun {
  pid_t pid = -1;
  std::string err_path;
};

BackgroundRun start_run(const TempDir& io, const std::string& args) {
  BackgroundRun run;
  run.err_path = io / "stderr";
  const std::string command = "exec env PARTNERSIM_CHECK=1 " + std::string(PARTNERSIM_BIN) + " " + args + " >" +
                              (io / "stdout") + " 2>" + run.err_path + " </dev/null";
  run.pid = ::fork();
  if (run.pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return run;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits (at most a minute) until the run's temporary result exists: it has started.
bool wait_for_partial(const std::filesystem::path& dir, const std::string& target) {
  for (int i = 0; i < 6000; ++i) {
    for (const auto& name : listing(dir)) {
      if (name.rfind("." + target + ".partial-", 0) == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void interrupt_run(int signal_number) {
  TempDir dir;
  TempDir io;
  const std::string earlier = earlier_result(dir);
  const std::string before = read_text(earlier);
  // Long enough that it cannot finish before the signal arrives.
  auto run = start_run(io, "run " + kExample + " --quiet --force --steps 1200 --replicates 500 -o " + earlier);
  ASSERT_TRUE(wait_for_partial(dir.path(), "earlier.h5"));
  ::kill(run.pid, signal_number);
  EXPECT_EQ(wait_exit_code(run.pid), 130);
  const std::string err = read_text(run.err_path);
  EXPECT_TRUE(
      std::regex_search(err, std::regex(R"(interrupted after \d+ of 600000 replicate-steps; no result written)")))
      << err;
  EXPECT_EQ(read_text(earlier), before);
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"earlier.h5"});
}

TEST(Faults, SigintStopsCleanlyKeepingTheEarlierResult) { interrupt_run(SIGINT); }
TEST(Faults, SigtermStopsCleanlyKeepingTheEarlierResult) { interrupt_run(SIGTERM); }

TEST(Faults, AScenarioThatEndsWhileBeingReadIsAnInputError) {
  TempDir dir;
  const std::string fifo = dir / "scenario.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = read_text(kExample);
  // The writer stops after the metadata: the reader sees the file end there.
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << text.substr(0, text.find("\nstart:"));
  });
  const auto r = run_cli("run " + fifo + " --quiet -o " + (dir / "r.h5"));
  writer.join();
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(fifo), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("start"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "r.h5"));
}

TEST(Faults, AScenarioThatIsAFolderIsAnInputError) {
  TempDir dir;
  const auto r = run_cli("run " + dir.path().string() + " --quiet -o " + (dir / "r.h5"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot read file"), std::string::npos) << r.err;
}

TEST(Faults, AScenarioChangedOrDeletedDuringTheRunDoesNotAffectIt) {
  TempDir dir;
  TempDir io;
  const std::string scenario = dir / "s.yaml";
  const std::string original = read_text(kExample);
  write_text(scenario, original);
  auto run = start_run(io, "run " + scenario + " --quiet --steps 240 --replicates 4 -o " + (dir / "r.h5"));
  ASSERT_TRUE(wait_for_partial(dir.path(), "r.h5"));
  write_text(scenario, "metadata: {name: changed}\n");
  std::filesystem::remove(scenario);
  ASSERT_EQ(wait_exit_code(run.pid), 0) << read_text(run.err_path);
  // The result records the scenario as it was read, and is complete.
  const auto info = run_cli("info " + (dir / "r.h5"));
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_NE(info.out.find("Sopot Model of Social Economy (example)"), std::string::npos) << info.out;
}

TEST(Faults, ATruncatedOrCorruptResultIsRefusedByInfo) {
  TempDir dir;
  const std::string good = earlier_result(dir);
  const std::string bytes = read_text(good);
  write_text(dir / "half.h5", bytes.substr(0, bytes.size() / 2));
  std::string zeroed = bytes;
  std::fill(zeroed.begin(), zeroed.begin() + 64, '\0');  // the superblock
  write_text(dir / "zeroed.h5", zeroed);
  write_text(dir / "empty.h5", "");
  for (const std::string name : {"half.h5", "zeroed.h5", "empty.h5"}) {
    const auto r = run_cli("info " + (dir / name));
    EXPECT_EQ(r.code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find(dir / name), std::string::npos) << name << ": " << r.err;
  }
}

}  // namespace
}  // namespace partnersim
