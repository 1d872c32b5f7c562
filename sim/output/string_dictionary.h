// Internal to sim/output: the dictionary of a dictionary-coded text column (the `kind` and
// `note` of /events/log). Every distinct string gets a code, 0, 1, 2... in order of first
// appearance; the writer stores the code in the row and the strings once each in a dataset
// of their own, which it extends with the strings not yet written before it writes rows that
// use them. One variable-length string per row made HDF5's string conversion (one global-heap
// object per string) the slowest part of the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace partnersim::h5 {

class StringDictionary {
 public:
  // The code of `text`, a new one (the next number) for a string not seen before.
  std::uint32_t code(const std::string& text) {
    const auto [it, added] = codes_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
    if (added) strings_.push_back(text);
    return it->second;
  }

  [[nodiscard]] std::size_t size() const { return strings_.size(); }
  // The string of `code` (< size()).
  [[nodiscard]] const std::string& text(std::uint32_t code) const { return strings_.at(code); }

  // The strings given codes since the last mark_written(), in code order.
  [[nodiscard]] std::span<const std::string> unwritten() const {
    return std::span<const std::string>(strings_).subspan(written_);
  }
  [[nodiscard]] std::size_t written() const { return written_; }
  void mark_written() { written_ = strings_.size(); }

  // Starts over from the strings of a file being continued, codes 0.. in that order; all of
  // them count as written. Returns false (and keeps nothing) if a string appears twice.
  bool load(const std::vector<std::string>& strings) {
    codes_.clear();
    strings_.clear();
    written_ = 0;
    for (const std::string& s : strings) {
      if (!codes_.try_emplace(s, static_cast<std::uint32_t>(strings_.size())).second) {
        codes_.clear();
        strings_.clear();
        return false;
      }
      strings_.push_back(s);
    }
    written_ = strings_.size();
    return true;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> codes_;
  std::vector<std::string> strings_;
  std::size_t written_ = 0;
};

}  // namespace partnersim::h5
