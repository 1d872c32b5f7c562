#include "app/batch_mpi.h"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

#ifdef PARTNERSIM_WITH_MPI
#include <mpi.h>
#endif

namespace partnersim::app {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#ifndef PARTNERSIM_WITH_MPI

bool built_with_mpi() { return false; }
MpiSession::MpiSession(int& /*argc*/, char**& /*argv*/) {}
MpiSession::~MpiSession() = default;
int MpiSession::broadcast(int value) const { return value; }
std::uint64_t MpiSession::sum(std::uint64_t value) const { return value; }
int MpiSession::max(int value) const { return value; }
void MpiSession::barrier() const {}
std::unique_ptr<MpiRunSource> make_mpi_run_source(const MpiSession& /*session*/, RunSource* /*pending*/,
                                                  std::function<void(bool)> /*on_finished*/,
                                                  const std::atomic<bool>* /*stop*/) {
  throw std::logic_error("partnersim was built without MPI");
}

#else

namespace {

constexpr int kRequestTag = 1;
constexpr int kReplyTag = 2;
constexpr std::int64_t kNone = -1;
// The dispatcher polls instead of blocking in MPI_Recv: OpenMPI's blocking receive spins
// and would take a core from the runs on rank 0.
constexpr auto kPollInterval = std::chrono::milliseconds(2);

// Rank 0: local workers and remote ranks share one source of runs.
class DispatchingSource : public MpiRunSource {
 public:
  DispatchingSource(int ranks, RunSource& pending, std::function<void(bool)> on_finished, const std::atomic<bool>* stop)
      : local_(pending), on_finished_(std::move(on_finished)), stop_(stop), remaining_ranks_(ranks - 1) {
    dispatcher_ = std::thread([this] { serve(); });
  }
  ~DispatchingSource() override { close(); }
  DispatchingSource(const DispatchingSource&) = delete;
  DispatchingSource& operator=(const DispatchingSource&) = delete;

  std::optional<std::uint64_t> next() override {
    if (stopped()) return std::nullopt;
    return local_.next();
  }
  void finished(bool failed) override {
    if (on_finished_) on_finished_(failed);
  }
  void close() override {
    if (dispatcher_.joinable()) dispatcher_.join();
  }

 private:
  [[nodiscard]] bool stopped() const { return stop_ != nullptr && stop_->load(); }

  void serve() {
    while (remaining_ranks_ > 0) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kRequestTag, MPI_COMM_WORLD, &flag, &status);
      if (flag == 0) {
        std::this_thread::sleep_for(kPollInterval);
        continue;
      }
      std::int64_t request[2] = {0, 0};  // runs finished ok, failed since the last request
      MPI_Recv(request, 2, MPI_INT64_T, status.MPI_SOURCE, kRequestTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      for (std::int64_t i = 0; i < request[0]; ++i) finished(false);
      for (std::int64_t i = 0; i < request[1]; ++i) finished(true);
      const auto id = next();
      const std::int64_t reply = id ? static_cast<std::int64_t>(*id) : kNone;
      MPI_Send(&reply, 1, MPI_INT64_T, status.MPI_SOURCE, kReplyTag, MPI_COMM_WORLD);
      if (reply == kNone) --remaining_ranks_;
    }
  }

  RunSource& local_;  // thread-safe: the dispatcher and rank 0's workers take from it
  std::function<void(bool)> on_finished_;
  const std::atomic<bool>* stop_;
  int remaining_ranks_;
  std::thread dispatcher_;
};

// Other ranks: ask rank 0 for each run.
class RequestingSource : public MpiRunSource {
 public:
  ~RequestingSource() override { close(); }
  std::optional<std::uint64_t> next() override {
    const std::lock_guard lock(mutex_);
    return ask();
  }
  void finished(bool failed) override {
    const std::lock_guard lock(mutex_);
    ++(failed ? failed_ : ok_);
  }
  void close() override {
    const std::lock_guard lock(mutex_);
    // Rank 0 waits for every rank to hear "nothing left"; a rank that stopped early (an
    // interrupt) still asks once. A run handed out now stays missing, for the next resume.
    while (!exhausted_) ask();
  }

 private:
  std::optional<std::uint64_t> ask() {
    if (exhausted_) return std::nullopt;
    std::int64_t request[2] = {ok_, failed_};
    ok_ = 0;
    failed_ = 0;
    MPI_Send(request, 2, MPI_INT64_T, 0, kRequestTag, MPI_COMM_WORLD);
    std::int64_t reply = kNone;
    MPI_Recv(&reply, 1, MPI_INT64_T, 0, kReplyTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (reply == kNone) {
      exhausted_ = true;
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(reply);
  }

  std::mutex mutex_;
  bool exhausted_ = false;
  std::int64_t ok_ = 0;
  std::int64_t failed_ = 0;
};

}  // namespace

bool built_with_mpi() { return true; }

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Workers of a rank call MPI one at a time (RequestingSource's mutex); on rank 0 only the
  // dispatcher thread calls it while the runs go on.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  active_ = true;
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    active_ = false;
    throw std::runtime_error("the MPI library does not support MPI_THREAD_SERIALIZED");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  if (active_) MPI_Finalize();
}

int MpiSession::broadcast(int value) const {
  if (active_) MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

std::uint64_t MpiSession::sum(std::uint64_t value) const {
  std::uint64_t total = value;
  if (active_) MPI_Allreduce(&value, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

int MpiSession::max(int value) const {
  int result = value;
  if (active_) MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return result;
}

void MpiSession::barrier() const {
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
}

std::unique_ptr<MpiRunSource> make_mpi_run_source(const MpiSession& session, RunSource* pending,
                                                  std::function<void(bool)> on_finished,
                                                  const std::atomic<bool>* stop) {
  if (session.rank() == 0) {
    if (pending == nullptr) throw std::logic_error("rank 0 needs the runs to hand out");
    return std::make_unique<DispatchingSource>(session.size(), *pending, std::move(on_finished), stop);
  }
  return std::make_unique<RequestingSource>();
}

#endif

}  // namespace partnersim::app
