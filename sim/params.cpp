#include "sim/params.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace partnersim {

std::string_view name_of(ParamType t) {
  switch (t) {
    case ParamType::Real:
      return "real";
    case ParamType::Integer:
      return "integer";
    case ParamType::Boolean:
      return "boolean";
  }
  return "?";
}

std::string ParamSpec::check(double value) const {
  std::ostringstream why;
  if (!std::isfinite(value)) return "a finite number";
  if (type == ParamType::Integer && value != std::floor(value)) {
    why << "an integer";
  } else if (type == ParamType::Boolean && value != 0.0 && value != 1.0) {
    why << "true or false";
  } else if (type != ParamType::Boolean && (value < min || value > max)) {
    why << "a value in [" << min << ", " << max << "]" << (unit.empty() ? "" : " " + unit);
  }
  return why.str();
}

std::optional<double> parse_param_value(ParamType type, std::string_view text) {
  if (type == ParamType::Boolean) {
    if (text == "true") return 1.0;
    if (text == "false") return 0.0;
    return std::nullopt;
  }
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

double ParamSet::get(const std::string& full_name) const {
  const auto it = values_.find(full_name);
  if (it == values_.end()) throw std::logic_error("parameter not declared: " + full_name);
  return it->second;
}

}  // namespace partnersim
