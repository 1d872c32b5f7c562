// Module parameters: declared once by each module (name, type, default, unit, range, doc,
// source) and resolved into a ParamSet from defaults, the scenario and --set overrides.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace partnersim {

enum class ParamType { Real, Integer, Boolean };
std::string_view name_of(ParamType t);

struct ParamSpec {
  std::string name;  // short name inside the module, e.g. "referral_rate"
  ParamType type = ParamType::Real;
  double default_value = 0.0;
  std::string unit;  // "1/month", "months", "PLN", "share", "" for counts
  double min = 0.0;
  double max = 0.0;
  std::string doc;     // one line
  std::string source;  // "[S] GUS 2021", "[G] assumption", ...

  // Empty when value is acceptable, otherwise what was expected.
  [[nodiscard]] std::string check(double value) const;
};

// Parses a parameter value written as text ("0.3", "12", "true"); nullopt if malformed.
std::optional<double> parse_param_value(ParamType type, std::string_view text);

// Full names are "module.param". Values are stored as double; integers and booleans are
// validated to be exact on entry, so reading them back is lossless.
class ParamSet {
 public:
  void set(const std::string& full_name, double value) { values_[full_name] = value; }
  [[nodiscard]] bool contains(const std::string& full_name) const { return values_.contains(full_name); }
  [[nodiscard]] double get(const std::string& full_name) const;  // throws if unknown

  [[nodiscard]] const std::map<std::string, double>& values() const { return values_; }

 private:
  std::map<std::string, double> values_;
};

// A module's view of its own parameters: looks up "module.name".
class ModuleParams {
 public:
  ModuleParams(const ParamSet& set, std::string module) : set_(&set), prefix_(std::move(module) + ".") {}
  [[nodiscard]] double real(std::string_view name) const { return set_->get(prefix_ + std::string(name)); }
  [[nodiscard]] int integer(std::string_view name) const { return static_cast<int>(real(name)); }
  [[nodiscard]] bool flag(std::string_view name) const { return real(name) != 0.0; }

 private:
  const ParamSet* set_;
  std::string prefix_;
};

}  // namespace partnersim
