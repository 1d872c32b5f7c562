#include "app/comparison.h"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <unistd.h>

namespace partnersim::app {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double last(const std::vector<double>& series) { return series.empty() ? kNaN : series.back(); }

double sum(const std::vector<double>& series) { return std::accumulate(series.begin(), series.end(), 0.0); }

// A ratio that is undefined (NaN), not infinite, when the denominator is zero.
double ratio(double numerator, double denominator) {
  if (std::isnan(numerator) || std::isnan(denominator) || denominator == 0.0) return kNaN;
  return numerator / denominator;
}

// Mean over the months where the metric is defined (NaN if it never is).
double mean_skipping_nan(const std::vector<double>& series) {
  double total = 0.0;
  int count = 0;
  for (double v : series) {
    if (std::isnan(v)) continue;
    total += v;
    ++count;
  }
  return count == 0 ? kNaN : total / count;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The key outcomes. Cities differ in size, so counts come with normalised companions (shares
// of, or rates per 100 of, the excluded people the scenario tracks: people_total).

const std::vector<KeyOutcome>& key_outcomes() {
  static const std::vector<KeyOutcome> outcomes{
      {"reintegrated_share_end",
       "Reintegrated share at the end",
       "share",
       "(people_employed_social + people_employed_open) / people_total in the last month",
       {"people_employed_social", "people_employed_open", "people_total"},
       [](OutcomeInputs in) { return ratio(last(*in[0]) + last(*in[1]), last(*in[2])); }},
      {"social_economy_jobs_end",
       "Social-economy jobs at the end",
       "jobs",
       "social_economy_jobs in the last month",
       {"social_economy_jobs"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"social_economy_jobs_per_100_people_end",
       "Social-economy jobs per 100 people tracked, at the end",
       "jobs per 100 persons",
       "100 x social_economy_jobs / people_total in the last month",
       {"social_economy_jobs", "people_total"},
       [](OutcomeInputs in) { return 100.0 * ratio(last(*in[0]), last(*in[1])); }},
      {"people_employed_open_end",
       "Employed on the open market at the end",
       "persons",
       "people_employed_open in the last month",
       {"people_employed_open"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"people_in_programme_end",
       "In a programme at the end",
       "persons",
       "people_in_programme in the last month",
       {"people_in_programme"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"people_in_programme_share_end",
       "Share in a programme at the end",
       "share",
       "people_in_programme / people_total in the last month",
       {"people_in_programme", "people_total"},
       [](OutcomeInputs in) { return ratio(last(*in[0]), last(*in[1])); }},
      {"people_street_end",
       "Sleeping rough at the end",
       "persons",
       "people_street in the last month",
       {"people_street"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"people_street_share_end",
       "Share sleeping rough at the end",
       "share",
       "people_street / people_total in the last month",
       {"people_street", "people_total"},
       [](OutcomeInputs in) { return ratio(last(*in[0]), last(*in[1])); }},
      {"job_entries_total",
       "Job entries over the run",
       "persons",
       "sum over all months of job_entries",
       {"job_entries"},
       [](OutcomeInputs in) { return sum(*in[0]); }},
      {"job_entries_per_100_people",
       "Job entries per 100 people tracked",
       "persons per 100 persons",
       "100 x (sum over all months of job_entries) / people_total in the last month",
       {"job_entries", "people_total"},
       [](OutcomeInputs in) { return 100.0 * ratio(sum(*in[0]), last(*in[1])); }},
      {"exits_to_open_market_total",
       "Moves to the open market over the run",
       "persons",
       "exits_to_open_market_cumulative in the last month",
       {"exits_to_open_market_cumulative"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"public_spending_total_pln",
       "Public programme spending over the run",
       "PLN",
       "public_spending_cumulative_pln in the last month",
       {"public_spending_cumulative_pln"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"public_spending_per_person_pln",
       "Public programme spending per person tracked",
       "PLN/person",
       "public_spending_cumulative_pln / people_total in the last month",
       {"public_spending_cumulative_pln", "people_total"},
       [](OutcomeInputs in) { return ratio(last(*in[0]), last(*in[1])); }},
      {"public_cost_per_job_entry_pln",
       "Public spending per job entry",
       "PLN/person",
       "public_spending_total_pln / job_entries_total (NaN without job entries)",
       {"public_spending_cumulative_pln", "job_entries"},
       [](OutcomeInputs in) { return ratio(last(*in[0]), sum(*in[1])); }},
      {"private_money_total_pln",
       "Private programme money over the run",
       "PLN",
       "private_money_cumulative_pln in the last month",
       {"private_money_cumulative_pln"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"cooperatives_active_end",
       "Social cooperatives operating at the end",
       "cooperatives",
       "cooperatives_active in the last month",
       {"cooperatives_active"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"cooperatives_founded_total",
       "Social cooperatives founded over the run",
       "cooperatives",
       "cooperatives_founded_cumulative in the last month",
       {"cooperatives_founded_cumulative"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"cooperatives_liquidated_total",
       "Social cooperatives liquidated over the run",
       "cooperatives",
       "cooperatives_liquidated_cumulative in the last month",
       {"cooperatives_liquidated_cumulative"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"still_employed_12m_share_mean",
       "Still employed 12 months after a job entry",
       "share",
       "mean over the months where it is defined of still_employed_12m_share (NaN if never defined)",
       {"still_employed_12m_share"},
       [](OutcomeInputs in) { return mean_skipping_nan(*in[0]); }},
      {"network_density_end",
       "Network density at the end",
       "share",
       "network_density in the last month",
       {"network_density"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"network_clustering_end",
       "Network clustering at the end",
       "share",
       "network_clustering in the last month",
       {"network_clustering"},
       [](OutcomeInputs in) { return last(*in[0]); }},
      {"mean_tie_strength_end",
       "Mean tie strength at the end",
       "strength",
       "mean_tie_strength in the last month",
       {"mean_tie_strength"},
       [](OutcomeInputs in) { return last(*in[0]); }},
  };
  return outcomes;
}

void check_outcome_inputs(const std::vector<MetricSpec>& metrics) {
  for (const auto& outcome : key_outcomes()) {
    for (const auto input : outcome.inputs) {
      const bool written =
          std::any_of(metrics.begin(), metrics.end(), [&](const MetricSpec& m) { return m.name == input; });
      if (!written) {
        throw ComparisonError("outcome \"" + std::string(outcome.name) + "\" needs the metric \"" + std::string(input) +
                              "\", which the model does not write (see `partnersim metrics`); "
                              "update the outcome table in app/comparison.cpp");
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics of a run.

void RunMetrics::set(const std::string& metric, std::vector<std::vector<double>> by_replicate) {
  by_name_[metric] = std::move(by_replicate);
}

const std::vector<std::vector<double>>& RunMetrics::metric(const std::string& name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) throw ComparisonError("the run has no metric \"" + name + "\"");
  return it->second;
}

int RunMetrics::replicates() const { return by_name_.empty() ? 0 : static_cast<int>(by_name_.begin()->second.size()); }

void MetricsCollector::on_start(const RunDescription& run) {
  const auto replicates = static_cast<std::size_t>(run.spec->replicates);
  const auto steps = static_cast<std::size_t>(run.spec->steps);
  names_.clear();
  for (const auto& m : run.metrics) names_.push_back(m.name);
  values_.assign(names_.size(), std::vector<std::vector<double>>(replicates, std::vector<double>(steps, kNaN)));
}

void MetricsCollector::on_step(const StepRecord& record) {
  const auto step = static_cast<std::size_t>(record.step);
  for (std::size_t m = 0; m < values_.size() && m < record.metrics.size(); ++m) {
    auto& series = values_[m].at(record.replicate);
    if (step >= series.size()) series.resize(step + 1, kNaN);
    series[step] = record.metrics[m];
  }
}

RunMetrics MetricsCollector::metrics() const {
  RunMetrics run;
  for (std::size_t m = 0; m < names_.size(); ++m) run.set(names_[m], values_[m]);
  return run;
}

void ObserverPair::on_start(const RunDescription& run) {
  first_.on_start(run);
  second_.on_start(run);
}

void ObserverPair::on_step(const StepRecord& record) {
  first_.on_step(record);
  second_.on_step(record);
}

void ObserverPair::on_finish() {
  first_.on_finish();
  second_.on_finish();
}

std::vector<double> outcome_values(const KeyOutcome& outcome, const RunMetrics& run) {
  std::vector<const std::vector<std::vector<double>>*> inputs;
  for (const auto input : outcome.inputs) inputs.push_back(&run.metric(std::string(input)));
  const auto replicates = static_cast<std::size_t>(run.replicates());
  std::vector<double> values;
  std::vector<const std::vector<double>*> series(inputs.size());
  for (std::size_t r = 0; r < replicates; ++r) {
    for (std::size_t i = 0; i < inputs.size(); ++i) series[i] = &inputs[i]->at(r);
    values.push_back(outcome.compute(OutcomeInputs(series)));
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Statistics.

Summary summarise(std::vector<double> values, double confidence) {
  Summary s;
  s.values = std::move(values);
  double total = 0.0;
  for (double v : s.values) {
    if (std::isnan(v)) continue;
    total += v;
    ++s.n;
  }
  s.mean = s.n == 0 ? kNaN : total / s.n;
  s.sd = kNaN;
  s.ci_low = kNaN;
  s.ci_high = kNaN;
  if (s.n < 2) return s;
  double squares = 0.0;
  for (double v : s.values) {
    if (!std::isnan(v)) squares += (v - s.mean) * (v - s.mean);
  }
  s.sd = std::sqrt(squares / (s.n - 1));
  const boost::math::students_t t(static_cast<double>(s.n - 1));
  const double half_width = boost::math::quantile(t, 0.5 + confidence / 2.0) * s.sd / std::sqrt(double(s.n));
  s.ci_low = s.mean - half_width;
  s.ci_high = s.mean + half_width;
  return s;
}

std::vector<double> paired_differences(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw ComparisonError("paired differences need the same replicates in both runs");
  std::vector<double> d(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) d[r] = b[r] - a[r];  // NaN propagates
  return d;
}

std::vector<OutcomeComparison> compare_runs(const RunMetrics& a, const RunMetrics& b) {
  if (a.replicates() != b.replicates()) {
    throw ComparisonError("the runs have " + std::to_string(a.replicates()) + " and " + std::to_string(b.replicates()) +
                          " replicates; a paired comparison needs the same");
  }
  std::vector<OutcomeComparison> out;
  for (const auto& outcome : key_outcomes()) {
    const auto va = outcome_values(outcome, a);
    const auto vb = outcome_values(outcome, b);
    out.push_back(OutcomeComparison{&outcome, summarise(va), summarise(vb), summarise(paired_differences(va, vb))});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// compare.json and summary.csv.

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;  // UTF-8 bytes pass through: JSON text is UTF-8
        }
    }
  }
  return out + "\"";
}

namespace {

// Shortest text that reads back as the same double.
std::string shortest(double value) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return {buf, result.ptr};
}

}  // namespace

std::string json_number(double value) { return std::isfinite(value) ? shortest(value) : "null"; }

namespace {

std::string json_summary(const Summary& s) {
  std::string out = "{\"mean\": " + json_number(s.mean) + ", \"sd\": " + json_number(s.sd) +
                    ", \"ci_low\": " + json_number(s.ci_low) + ", \"ci_high\": " + json_number(s.ci_high) +
                    ", \"n\": " + std::to_string(s.n) + ", \"values\": [";
  for (std::size_t i = 0; i < s.values.size(); ++i) out += (i > 0 ? ", " : "") + json_number(s.values[i]);
  return out + "]}";
}

}  // namespace

std::string compare_json(const ComparisonProvenance& p, const std::vector<OutcomeComparison>& outcomes) {
  std::string out = "{\n";
  out += "  \"format\": \"partnersim-compare\",\n";
  out += "  \"format_version\": " + std::to_string(kCompareFormatVersion) + ",\n";
  out += "  \"partnersim_version\": " + json_string(p.partnersim_version) + ",\n";
  out += "  \"command\": " + json_string(p.command) + ",\n";
  out += "  \"created\": " + json_string(p.created) + ",\n";
  out += "  \"seed\": " + std::to_string(p.seed) + ",\n";
  out += "  \"replicates\": " + std::to_string(p.replicates) + ",\n";
  out += "  \"common_random_numbers\": true,\n";
  out += "  \"scenarios\": [\n";
  for (std::size_t i = 0; i < p.scenarios.size(); ++i) {
    const auto& s = p.scenarios[i];
    out += "    {\"key\": " + json_string(s.key) + ", \"name\": " + json_string(s.name) +
           ", \"scenario_file\": " + json_string(s.scenario_file) + ", \"result_file\": " + json_string(s.result_file) +
           ", \"start\": " + json_string(s.start) + ", \"steps\": " + std::to_string(s.steps) + "}" +
           (i + 1 < p.scenarios.size() ? ",\n" : "\n");
  }
  out += "  ],\n";
  out += "  \"outcomes\": [\n";
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& c = outcomes[i];
    const KeyOutcome& o = *c.outcome;
    out += "    {\"name\": " + json_string(o.name) + ", \"label\": " + json_string(o.label) +
           ", \"unit\": " + json_string(o.unit) + ", \"description\": " + json_string(o.description) + ",\n";
    out += "     \"a\": " + json_summary(c.a) + ",\n";
    out += "     \"b\": " + json_summary(c.b) + ",\n";
    out += "     \"difference\": " + json_summary(c.difference) + "}" + (i + 1 < outcomes.size() ? ",\n" : "\n");
  }
  out += "  ]\n}\n";
  return out;
}

namespace {

std::string csv_text(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double value) { return std::isfinite(value) ? shortest(value) : ""; }

}  // namespace

std::string summary_csv(const std::vector<OutcomeComparison>& outcomes) {
  std::string out =
      "outcome,label,unit,a_mean,a_ci_low,a_ci_high,b_mean,b_ci_low,b_ci_high,difference_mean,difference_ci_low,"
      "difference_ci_high\n";
  for (const auto& c : outcomes) {
    out += csv_text(c.outcome->name) + ',' + csv_text(c.outcome->label) + ',' + csv_text(c.outcome->unit);
    for (const Summary* s : {&c.a, &c.b, &c.difference}) {
      out += ',' + csv_number(s->mean) + ',' + csv_number(s->ci_low) + ',' + csv_number(s->ci_high);
    }
    out += '\n';
  }
  return out;
}

namespace {

// A few significant figures, enough to read; the files hold full precision.
std::string readable(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  const double magnitude = std::fabs(v);
  if (magnitude >= 1000.0) {
    std::snprintf(buf, sizeof buf, "%.0f", v);  // PLN: whole zlotys, no exponent
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

std::string cell(const Summary& s, int replicates) {
  std::string out = readable(s.mean);
  if (s.n == 0) return out;
  out += std::isnan(s.ci_low) ? " [n/a]" : " [" + readable(s.ci_low) + ", " + readable(s.ci_high) + "]";
  if (s.n < replicates) out += " (n=" + std::to_string(s.n) + ")";
  return out;
}

}  // namespace

std::string comparison_table(const ComparisonProvenance& p, const std::vector<OutcomeComparison>& outcomes) {
  std::string out;
  for (const auto& s : p.scenarios) {
    out += (s.key == "a" ? "A: " : "B: ") + s.name + " (" + s.scenario_file + ", " + s.start + ", " +
           std::to_string(s.steps) + " steps) -> " + s.result_file + "\n";
  }
  out += "seed " + std::to_string(p.seed) + ", " + std::to_string(p.replicates) +
         " replicate(s), common random numbers; means with 95% confidence intervals (Student t), "
         "B - A paired by replicate\n\n";
  std::vector<std::vector<std::string>> rows{
      {"outcome", "unit", "A mean [95% CI]", "B mean [95% CI]", "B - A [95% CI]"}};
  for (const auto& c : outcomes) {
    rows.push_back({std::string(c.outcome->name), std::string(c.outcome->unit), cell(c.a, p.replicates),
                    cell(c.b, p.replicates), cell(c.difference, p.replicates)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      if (i > 0) out += " | ";
      out += rows[r][i];
      if (i + 1 < rows[r].size()) out += std::string(width[i] - rows[r][i].size(), ' ');
    }
    out += '\n';
    if (r == 0) {
      for (std::size_t i = 0; i < width.size(); ++i) out += (i > 0 ? "-|-" : "") + std::string(width[i], '-');
      out += '\n';
    }
  }
  return out;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path temp =
      target.parent_path() / ("." + target.filename().string() + ".partial-" + std::to_string(getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (out) out.flush();
    if (!out) {
      const int error = errno;
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw ComparisonError(path + ": cannot write (" + std::strerror(error) + ")");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw ComparisonError(path + ": cannot rename the temporary file into place (" + ec.message() + ")");
  }
}

}  // namespace partnersim::app
