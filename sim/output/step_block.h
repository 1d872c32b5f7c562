// Internal to sim/output: the rows of one replicate for consecutive steps of a
// [replicate, step, width] array, kept until the chunk of steps they belong to is complete.
// The writer then hands them to HDF5 in one write instead of one per step: thousands of
// small writes per run, each under the HDF5 library's global lock, used to dominate a run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace partnersim::h5 {

template <typename T>
class StepBlock {
 public:
  // Whether a row of `step` continues this block (an empty block takes any step).
  [[nodiscard]] bool continues(std::uint64_t step) const { return rows_ == 0 || step == first_ + rows_; }
  [[nodiscard]] bool empty() const { return rows_ == 0; }
  [[nodiscard]] std::uint64_t first_step() const { return first_; }
  [[nodiscard]] std::uint64_t rows() const { return rows_; }
  [[nodiscard]] std::size_t width() const { return width_; }
  // rows() x width() values, step-major.
  [[nodiscard]] const T* data() const { return values_.data(); }

  // Appends the row of `step`; the caller checks continues(step) first.
  void append(std::uint64_t step, std::span<const T> row) {
    if (rows_ == 0) {
      first_ = step;
      width_ = row.size();
    }
    values_.insert(values_.end(), row.begin(), row.end());
    ++rows_;
  }

  // Empties the block, giving its memory back (only the replicates in progress hold any).
  void clear() {
    std::vector<T>().swap(values_);
    rows_ = 0;
    width_ = 0;
  }

 private:
  std::vector<T> values_;
  std::uint64_t first_ = 0;
  std::uint64_t rows_ = 0;
  std::size_t width_ = 0;
};

}  // namespace partnersim::h5
