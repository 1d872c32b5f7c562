// Deterministic parallel loops. Work is cut into fixed-size chunks that do not depend on
// the number of threads; results gathered per chunk are concatenated in chunk order, so a
// parallel pass produces exactly what the sequential pass would.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

// ThreadSanitizer cannot see oneTBB's synchronisation (Debian's libtbb.so is not
// instrumented), so under -fsanitize=thread the fork and join of every parallel loop are
// announced to it: what the caller did before the loop happens before every body, and every
// body happens before what the caller does after it. No code at all in other builds.
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);  // NOLINT(bugprone-reserved-identifier)
extern "C" void __tsan_release(void* addr);  // NOLINT(bugprone-reserved-identifier)
#endif

namespace partnersim {

struct ForkJoinAnnotation {
#if defined(__SANITIZE_THREAD__)
  char fork = 0;
  char join = 0;
  void before_fork() { __tsan_release(&fork); }
  void body_start() { __tsan_acquire(&fork); }
  void body_end() { __tsan_release(&join); }
  void after_join() { __tsan_acquire(&join); }
#else
  void before_fork() {}
  void body_start() {}
  void body_end() {}
  void after_join() {}
#endif
};

#if defined(__SANITIZE_THREAD__)
// oneTBB copies the loop body into every task it splits off (on the thread that splits) and
// runs it on the thread that takes the task, and recycles a finished task's memory for the
// next; all of it is ordered by atomics inside libtbb.so, which TSan does not see. Each copy
// of the body therefore acquires what it copies from, announces itself once written, and is
// acquired before it runs; its address also orders its destruction before the next object
// built in the same recycled memory.
class TsanAddressSync {
 protected:
  TsanAddressSync() { __tsan_acquire(this); }  // after whatever last used this memory
  TsanAddressSync(const TsanAddressSync& /*other*/) : TsanAddressSync() {}
  TsanAddressSync& operator=(const TsanAddressSync&) = delete;
  TsanAddressSync(TsanAddressSync&&) = delete;
  TsanAddressSync& operator=(TsanAddressSync&&) = delete;
  ~TsanAddressSync() { __tsan_release(this); }
  void publish() { __tsan_release(this); }
  void receive() const { __tsan_acquire(const_cast<TsanAddressSync*>(this)); }  // NOLINT: TSan's API is not const
};

template <typename F>
class AnnotatedBody : TsanAddressSync {
 public:
  explicit AnnotatedBody(F f) : f_(std::move(f)) { publish(); }
  AnnotatedBody(const AnnotatedBody& other) : TsanAddressSync(other), f_(received(other)) { publish(); }
  AnnotatedBody& operator=(const AnnotatedBody&) = delete;
  AnnotatedBody(AnnotatedBody&& other) : AnnotatedBody(static_cast<const AnnotatedBody&>(other)) {}
  AnnotatedBody& operator=(AnnotatedBody&&) = delete;
  ~AnnotatedBody() = default;
  template <typename Range>
  void operator()(const Range& range) const {
    receive();
    f_(range);
  }

 private:
  static const F& received(const AnnotatedBody& other) {
    other.receive();
    return other.f_;
  }
  F f_;
};

template <typename F>
AnnotatedBody<F> parallel_body(F f) {
  return AnnotatedBody<F>(std::move(f));
}
#else
template <typename F>
F parallel_body(F f) {
  return f;
}
#endif

inline constexpr std::size_t kPeopleChunk = 8192;
// Organisations per chunk of per-organisation passes (rows of the tie network, observation).
inline constexpr std::size_t kOrgRowChunk = 4096;

// f(begin, end) for each chunk [begin, end) of [0, n), in parallel.
template <typename F>
void parallel_chunks(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  ForkJoinAnnotation sync;
  sync.before_fork();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1),
                    parallel_body([&](const tbb::blocked_range<std::size_t>& r) {
                      sync.body_start();
                      for (std::size_t c = r.begin(); c != r.end(); ++c) f(c * chunk, std::min(n, (c + 1) * chunk));
                      sync.body_end();
                    }));
  sync.after_join();
}

// f(begin, end, result) fills one R per chunk; returns the per-chunk results in chunk
// order, for the caller to combine sequentially.
template <typename R, typename F>
std::vector<R> parallel_chunk_results(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t chunks = (n + chunk - 1) / chunk;
  std::vector<R> results(chunks);
  ForkJoinAnnotation sync;
  sync.before_fork();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1),
                    parallel_body([&](const tbb::blocked_range<std::size_t>& r) {
                      sync.body_start();
                      for (std::size_t c = r.begin(); c != r.end(); ++c) {
                        f(c * chunk, std::min(n, (c + 1) * chunk), results[c]);
                      }
                      sync.body_end();
                    }));
  sync.after_join();
  return results;
}

// f(begin, end, out) appends items for one chunk; returns all items in chunk order.
template <typename T, typename F>
std::vector<T> parallel_gather(std::size_t n, std::size_t chunk, F&& f) {
  auto parts = parallel_chunk_results<std::vector<T>>(n, chunk, std::forward<F>(f));
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  std::vector<T> all;
  all.reserve(total);
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace partnersim
