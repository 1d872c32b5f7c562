#include "app/batch_workers.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include "app/commands.h"
#include "sim/output/hdf5_writer.h"

namespace partnersim::app {

namespace {

// Protocol: the batch sends a header (command line length as 4 bytes, then its bytes), then
// run ids as 8 bytes each; the worker answers each run with one byte (0 done, 1 failed).
// The batch closing its end means: nothing more to run.
constexpr std::uint8_t kRunDone = 0;
constexpr std::uint8_t kRunFailed = 1;
constexpr int kPollMilliseconds = 100;  // how soon a stop request is noticed

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// False on end of file or error.
bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string own_executable() {
  std::array<char, 4096> buf{};
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) throw OutputError("cannot find the partnersim executable to start worker processes (/proc/self/exe)");
  return {buf.data(), static_cast<std::size_t>(n)};
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

struct Worker {
  pid_t pid = -1;
  int to = -1;                       // run ids to the worker
  int from = -1;                     // answers from the worker
  std::optional<std::uint64_t> run;  // the run it has been given and not answered yet
  std::uint64_t given = 0;           // runs it has been given
  std::uint64_t answered = 0;        // runs it has answered

  void close_to() {
    if (to >= 0) ::close(to);
    to = -1;
  }
};

// Starts one worker; its ends of the pipes are the only descriptors it inherits.
Worker start_worker(const std::string& exe, std::vector<std::string> args) {
  std::array<int, 2> to{};
  std::array<int, 2> from{};
  if (::pipe2(to.data(), O_CLOEXEC) != 0)
    throw OutputError(std::string("cannot create a pipe: ") + std::strerror(errno));
  if (::pipe2(from.data(), O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(to[0]);
    ::close(to[1]);
    throw OutputError(std::string("cannot create a pipe: ") + std::strerror(error));
  }
  args.emplace_back("--worker-pipes");
  args.push_back(std::to_string(to[0]) + "," + std::to_string(from[1]));
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. A worker dies with the batch (kill -9 of the
    // batch must not leave runs going on behind the user's back).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(kRunFailed);
    ::signal(SIGPIPE, SIG_DFL);
    ::fcntl(to[0], F_SETFD, 0);
    ::fcntl(from[1], F_SETFD, 0);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  const int error = errno;
  ::close(to[0]);
  ::close(from[1]);
  if (pid < 0) {
    ::close(to[1]);
    ::close(from[0]);
    throw OutputError(std::string("cannot start a worker process: ") + std::strerror(error));
  }
  Worker w;
  w.pid = pid;
  w.to = to[1];
  w.from = from[0];
  return w;
}

// RunSource of a worker: ids from the batch's pipe, answers back.
class PipeRunSource : public RunSource {
 public:
  explicit PipeRunSource(WorkerPipes pipes) : pipes_(pipes) {}
  std::optional<std::uint64_t> next() override {
    std::uint64_t id = 0;
    if (!read_all(pipes_.read_fd, &id, sizeof id)) return std::nullopt;
    return id;
  }
  void finished(bool failed) override {
    const std::uint8_t answer = failed ? kRunFailed : kRunDone;
    static_cast<void>(write_all(pipes_.write_fd, &answer, 1));  // a batch that is gone hears nothing
  }

 private:
  WorkerPipes pipes_;
};

}  // namespace

BatchOutcome run_in_worker_processes(const BatchOptions& options, const Batch& batch, RunSource& pending,
                                     std::uint64_t count, int jobs, const std::atomic<bool>& stop,
                                     const std::function<void(bool)>& on_finished) {
  BatchOutcome outcome;
  if (count == 0) return outcome;
  // A worker that died must not take the batch with it when it is sent its next run.
  std::signal(SIGPIPE, SIG_IGN);
  const std::string exe = own_executable();
  std::vector<std::string> args = {exe, "batch", options.sweep, "-o", options.output, "--jobs", "1", "--quiet"};
  if (options.steps) {
    args.emplace_back("--steps");
    args.push_back(std::to_string(*options.steps));
  }
  const auto header_size = static_cast<std::uint32_t>(options.command_line.size());
  // A worker process's memory creeps up over its first thousand runs or so (heap and HDF5
  // state: 31.2 MB after 50 Sopot runs, 32.4 MB after 4,000), so each is replaced after
  // options.runs_per_process runs (default 50): a sweep of any size then needs the memory of
  // a short one, for one process start (about 43 ms of CPU) per 50 runs.
  const auto runs_per_process = static_cast<std::uint64_t>(std::max(options.runs_per_process, 1));

  std::optional<std::uint64_t> held;  // taken from `pending`, not yet given to a worker
  bool exhausted = false;
  std::uint64_t handed = 0;
  const auto take = [&]() -> std::optional<std::uint64_t> {
    if (!held && !exhausted) {
      held = pending.next();
      exhausted = !held;
    }
    return held;
  };
  const auto give_run = [&](Worker& w) {
    if (stop.load() || w.given >= runs_per_process || !take()) {
      w.close_to();  // it finishes and exits; one that has done its share is replaced
      return;
    }
    const std::uint64_t id = *held;
    if (!write_all(w.to, &id, sizeof id)) {
      w.close_to();  // it died (its end of file comes through `from`); the run goes to another
      return;
    }
    held.reset();
    w.run = id;
    ++w.given;
    ++handed;
  };

  std::vector<Worker> workers;
  const auto add_worker = [&] {
    workers.push_back(start_worker(exe, args));
    Worker& w = workers.back();
    if (!write_all(w.to, &header_size, sizeof header_size) ||
        !write_all(w.to, options.command_line.data(), options.command_line.size())) {
      w.close_to();
      return;
    }
    give_run(w);
  };
  const std::uint64_t first_workers = std::min<std::uint64_t>(static_cast<std::uint64_t>(std::max(jobs, 1)), count);
  for (std::uint64_t i = 0; i < first_workers; ++i) add_worker();

  bool stopping = false;
  std::string lost;  // workers that died for no reason we know of
  std::vector<pollfd> fds;
  std::vector<Worker*> polled;
  std::size_t replacements = 0;  // workers to start in place of ones that ended
  for (;;) {
    for (; replacements > 0; --replacements) {
      if (!stop.load() && take()) add_worker();
    }
    if (stop.load() && !stopping) {
      stopping = true;
      for (Worker& w : workers) {
        w.close_to();
        if (w.from >= 0) ::kill(w.pid, SIGTERM);
      }
    }
    fds.clear();
    polled.clear();
    for (Worker& w : workers) {
      if (w.from < 0) continue;
      fds.push_back(pollfd{w.from, POLLIN, 0});
      polled.push_back(&w);
    }
    if (fds.empty()) break;
    const int ready = ::poll(fds.data(), fds.size(), kPollMilliseconds);
    if (ready < 0 && errno != EINTR)
      throw OutputError(std::string("cannot wait for worker processes: ") + std::strerror(errno));
    if (ready <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Worker& w = *polled[i];
      std::uint8_t answer = 0;
      if (read_all(w.from, &answer, 1)) {
        ++outcome.ran;
        ++w.answered;
        if (answer != kRunDone) ++outcome.failed;
        w.run.reset();
        on_finished(answer != kRunDone);
        give_run(w);
        continue;
      }
      // End of file: the worker is gone (done, stopped or dead).
      ::close(w.from);
      w.from = -1;
      w.close_to();
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (w.run && !stopping && batch.status(*w.run) == RunStatus::Done) {
        // It died after its run's file was in place, before it could say so: the run is done.
        ++outcome.ran;
        on_finished(false);
      } else if (w.run && !stopping) {
        const std::string why =
            "the worker process " + std::to_string(w.pid) + " running it " + describe_status(status);
        batch.record_failure(*w.run, why);
        ++outcome.ran;
        ++outcome.failed;
        on_finished(true);
        lost += (lost.empty() ? "" : "; ") + why;
      } else if (!w.run && !stopping && !(WIFEXITED(status) && WEXITSTATUS(status) == kOk)) {
        lost += (lost.empty() ? "" : "; ") +
                ("the worker process " + std::to_string(w.pid) + " " + describe_status(status));
      }
      // Replaced if it did any work (one that dies before its first answer would only die again).
      if (w.answered > 0) ++replacements;
      w.run.reset();
    }
  }
  outcome.interrupted = stopping;
  if (!stopping && take()) {
    throw OutputError(std::to_string(count > handed ? count - handed : 1) +
                      " runs were left undone: " + (lost.empty() ? std::string("no worker process was left") : lost));
  }
  return outcome;
}

bool parse_worker_pipes(const std::string& text, WorkerPipes& pipes) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return false;
  const auto number = [](std::string_view s, int& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty() && out >= 0;
  };
  const std::string_view all(text);
  return number(all.substr(0, comma), pipes.read_fd) && number(all.substr(comma + 1), pipes.write_fd);
}

std::string read_worker_command_line(const WorkerPipes& pipes) {
  std::uint32_t size = 0;
  if (!read_all(pipes.read_fd, &size, sizeof size)) throw OutputError("worker: the batch sent no command line");
  std::string text(size, '\0');
  if (!read_all(pipes.read_fd, text.data(), text.size())) throw OutputError("worker: the batch's command line was cut");
  return text;
}

int serve_runs(const Batch& batch, const WorkerPipes& pipes, const std::atomic<bool>& stop) {
  PipeRunSource source(pipes);
  const BatchOutcome outcome = batch.execute(source, 1, &stop);
  return outcome.interrupted ? kInterrupted : kOk;
}

}  // namespace partnersim::app
