// Monthly simulation clock: calendar months <-> step indices.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace partnersim {

// A calendar month. Ordered, so months compare as dates.
struct YearMonth {
  int year = 2000;
  int month = 1;  // 1..12

  // Parses exactly "YYYY-MM" (month 01..12); nullopt on anything else.
  static std::optional<YearMonth> parse(std::string_view text);
  [[nodiscard]] std::string str() const;  // "YYYY-MM"
  [[nodiscard]] int index() const { return year * 12 + (month - 1); }
  static YearMonth from_index(int months_since_year_zero);

  auto operator<=>(const YearMonth&) const = default;
};

// Step s of a run covers calendar month start + s. Dates before the start map to negative
// steps (an organisation founded before the run began), which is deliberate.
class Clock {
 public:
  Clock(YearMonth start, int steps) : start_(start), steps_(steps) {}

  [[nodiscard]] YearMonth start() const { return start_; }
  [[nodiscard]] int steps() const { return steps_; }
  [[nodiscard]] YearMonth last() const { return month_of(steps_ - 1); }
  [[nodiscard]] int step_of(YearMonth m) const { return m.index() - start_.index(); }
  [[nodiscard]] YearMonth month_of(int step) const { return YearMonth::from_index(start_.index() + step); }
  [[nodiscard]] bool in_run(YearMonth m) const {
    const int s = step_of(m);
    return s >= 0 && s < steps_;
  }

 private:
  YearMonth start_;
  int steps_;
};

}  // namespace partnersim
