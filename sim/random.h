// Counter-based random streams (Random123 Philox4x64-10).
//
// A stream is a pure function of (seed, replicate, step, purpose, agent) plus a draw
// counter local to the stream object. Nothing is shared between threads, so results do not
// depend on how work is split: the same agent in the same step for the same purpose sees
// the same numbers whatever thread runs it.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace partnersim {

// Purposes separate streams used for different decisions of the same agent in one step.
// Derive them from a name at compile time: constexpr auto kRelapse = purpose("reintegration.relapse");
constexpr std::uint32_t purpose(std::string_view name) {
  std::uint32_t h = 2166136261U;  // FNV-1a
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
};

class RandomStream {
 public:
  using Philox = r123::Philox4x64;

  RandomStream(StreamKey key, std::uint32_t step, std::uint32_t purpose_id, std::uint64_t agent) {
    key_ = Philox::key_type{{key.seed, key.replicate}};
    ctr_ = Philox::ctr_type{{(static_cast<std::uint64_t>(step) << 32) | purpose_id, agent, 0, 0}};
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  bool bernoulli(double p) { return uniform() < p; }

  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32 for n < 2^32).
  std::uint64_t below(std::uint64_t n) {
    __extension__ typedef unsigned __int128 U128;
    const U128 product = static_cast<U128>(next_u64()) * n;
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Exponential with the given rate; used for random priorities.
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }

  std::uint64_t next_u64() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

 private:
  void refill() {
    block_ = Philox{}(ctr_, key_);
    ++ctr_.v[2];
    used_ = 0;
  }

  Philox::key_type key_{};
  Philox::ctr_type ctr_{};
  Philox::ctr_type block_{};
  unsigned used_ = 4;
};

}  // namespace partnersim
