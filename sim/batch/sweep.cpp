#include "sim/batch/sweep.h"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "sim/random.h"
#include "sim/resources.h"
#include "sim/scenario/yaml_reader.h"

namespace partnersim {

namespace {

using scenario_detail::did_you_mean;
using scenario_detail::join;
using scenario_detail::Map;
using scenario_detail::quote;
using scenario_detail::Reader;
using scenario_detail::Value;

constexpr std::int64_t kMaxRuns = std::int64_t{1} << 31;
// A base scenario is a text file of some 100 KB; far larger is not a scenario.
constexpr std::uintmax_t kMaxScenarioBytes = std::uintmax_t{64} << 20U;

struct DesignName {
  std::string_view name;
  DesignKind kind;
};
constexpr std::array<DesignName, 6> kDesigns{{{"list", DesignKind::List},
                                              {"grid", DesignKind::Grid},
                                              {"latin_hypercube", DesignKind::LatinHypercube},
                                              {"sobol", DesignKind::Sobol},
                                              {"saltelli", DesignKind::Saltelli},
                                              {"morris", DesignKind::Morris}}};

bool uses_ranges(DesignKind kind) { return kind != DesignKind::List && kind != DesignKind::Grid; }

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string exact(double v) {
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%.17g", v);
  return buf.data();
}

class SweepParser {
 public:
  SweepParser(std::string_view text, const std::string& path, std::optional<int> steps, const ModuleRegistry& registry)
      : text_(text), path_(path), steps_override_(steps), registry_(registry), reader_(path) {}

  SweepSpec run() {
    // Loaded as scenario files are: guarded against yaml-cpp's hang on a stray ',' (a bare
    // YAML::Load loops for ever), one document only, no alias bombs or deep nesting.
    std::vector<YAML::Node> documents;
    try {
      documents = scenario_detail::load_all_documents(std::string(text_));
    } catch (const YAML::Exception& e) {
      const bool known = !e.mark.is_null();
      throw ScenarioError(path_, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0, "",
                          "invalid YAML: " + e.msg);
    }
    if (documents.size() > 1) {
      reader_.fail(documents[1].Mark(), "",
                   "expected one YAML document; the file holds " + std::to_string(documents.size()) +
                       " (remove the \"---\" separator)");
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    if (root.IsDefined() && !root.IsNull()) scenario_detail::check_document_shape(reader_, root, text_.size());
    if (!root.IsMap()) reader_.fail(root.Mark(), "", "expected a sweep: a map of keys (scenario, design, ...)");
    const Map top(reader_, Value{root, "", root.Mark()});
    top.allow({"scenario", "steps", "seed", "replicates", "common_random_numbers", "design", "points", "trajectories",
               "levels", "parameters", "metrics"});
    spec_.path = path_;
    spec_.text = std::string(text_);
    read_scenario(top.require("scenario"));
    if (const auto v = top.get("steps")) spec_.steps = static_cast<int>(reader_.integer(*v, 1, 100000));
    if (steps_override_) spec_.steps = steps_override_;
    spec_.seed = reader_.unsigned_integer(top.require("seed"));
    if (const auto v = top.get("replicates")) spec_.replicates = static_cast<int>(reader_.integer(*v, 1, 1000000));
    if (const auto v = top.get("common_random_numbers")) spec_.common_random_numbers = boolean(*v);
    read_design(top);
    read_parameters(top.require("parameters"));
    if (const auto v = top.get("metrics")) read_metrics(*v);
    check_size(top);
    validate_base();
    return std::move(spec_);
  }

 private:
  bool boolean(const Value& v) const {
    const std::string text = reader_.plain_scalar(v, "true or false");
    if (text == "true") return true;
    if (text == "false") return false;
    reader_.fail_expected(v, "true or false");
  }

  void read_scenario(const Value& v) {
    const std::string relative = reader_.nonempty_string(v);
    std::filesystem::path p(relative);
    if (p.is_relative()) p = std::filesystem::path(path_).parent_path() / p;
    spec_.scenario_path = p.lexically_normal().string();
    // Only a regular file of sane size: a device or a FIFO (/dev/zero, /dev/stdin) would be
    // read for ever or block.
    std::error_code ec;
    const auto status = std::filesystem::status(spec_.scenario_path, ec);
    if (!ec && status.type() != std::filesystem::file_type::regular) {
      reader_.fail(v, "the base scenario " + spec_.scenario_path + " is not a regular file");
    }
    if (!ec && std::filesystem::file_size(spec_.scenario_path, ec) > kMaxScenarioBytes && !ec) {
      reader_.fail(v, "the base scenario " + spec_.scenario_path + " is larger than " +
                          std::to_string(kMaxScenarioBytes >> 20U) + " MiB");
    }
    std::string error;
    auto text = read_file(spec_.scenario_path, error);
    if (!text) reader_.fail(v, "cannot read the base scenario " + spec_.scenario_path + ": " + error);
    spec_.scenario_text = std::move(*text);
  }

  void read_design(const Map& top) {
    const Value v = top.require("design");
    const std::string name = reader_.nonempty_string(v);
    std::vector<std::string> names;
    names.reserve(kDesigns.size());
    for (const auto& d : kDesigns) names.emplace_back(d.name);
    const auto* it =
        std::find_if(kDesigns.begin(), kDesigns.end(), [&](const DesignName& d) { return d.name == name; });
    if (it == kDesigns.end()) {
      reader_.fail(v, "unknown design " + quote(name) + did_you_mean(name, names) + "; designs: " + join(names));
    }
    spec_.design = it->kind;
    const auto needs = [&](const char* key, bool needed) {
      if (!needed && top.has(key)) {
        const auto at = *top.get(key);
        reader_.fail(at, std::string(key) + " does not apply to design " + std::string(it->name));
      }
      return needed ? std::optional<Value>(top.require(key)) : std::nullopt;
    };
    const DesignKind k = spec_.design;
    if (auto p =
            needs("points", k == DesignKind::LatinHypercube || k == DesignKind::Sobol || k == DesignKind::Saltelli)) {
      spec_.points = static_cast<int>(reader_.integer(*p, 1, 10000000));
    }
    if (auto t = needs("trajectories", k == DesignKind::Morris)) {
      spec_.trajectories = static_cast<int>(reader_.integer(*t, 1, 1000000));
    }
    if (auto l = needs("levels", k == DesignKind::Morris)) {
      spec_.levels = static_cast<int>(reader_.integer(*l, 2, 1000));
      if (spec_.levels % 2 != 0) reader_.fail_expected(*l, "an even number of levels (the Morris step is levels/2)");
    }
  }

  // A value of the parameter, as the scenario's `parameters` section would take it.
  double param_value(const SweepParameter& p, const Value& v) const {
    const std::string expected = p.spec->type == ParamType::Boolean   ? "true or false"
                                 : p.spec->type == ParamType::Integer ? "an integer"
                                                                      : "a number";
    const std::string text = reader_.plain_scalar(v, expected);
    const auto value = parse_param_value(p.spec->type, text);
    if (!value || !std::isfinite(*value)) reader_.fail_expected(v, expected);
    if (const std::string why = p.spec->check(*value); !why.empty()) {
      reader_.fail(v, p.name + ": " + why + " (unit " + unit_text(p) + ")");
    }
    return *value;
  }

  static std::string unit_text(const SweepParameter& p) {
    return p.spec->unit.empty() ? std::string("none: a count") : quote(p.spec->unit);
  }

  void read_parameters(const Value& v) {
    if (!v.node.IsMap() || v.node.size() == 0) {
      reader_.fail_expected(v, "a map of parameters to vary, e.g. reintegration.referral_rate: {min: 0.02, max: 0.2}");
    }
    const Map params(reader_, v);
    std::vector<std::string> all;
    for (const auto& m : registry_.modules()) {
      for (const auto& p : m.params) all.push_back(m.name + "." + p.name);
    }
    for (const auto& entry : params.entries()) {
      SweepParameter p;
      p.name = entry.key;
      p.spec = registry_.find_param(entry.key);
      if (p.spec == nullptr) {
        reader_.fail(entry.key_mark, entry.value.path,
                     "unknown parameter " + quote(entry.key) + did_you_mean(entry.key, all) +
                         "; `partnersim params` lists them");
      }
      read_parameter(p, entry.value);
      spec_.parameters.push_back(std::move(p));
    }
    if (spec_.design == DesignKind::List) {
      const std::size_t n = spec_.parameters.front().values.size();
      for (std::size_t i = 0; i < params.entries().size(); ++i) {
        if (spec_.parameters[i].values.size() != n) {
          reader_.fail(params.entries()[i].value,
                       "design list takes the i-th value of every parameter, so every list needs the same length: " +
                           std::to_string(spec_.parameters[i].values.size()) + " values here, " + std::to_string(n) +
                           " for " + spec_.parameters.front().name);
        }
      }
    }
  }

  void read_parameter(SweepParameter& p, const Value& v) {
    if (!v.node.IsMap()) reader_.fail_expected(v, "a map with values, or min and max (and unit)");
    const Map m(reader_, v);
    m.allow({"values", "min", "max", "levels", "unit"});
    if (const auto u = m.get("unit")) {
      const std::string unit = reader_.string(*u);
      if (unit != p.spec->unit) {
        reader_.fail(*u, "unit of " + p.name + " is " + unit_text(p) + ", not " + quote(unit));
      }
    }
    const bool ranges = uses_ranges(spec_.design);
    const std::string design(name_of(spec_.design));
    if (const auto values = m.get("values")) {
      if (ranges) reader_.fail(*values, "design " + design + " samples a range: give min and max, not values");
      if (m.has("min") || m.has("max") || m.has("levels")) {
        reader_.fail(*values, "give either values or min, max and levels, not both");
      }
      for (const Value& item : reader_.list(*values, false)) p.values.push_back(param_value(p, item));
      if (p.values.empty()) reader_.fail_expected(*values, "a non-empty list of values");
      return;
    }
    if (spec_.design == DesignKind::List) reader_.fail(v, "design list needs values for every parameter");
    const Value lo = m.require("min");
    const Value hi = m.require("max");
    if (p.spec->type == ParamType::Boolean) {
      reader_.fail(v, p.name + " is a boolean: vary it with values [false, true] in a grid or list design");
    }
    if (!p.spec->unit.empty() && !m.has("unit")) {
      reader_.fail(v, "a range of " + p.name + " must state its unit: unit: " + p.spec->unit);
    }
    p.min = param_value(p, lo);
    p.max = param_value(p, hi);
    if (!(p.min < p.max)) reader_.fail(hi, "max (" + exact(p.max) + ") must be above min (" + exact(p.min) + ")");
    if (const auto l = m.get("levels")) {
      if (ranges) reader_.fail(*l, "levels applies to grid ranges only; design " + design + " samples the range");
      p.levels = static_cast<int>(reader_.integer(*l, 2, 100000));
      for (int i = 0; i < p.levels; ++i) {
        const double u = static_cast<double>(i) / static_cast<double>(p.levels - 1);
        double x = p.min + u * (p.max - p.min);
        if (p.spec->type == ParamType::Integer) x = std::round(x);
        p.values.push_back(x);
      }
    } else if (!ranges) {
      reader_.fail(v, "a grid over a range needs levels (how many evenly spaced values from min to max)");
    }
  }

  void read_metrics(const Value& v) {
    std::vector<std::string> known;
    for (const auto& m : registry_.all_metrics()) known.push_back(m.name);
    for (const Value& item : reader_.list(v, false)) {
      const std::string name = reader_.nonempty_string(item);
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        reader_.fail(item,
                     "unknown metric " + quote(name) + did_you_mean(name, known) + "; `partnersim metrics` lists them");
      }
      spec_.metrics.push_back(name);
    }
  }

  void check_size(const Map& top) const {
    const auto k = static_cast<std::int64_t>(spec_.parameters.size());
    const auto points =
        static_cast<std::int64_t>(std::min<std::uint64_t>(design_point_count(spec_), std::uint64_t{kMaxRuns} + 1));
    if ((spec_.design == DesignKind::Sobol || spec_.design == DesignKind::Saltelli) && 2 * k > 3000) {
      reader_.fail(top.require("parameters"), "too many parameters for a Sobol sequence");
    }
    if (points * spec_.replicates > kMaxRuns) {
      reader_.fail(top.self(), "the sweep has " + std::to_string(points) + " points x " +
                                   std::to_string(spec_.replicates) + " replicates: more than 2^31 runs");
    }
    // `batch` lists every design point, and the index (read back whole by the analysis) and
    // the design tools list every run; refused here rather than killed by the kernel (a
    // valid sweep may have up to 2^31 runs).
    const auto runs = static_cast<std::uint64_t>(points) * static_cast<std::uint64_t>(spec_.replicates);
    const std::uint64_t bytes =
        static_cast<std::uint64_t>(points) * (sizeof(DesignPoint) + static_cast<std::uint64_t>(k) * sizeof(double)) +
        runs * (sizeof(SweepRun) + sizeof(std::uint64_t));
    if (const std::uint64_t limit = memory_limit(); bytes > limit) {
      reader_.fail(top.self(), "the sweep has " + std::to_string(points) + " points x " +
                                   std::to_string(spec_.replicates) +
                                   " replicates; listing its runs would need about " + std::to_string(bytes >> 20U) +
                                   " MiB of memory but this machine allows " + std::to_string(limit >> 20U) + " MiB");
    }
  }

  // The base scenario must be valid with the sweep's steps (the varied values are checked
  // per run: a combination that breaks a cross-parameter rule is a failed run).
  void validate_base() const {
    ScenarioOverrides overrides;
    overrides.steps = spec_.steps;
    overrides.replicates = 1;
    static_cast<void>(parse_scenario(spec_.scenario_text, spec_.scenario_path, overrides, registry_));
  }

  std::string_view text_;
  std::string path_;
  std::optional<int> steps_override_;
  const ModuleRegistry& registry_;
  Reader reader_;
  SweepSpec spec_;
};

double scaled(const SweepParameter& p, double u) {
  double x = p.min + u * (p.max - p.min);
  if (p.spec->type == ParamType::Integer) x = std::round(x);
  return std::clamp(x, p.min, p.max);
}

// The Sobol sequence from its point 0 (the origin), coordinate by coordinate. Boost's engine
// starts at point 1; with point 0 the first 2^m points form a (t, m, s)-net, so that every
// parameter's range is evenly stratified.
class SobolSequence {
 public:
  explicit SobolSequence(std::size_t dimension) : engine_(dimension), dimension_(dimension) {}
  double next() {
    if (served_ < dimension_) {
      ++served_;
      return 0.0;
    }
    return static_cast<double>(engine_()) / 4294967296.0;  // 2^32
  }

 private:
  boost::random::sobol_engine<std::uint32_t, 32> engine_;
  std::size_t dimension_;
  std::size_t served_ = 0;
};

}  // namespace

std::string_view name_of(DesignKind kind) {
  for (const auto& d : kDesigns) {
    if (d.kind == kind) return d.name;
  }
  return "?";
}

SweepSpec parse_sweep(std::string_view text, const std::string& path_for_messages, std::optional<int> steps_override,
                      const ModuleRegistry& registry) {
  return SweepParser(text, path_for_messages, steps_override, registry).run();
}

SweepSpec load_sweep(const std::string& path, std::optional<int> steps_override, const ModuleRegistry& registry) {
  std::string error;
  const auto text = read_file(path, error);
  if (!text) throw ScenarioError(path, 0, 0, "", "cannot read file: " + error);
  return parse_sweep(*text, path, steps_override, registry);
}

std::uint64_t design_point_count(const SweepSpec& sweep) {
  const auto k = static_cast<std::uint64_t>(sweep.parameters.size());
  switch (sweep.design) {
    case DesignKind::List:
      return sweep.parameters.empty() ? 0 : sweep.parameters.front().values.size();
    case DesignKind::Grid: {
      // Saturates above 2^31 runs (the most a sweep may have), so it cannot overflow.
      std::uint64_t points = 1;
      for (const auto& p : sweep.parameters) {
        points = std::min<std::uint64_t>(points * p.values.size(), std::uint64_t{kMaxRuns} + 1);
      }
      return points;
    }
    case DesignKind::LatinHypercube:
    case DesignKind::Sobol:
      return static_cast<std::uint64_t>(sweep.points);
    case DesignKind::Saltelli:
      return static_cast<std::uint64_t>(sweep.points) * (k + 2);
    case DesignKind::Morris:
      return static_cast<std::uint64_t>(sweep.trajectories) * (k + 1);
  }
  return 0;
}

std::vector<DesignPoint> design_points(const SweepSpec& sweep) {
  const auto& params = sweep.parameters;
  const std::size_t k = params.size();
  std::vector<DesignPoint> points;
  switch (sweep.design) {
    case DesignKind::List: {
      const std::size_t n = params.front().values.size();
      for (std::size_t i = 0; i < n; ++i) {
        DesignPoint p;
        for (const auto& param : params) p.values.push_back(param.values[i]);
        p.group = static_cast<std::int32_t>(i);
        points.push_back(std::move(p));
      }
      break;
    }
    case DesignKind::Grid: {
      // Last parameter varies fastest.
      std::vector<std::size_t> at(k, 0);
      for (std::int32_t i = 0;; ++i) {
        DesignPoint p;
        for (std::size_t j = 0; j < k; ++j) p.values.push_back(params[j].values[at[j]]);
        p.group = i;
        points.push_back(std::move(p));
        std::size_t j = k;
        while (j > 0) {
          --j;
          if (++at[j] < params[j].values.size()) break;
          at[j] = 0;
          if (j == 0) return points;
        }
        if (k == 0) return points;
      }
    }
    case DesignKind::LatinHypercube: {
      const auto n = static_cast<std::uint32_t>(sweep.points);
      points.resize(n);
      for (std::uint32_t i = 0; i < n; ++i) points[i].group = static_cast<std::int32_t>(i);
      for (std::size_t j = 0; j < k; ++j) {
        // One stream per parameter: the strata of each parameter are shuffled independently.
        RandomStream rng(StreamKey{sweep.seed, 0}, 0, purpose("batch.latin_hypercube"), j);
        std::vector<std::uint32_t> stratum(n);
        std::iota(stratum.begin(), stratum.end(), 0U);
        for (std::uint32_t i = n; i > 1; --i) std::swap(stratum[i - 1], stratum[rng.below(i)]);
        for (std::uint32_t i = 0; i < n; ++i) {
          const double u = (static_cast<double>(stratum[i]) + rng.uniform()) / static_cast<double>(n);
          points[i].values.push_back(scaled(params[j], u));
        }
      }
      break;
    }
    case DesignKind::Sobol: {
      SobolSequence sobol(k);
      for (std::int32_t i = 0; i < sweep.points; ++i) {
        DesignPoint p;
        p.group = i;
        for (std::size_t j = 0; j < k; ++j) p.values.push_back(scaled(params[j], sobol.next()));
        points.push_back(std::move(p));
      }
      break;
    }
    case DesignKind::Saltelli: {
      SobolSequence sobol(2 * k);
      std::vector<double> a(k);
      std::vector<double> b(k);
      for (std::int32_t i = 0; i < sweep.points; ++i) {
        for (std::size_t j = 0; j < k; ++j) a[j] = scaled(params[j], sobol.next());
        for (std::size_t j = 0; j < k; ++j) b[j] = scaled(params[j], sobol.next());
        points.push_back(DesignPoint{a, i, 0, -1});
        points.push_back(DesignPoint{b, i, 1, -1});
        for (std::size_t j = 0; j < k; ++j) {
          std::vector<double> ab = a;
          ab[j] = b[j];
          points.push_back(
              DesignPoint{std::move(ab), i, static_cast<std::int32_t>(2 + j), static_cast<std::int32_t>(j)});
        }
      }
      break;
    }
    case DesignKind::Morris: {
      // Levels 0..p-1; the step is p/2 levels (Morris's delta = p / (2 (p - 1))). From a random
      // base, each parameter in a random order moves once, up if it can, else down.
      const int p_levels = sweep.levels;
      const int jump = p_levels / 2;
      const auto level_value = [&](std::size_t j, int level) {
        return scaled(params[j], static_cast<double>(level) / static_cast<double>(p_levels - 1));
      };
      for (std::int32_t t = 0; t < sweep.trajectories; ++t) {
        RandomStream rng(StreamKey{sweep.seed, 0}, 0, purpose("batch.morris"), static_cast<std::uint64_t>(t));
        std::vector<int> level(k);
        for (auto& l : level) l = static_cast<int>(rng.below(static_cast<std::uint64_t>(p_levels)));
        std::vector<std::size_t> order(k);
        std::iota(order.begin(), order.end(), std::size_t{0});
        for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        const auto point_at = [&](std::int32_t position, std::int32_t factor) {
          DesignPoint p;
          for (std::size_t j = 0; j < k; ++j) p.values.push_back(level_value(j, level[j]));
          p.group = t;
          p.position = position;
          p.factor = factor;
          return p;
        };
        points.push_back(point_at(0, -1));
        for (std::size_t s = 0; s < k; ++s) {
          const std::size_t j = order[s];
          level[j] += level[j] + jump <= p_levels - 1 ? jump : -jump;
          points.push_back(point_at(static_cast<std::int32_t>(s + 1), static_cast<std::int32_t>(j)));
        }
      }
      break;
    }
  }
  return points;
}

std::uint64_t run_seed(const SweepSpec& sweep, std::uint32_t point, std::uint32_t replicate) {
  constexpr std::uint64_t kEveryPoint = ~std::uint64_t{0};
  RandomStream rng(StreamKey{sweep.seed, replicate}, 0, purpose("batch.run_seed"),
                   sweep.common_random_numbers ? kEveryPoint : point);
  return rng.next_u64();
}

SweepRun sweep_run(const SweepSpec& sweep, std::uint64_t id) {
  const auto replicates = static_cast<std::uint64_t>(sweep.replicates);
  const auto point = static_cast<std::uint32_t>(id / replicates);
  const auto replicate = static_cast<std::uint32_t>(id % replicates);
  return SweepRun{id, point, replicate, run_seed(sweep, point, replicate)};
}

std::vector<SweepRun> sweep_runs(const SweepSpec& sweep, std::size_t point_count) {
  const std::uint64_t count = std::uint64_t{point_count} * static_cast<std::uint64_t>(sweep.replicates);
  std::vector<SweepRun> runs;
  runs.reserve(count);
  for (std::uint64_t id = 0; id < count; ++id) runs.push_back(sweep_run(sweep, id));
  return runs;
}

std::vector<std::uint32_t> van_der_corput_order(std::uint32_t n) {
  std::vector<std::uint32_t> order;
  order.reserve(n);
  unsigned bits = 0;
  while ((std::uint64_t{1} << bits) < n) ++bits;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << bits); ++i) {
    std::uint64_t r = 0;
    for (unsigned b = 0; b < bits; ++b) r |= ((i >> b) & 1U) << (bits - 1 - b);
    if (r < n) order.push_back(static_cast<std::uint32_t>(r));
  }
  return order;
}

std::vector<std::uint32_t> point_run_order(const std::vector<DesignPoint>& points) {
  // Points of a group are consecutive in design order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> groups;  // first point, count
  for (std::uint32_t i = 0; i < points.size(); ++i) {
    if (i == 0 || points[i].group != points[i - 1].group) groups.emplace_back(i, 0);
    ++groups.back().second;
  }
  std::vector<std::uint32_t> order;
  order.reserve(points.size());
  for (const std::uint32_t g : van_der_corput_order(static_cast<std::uint32_t>(groups.size()))) {
    for (std::uint32_t i = 0; i < groups[g].second; ++i) order.push_back(groups[g].first + i);
  }
  return order;
}

std::vector<std::uint64_t> run_order(const SweepSpec& sweep, const std::vector<DesignPoint>& points) {
  const auto replicates = static_cast<std::uint64_t>(sweep.replicates);
  const std::vector<std::uint32_t> point_order = point_run_order(points);
  std::vector<std::uint64_t> order;
  order.reserve(points.size() * replicates);
  for (std::uint64_t r = 0; r < replicates; ++r) {
    for (const std::uint32_t p : point_order) order.push_back(p * replicates + r);
  }
  return order;
}

std::vector<std::string> point_overrides(const SweepSpec& sweep, const DesignPoint& point) {
  std::vector<std::string> set;
  for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
    const auto& p = sweep.parameters[j];
    const double v = point.values[j];
    const std::string text = p.spec->type == ParamType::Boolean ? (v != 0.0 ? "true" : "false") : exact(v);
    set.push_back(p.name + "=" + text);
  }
  return set;
}

std::string sweep_fingerprint(const SweepSpec& sweep) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  const auto add = [&h](std::string_view s) {
    for (const char c : s) {
      h ^= static_cast<std::uint8_t>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0xFFU;  // separator
    h *= 1099511628211ULL;
  };
  add("partnersim sweep 1");
  add(sweep.text);
  add(sweep.scenario_text);
  add(sweep.steps ? std::to_string(*sweep.steps) : "-");
  std::array<char, 17> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx", static_cast<unsigned long long>(h));
  return buf.data();
}

}  // namespace partnersim
