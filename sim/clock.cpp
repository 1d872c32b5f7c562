#include "sim/clock.h"

#include <cstdio>

namespace partnersim {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<YearMonth> YearMonth::parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U}) {
    if (!is_digit(text[i])) return std::nullopt;
  }
  const int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12 || year < 1800) return std::nullopt;
  return YearMonth{year, month};
}

std::string YearMonth::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

YearMonth YearMonth::from_index(int months_since_year_zero) {
  // Floor division so that negative indices still give a valid month.
  int y = months_since_year_zero / 12;
  int m = months_since_year_zero % 12;
  if (m < 0) {
    m += 12;
    --y;
  }
  return YearMonth{y, m + 1};
}

}  // namespace partnersim
