// The partnersim subcommands. Each returns the process exit code (see README, "Exit codes").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace partnersim::app {

enum ExitCode : int {
  kOk = 0,
  kRunFailed = 1,      // the run or the output failed (I/O error, internal error)
  kInvalidInput = 2,   // bad scenario, option, parameter or result file
  kOutputExists = 3,   // output exists and --force was not given
  kInterrupted = 130,  // SIGINT / SIGTERM
};

struct RunOptions {
  std::string scenario;
  std::string output;  // default results/<scenario stem>.h5
  std::optional<int> steps;
  std::optional<std::uint64_t> seed;
  std::optional<int> replicates;
  int threads = 0;  // 0: all cores
  std::vector<std::string> set;
  bool force = false;
  bool quiet = false;
  bool check = false;                      // --check, or PARTNERSIM_CHECK=1 in the environment (the test suite sets it)
  bool profile = false;                    // time phases, modules and output (prints a table at the end)
  int checkpoint_every = 0;                // save the run every N steps (0: never)
  std::vector<std::string> checkpoint_at;  // ... and at the end of these months (YYYY-MM)
  std::string checkpoint;                  // where (default: <output>.checkpoint)
  std::string resume;                      // continue the run saved in this checkpoint
  std::string command_line;
};

struct ForkOptions {
  std::string checkpoint;
  std::vector<std::string> set;  // module.param=value, in force from the month after the checkpoint
  RunOptions run;                // output, threads, force, quiet, check, profile, checkpoints
};

// Tells glibc to keep freed memory in the heap (run and batch allocate the same arrays again and again).
void keep_freed_memory();

int run_command(const RunOptions& options);
int fork_command(const ForkOptions& options);
int validate_command(const std::string& scenario);
int params_command(const std::string& module, bool markdown);
int metrics_command(bool markdown);
int info_command(const std::string& result);

}  // namespace partnersim::app
