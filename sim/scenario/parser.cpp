// Scenario files -> ScenarioSpec. The format is documented in docs/SCENARIO.md; every check
// here has its message there. Reading is strict: unknown keys, duplicate keys, wrong types
// and references to things that don't exist are errors, never silently ignored.
#include "sim/scenario/parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "sim/scenario/generator.h"
#include "sim/scenario/yaml_reader.h"

namespace partnersim {

namespace {

std::string format_error(const std::string& file, int line, int column, const std::string& key_path,
                         const std::string& problem) {
  std::string message = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key_path.empty()) message += key_path + ": ";
  return message + problem;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key_path, std::string problem)
    : std::runtime_error(format_error(file, line, column, key_path, problem)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)) {}

namespace {

using scenario_detail::child_path;
using scenario_detail::describe;
using scenario_detail::did_you_mean;
using scenario_detail::format_pln;
using scenario_detail::join;
using scenario_detail::Map;
using scenario_detail::Origin;
using scenario_detail::quote;
using scenario_detail::Reader;
using scenario_detail::Value;

constexpr int kMaxSteps = 1200;
constexpr int kMaxReplicates = 10000;
constexpr std::int64_t kMaxPeople = 100'000'000;
constexpr std::size_t kMaxOrganisations = 10'000'000;
constexpr std::int64_t kMaxCount = 100'000'000;  // staff, places, jobs: no more than people
constexpr double kMaxPln = 1e13;
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
constexpr std::size_t kMaxIncludeDepth = 16;
constexpr double kMaxScale = 1000.0;
const std::string kCommandLine = "<command line>";

constexpr std::string_view kProgrammeKinds = "ngo, reintegration_centre, social_assistance_centre or support_centre";
constexpr std::string_view kSocialJobKinds = "social_cooperative, municipal_company or business";

bool hosts_programmes(OrgKind kind) {
  return kind == OrgKind::Ngo || kind == OrgKind::ReintegrationCentre || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::SupportCentre;
}

bool has_social_jobs(OrgKind kind) {
  return kind == OrgKind::SocialCooperative || kind == OrgKind::MunicipalCompany || kind == OrgKind::Business;
}

constexpr std::string_view kHousingKinds = "ngo, church, social_assistance_centre or municipality";
constexpr std::string_view kBuyerKinds =
    "municipality, social_assistance_centre, municipal_company, labour_office or regional_centre";
constexpr std::int64_t kMaxSlots = 10'000;        // latent cooperatives per new_cooperatives item
constexpr std::int64_t kMaxRentFreeMonths = 600;  // 50 years
constexpr std::int64_t kMaxProgrammeMonths = 120;

// Night shelters and training flats are run by NGOs, churches and the city or its MOPS.
bool has_housing(OrgKind kind) {
  return kind == OrgKind::Ngo || kind == OrgKind::Church || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::Municipality;
}

// Public buyers that tender services.
bool is_buyer_kind(OrgKind kind) {
  return kind == OrgKind::Municipality || kind == OrgKind::SocialAssistanceCentre ||
         kind == OrgKind::MunicipalCompany || kind == OrgKind::LabourOffice || kind == OrgKind::RegionalCentre;
}

struct ProgrammeKindInfo {
  ProgrammeKind kind;
  std::string_view name;
  std::vector<std::string> keys;  // besides the common ones
};

// In enum order, so the table doubles as name_of(ProgrammeKind).
const std::vector<ProgrammeKindInfo>& programme_kinds() {
  static const std::vector<ProgrammeKindInfo> table = {
      {ProgrammeKind::Grant, "grant", {"awards"}},
      {ProgrammeKind::EuCall,
       "eu_call",
       {"eligible", "duration_months", "project_value_pln", "places_per_project", "win_probability",
        "partnership_bonus", "takeover_by"}},
      {ProgrammeKind::StartupGrant, "startup_grant", {"per_member_pln", "per_job_pln", "keep_months"}},
      {ProgrammeKind::CapitalGrant, "capital_grant", {"awards"}},
      {ProgrammeKind::Donation, "donation", {"awards"}},
      {ProgrammeKind::InKind, "in_kind", {"awards"}},
      {ProgrammeKind::Investment, "investment", {"awards", "dividend_holiday_months"}},
  };
  return table;
}

std::string_view programme_kind_name(ProgrammeKind kind) {
  return programme_kinds()[static_cast<std::size_t>(kind)].name;
}

std::optional<ProgrammeKind> programme_kind_from(std::string_view name) {
  for (const auto& info : programme_kinds()) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

// The keys an award takes in a programme of this kind.
std::vector<std::string> award_keys(ProgrammeKind kind) {
  switch (kind) {
    case ProgrammeKind::Grant:
    case ProgrammeKind::Donation:
      return {"organisation", "monthly_pln", "amount_pln", "places"};
    case ProgrammeKind::CapitalGrant:
    case ProgrammeKind::Investment:
      return {"organisation", "amount_pln"};
    case ProgrammeKind::InKind:
      return {"organisation", "rent_free_months"};
    case ProgrammeKind::EuCall:
    case ProgrammeKind::StartupGrant:
      break;
  }
  return {};
}

template <typename Enum>
std::vector<std::string> enum_names(std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) names.emplace_back(name_of(static_cast<Enum>(i)));
  return names;
}

std::vector<std::string> group_names() {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kPersonGroupCount; ++i) names.emplace_back(group_name(i));
  return names;
}

struct ActionInfo {
  EventAction action;
  std::string_view name;
  std::vector<std::string> keys;  // besides date, action and note
};

const std::vector<ActionInfo>& actions() {
  static const std::vector<ActionInfo> table = {
      {EventAction::AddTie, "add_tie", {"source", "target", "kind", "strength", "end"}},
      {EventAction::EndTie, "end_tie", {"source", "target", "kind"}},
      {EventAction::CloseOrganisation, "close_organisation", {"organisation"}},
      {EventAction::Transfer, "transfer", {"from", "from_external", "to", "amount_pln"}},
      {EventAction::SetParameter, "set_parameter", {"parameter", "value"}},
      {EventAction::FoundOrganisation,
       "found_organisation",
       {"organisation", "founders", "grant_pln", "from", "from_external", "rent_free_months"}},
      {EventAction::SignPact, "sign_pact", {"signatories", "strength"}},
      {EventAction::StartProgramme, "start_programme", {"programme"}},
      {EventAction::EndProgramme, "end_programme", {"programme"}},
      {EventAction::SetCapacity,
       "set_capacity",
       {"organisation", "social_jobs", "programme_places", "shelter_places", "flat_places"}},
  };
  return table;
}

std::string type_expectation(ParamType type) {
  switch (type) {
    case ParamType::Boolean:
      return "true or false";
    case ParamType::Integer:
      return "an integer";
    case ParamType::Real:
      return "a number";
  }
  return "a number";
}

std::vector<std::string> all_parameter_names(const ModuleRegistry& registry) {
  std::vector<std::string> names;
  for (const auto& module : registry.modules()) {
    for (const auto& param : module.params) names.push_back(module.name + "." + param.name);
  }
  return names;
}

std::string unknown_parameter(const std::string& name, const ModuleRegistry& registry) {
  const auto names = all_parameter_names(registry);
  return "unknown parameter " + quote(name) + did_you_mean(name, names) +
         "; known parameters: " + (names.empty() ? std::string("none") : join(names));
}

// The whole file, or nullopt with errno's reason in `why`.
std::optional<std::string> read_text_file(const std::string& path, std::string& why) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  std::array<char, 1 << 16> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) text.append(buffer.data(), n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    why = std::strerror(error);
    return std::nullopt;
  }
  return text;
}

// The sections whose lists are concatenated over included files, in reading order.
const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {"metadata",
                                                "include",
                                                "start",
                                                "steps",
                                                "seed",
                                                "replicates",
                                                "output",
                                                "municipalities",
                                                "organisations",
                                                "new_cooperatives",
                                                "people",
                                                "ties",
                                                "funding_programmes",
                                                "buyers",
                                                "markets",
                                                "events",
                                                "parameters",
                                                "generator"};
  return keys;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path, const ScenarioOverrides& overrides,
         const ModuleRegistry& registry)
      : text_(text), path_(path), overrides_(overrides), registry_(registry), reader_(path) {}

  ScenarioSpec run() {
    load_documents();
    const Map& top = *documents_.back().top;  // the file itself comes after its includes

    spec_.source_path = path_;
    spec_.source_text = std::string(text_);
    for (std::size_t i = 0; i + 1 < documents_.size(); ++i) {
      // Every included file goes into the result's provenance too.
      spec_.source_text += "\n# ---- included file: " + documents_[i].origin->file + " ----\n" + documents_[i].text;
    }
    read_metadata(top.require("metadata"));
    for (std::size_t i = 0; i + 1 < documents_.size(); ++i) {
      if (const auto v = documents_[i].top->get("metadata")) read_included_sources(*v);
    }
    read_run();
    apply_run_overrides();

    spec_.sectors = {"none"};
    sector_index_.emplace("none", 0);
    // A generator section (docs/SCENARIO.md) fills the spec before the listed sections.
    for (const auto& document : documents_) {
      if (const auto v = document.top->get("generator")) {
        generate_from_section(reader_, *document.top, *v, spec_, overrides_.generator_scale);
      }
    }
    // Each section is read from every file, included files first, so a section may refer to
    // anything an earlier section of any file defines.
    for_each_section("municipalities", [&](const Value& v) { read_municipalities(v); });
    for_each_section("organisations", [&](const Value& v) { read_organisations(v); });
    for (const auto& document : documents_) scan_foundings(*document.top);
    resolve_founders();
    for_each_section("new_cooperatives", [&](const Value& v) { read_new_cooperatives(v); });
    for_each_section("people", [&](const Value& v) { read_people(v); });
    for_each_section("ties", [&](const Value& v) {
      for (const auto& item : reader_.list(v, true)) {
        if (auto tie = read_tie(item)) spec_.ties.push_back(*tie);
      }
    });
    // Programmes are read before events wherever they stand in the file, so events can
    // name any of them.
    for_each_section("funding_programmes", [&](const Value& v) {
      for (const auto& item : reader_.list(v, true)) spec_.programmes.push_back(read_programme(item));
    });
    for_each_section("buyers", [&](const Value& v) { read_buyers(v); });
    for_each_section("markets", [&](const Value& v) { read_markets(v); });
    std::size_t event_index = 0;
    for_each_section("events", [&](const Value& v) {
      for (const auto& item : reader_.list(v, true)) {
        if (auto event = read_event(item, event_index++)) spec_.events.push_back(std::move(*event));
      }
    });
    resolve_foundings();
    std::stable_sort(spec_.events.begin(), spec_.events.end(),
                     [](const EventSpec& a, const EventSpec& b) { return a.step < b.step; });

    spec_.params = registry_.defaults();
    // Later files override earlier ones parameter by parameter; the file itself comes last.
    for_each_section("parameters", [&](const Value& v) { read_parameters(v); });
    const auto parameters = top.get("parameters");
    apply_set_overrides();
    if (const std::string problem = registry_.check(spec_.params); !problem.empty()) {
      if (parameters) reader_.fail(*parameters, problem);
      throw ScenarioError(overrides_.set.empty() ? path_ : kCommandLine, 0, 0, "parameters", problem);
    }
    return std::move(spec_);
  }

 private:
  // ---- document -------------------------------------------------------------------------

  struct Document {
    const Origin* origin;
    std::string text;
    YAML::Node root;
    std::unique_ptr<Map> top;
  };

  YAML::Node load(const std::string& text, const Origin* origin) const {
    std::vector<YAML::Node> documents;
    try {
      documents = scenario_detail::load_all_documents(text);  // guarded against a yaml-cpp hang
    } catch (const YAML::Exception& e) {
      const bool known = !e.mark.is_null();
      throw ScenarioError(origin->file, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0, "",
                          "invalid YAML: " + e.msg);
    }
    if (documents.size() > 1) {
      reader_.fail(documents[1].Mark(), "",
                   "expected one YAML document; the file holds " + std::to_string(documents.size()) +
                       " (remove the \"---\" separator)",
                   origin);
    }
    if (documents.empty()) return YAML::Node();
    check_document_shape(reader_, documents[0], text_.size());  // alias bombs, deep nesting
    return documents[0];
  }

  // The file and everything it includes, depth first: an included file's own includes come
  // before it, and every included file before the file that includes it.
  void load_documents() {
    const Origin& own = origins_.emplace_back(Origin{path_, 1.0, {}, {}, ""});
    std::vector<std::string> chain;
    add_document(std::string(text_), &own, chain);
  }

  void add_document(std::string text, const Origin* origin, std::vector<std::string>& chain) {
    YAML::Node root = load(text, origin);
    auto top = std::make_unique<Map>(reader_, Value{root, "", YAML::Mark(), origin});
    top->allow(top_level_keys());
    chain.push_back(canonical(origin->file));
    if (const auto includes = top->get("include")) {
      for (const auto& item : reader_.list(*includes, true)) include(item, *origin, chain);
    }
    chain.pop_back();
    documents_.push_back(Document{origin, std::move(text), root, std::move(top)});
  }

  static std::string canonical(const std::string& file) {
    std::error_code ec;
    const auto path = std::filesystem::weakly_canonical(file, ec);
    return ec ? file : path.string();
  }

  // One item of `include`: a file name, or a map with the file and how to read it.
  void include(const Value& item, const Origin& parent, std::vector<std::string>& chain) {
    Origin origin;
    origin.scale = parent.scale;
    origin.label = parent.label;
    origin.organisations = parent.organisations;
    origin.municipalities = parent.municipalities;
    Value file_value = item;
    std::optional<Value> organisations;
    std::optional<Value> municipalities;
    if (item.node.IsMap()) {
      const Map m(reader_, item);
      m.allow({"file", "scale", "organisations", "municipalities", "label"});
      file_value = m.require("file");
      if (const auto scale = m.get("scale")) {
        const double x = reader_.number(*scale, "a scale factor > 0 and <= 1000");
        if (!(x > 0.0) || x > kMaxScale) reader_.fail_expected(*scale, "a scale factor > 0 and <= 1000");
        origin.scale = parent.scale * x;
      }
      if (const auto label = m.get("label")) origin.label = reader_.nonempty_string(*label);
      organisations = m.get("organisations");
      municipalities = m.get("municipalities");
    }
    const std::string name = reader_.nonempty_string(file_value);
    const std::filesystem::path relative(name);
    const std::filesystem::path base = std::filesystem::path(parent.file).parent_path();
    origin.file = relative.is_absolute() || base.empty() ? name : (base / relative).lexically_normal().string();
    // The included file's names are renamed first by its own include, then by the parent's.
    if (organisations) compose_renames(*organisations, parent.organisations, origin.organisations, true);
    if (municipalities) compose_renames(*municipalities, parent.municipalities, origin.municipalities, false);

    const std::string key = canonical(origin.file);
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      reader_.fail(file_value,
                   "include cycle: " + quote(origin.file) + " includes itself (through " + quote(parent.file) + ")");
    }
    if (chain.size() >= kMaxIncludeDepth) {
      reader_.fail(file_value, "includes are nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
    }
    std::string why;
    auto text = read_text_file(origin.file, why);
    if (!text) reader_.fail(file_value, "cannot read included file " + quote(origin.file) + ": " + why);
    add_document(std::move(*text), &origins_.emplace_back(std::move(origin)), chain);
  }

  // `renames` maps names of the included file to names of the including file; the result
  // maps them on to the names the parent's own renames give.
  void compose_renames(const Value& v, const std::map<std::string, std::string>& parent,
                       std::map<std::string, std::string>& out, bool ids) const {
    const Map m(reader_, v);
    for (const auto& entry : m.entries()) {
      std::string to = ids ? identifier(entry.value) : reader_.nonempty_string(entry.value);
      if (const auto it = parent.find(to); it != parent.end()) to = it->second;
      out[entry.key] = to;
    }
  }

  template <typename F>
  void for_each_section(std::string_view key, F&& read) {
    for (const auto& document : documents_) {
      if (const auto v = document.top->get(key)) read(*v);
    }
  }

  // The first file (in reverse reading order: the file itself, then its last include ...)
  // that sets a run setting.
  [[nodiscard]] std::optional<Value> run_setting(std::string_view key) const {
    for (std::size_t i = documents_.size(); i-- > 0;) {
      if (auto v = documents_[i].top->get(key)) return v;
    }
    return std::nullopt;
  }

  // Renamed by the include the value was read through.
  static std::string renamed_org(const Value& v, const std::string& id) {
    if (v.origin == nullptr) return id;
    const auto it = v.origin->organisations.find(id);
    return it == v.origin->organisations.end() ? id : it->second;
  }

  // Whether an include renamed this reference. A rename may map several organisations of a
  // policy onto one of a smaller place; such collapsed references are merged, not errors.
  [[nodiscard]] static bool renamed(const Value& v) {
    return v.node.IsScalar() && renamed_org(v, v.node.Scalar()) != v.node.Scalar();
  }

  [[nodiscard]] static double scale_of(const Value& v) { return v.origin == nullptr ? 1.0 : v.origin->scale; }

  // ---- run settings ---------------------------------------------------------------------

  void read_metadata(const Value& v) {
    const Map m(reader_, v);
    m.allow({"name", "description", "sources"});
    spec_.metadata.name = reader_.nonempty_string(m.require("name"));
    if (const auto d = m.get("description")) spec_.metadata.description = reader_.string(*d);
    if (const auto s = m.get("sources")) {
      for (const auto& item : reader_.list(*s, true)) spec_.metadata.sources.push_back(reader_.nonempty_string(item));
    }
  }

  // An included file's metadata: only its sources are kept (the scenario's own name and
  // description describe the whole).
  void read_included_sources(const Value& v) {
    const Map m(reader_, v);
    m.allow({"name", "description", "sources"});
    if (const auto s = m.get("sources")) {
      for (const auto& item : reader_.list(*s, true)) {
        std::string source = reader_.nonempty_string(item);
        auto& sources = spec_.metadata.sources;
        if (std::find(sources.begin(), sources.end(), source) == sources.end()) sources.push_back(std::move(source));
      }
    }
  }

  // Run settings come from the file itself or, when it leaves them out, from what it includes.
  void read_run() {
    const auto start = run_setting("start");
    const auto steps = run_setting("steps");
    if (!start) (void)documents_.back().top->require("start");
    if (!steps) (void)documents_.back().top->require("steps");
    spec_.start = reader_.date(*start);
    spec_.steps = static_cast<int>(reader_.integer(*steps, 1, kMaxSteps));
    spec_.seed = 1;
    if (const auto v = run_setting("seed")) spec_.seed = reader_.unsigned_integer(*v);
    spec_.replicates = 1;
    if (const auto v = run_setting("replicates"))
      spec_.replicates = static_cast<int>(reader_.integer(*v, 1, kMaxReplicates));
    if (const auto v = run_setting("output")) {
      const Map m(reader_, *v);
      m.allow({"tie_snapshot_every"});
      if (const auto every = m.get("tie_snapshot_every")) {
        spec_.output.tie_snapshot_every = static_cast<int>(reader_.integer(*every, 1, kIntMax));
      }
    }
  }

  void apply_run_overrides() {
    if (overrides_.steps) {
      const int steps = *overrides_.steps;
      if (steps < 1 || steps > kMaxSteps) {
        throw ScenarioError(
            kCommandLine, 0, 0, "--steps",
            "expected an integer in [1, " + std::to_string(kMaxSteps) + "]; got " + std::to_string(steps));
      }
      spec_.steps = steps;
    }
    if (overrides_.seed) spec_.seed = *overrides_.seed;
    if (overrides_.replicates) {
      const int replicates = *overrides_.replicates;
      if (replicates < 1 || replicates > kMaxReplicates) {
        throw ScenarioError(
            kCommandLine, 0, 0, "--replicates",
            "expected an integer in [1, " + std::to_string(kMaxReplicates) + "]; got " + std::to_string(replicates));
      }
      spec_.replicates = replicates;
    }
    if (const auto scale = overrides_.generator_scale) {
      if (!(*scale >= kMinGeneratorScale && *scale <= kMaxGeneratorScale)) {
        throw ScenarioError(kCommandLine, 0, 0, "generator.scale",
                            "the override expected a scale factor in [0.01, 4]; got " + std::to_string(*scale));
      }
    }
  }

  // ---- dates ----------------------------------------------------------------------------

  [[nodiscard]] Clock clock() const { return spec_.clock(); }
  [[nodiscard]] std::string month(int step) const { return clock().month_of(step).str(); }

  void fail_after_run(const Value& v, YearMonth m) const {
    reader_.fail(v, m.str() + " is after the last month of the run (" + clock().last().str() + ")");
  }

  // Any month, possibly before the run or after it.
  [[nodiscard]] int step_any(const Value& v) const { return clock().step_of(reader_.date(v)); }

  // A month before the run or within it, not after it.
  [[nodiscard]] int step_not_after_run(const Value& v) const {
    const YearMonth m = reader_.date(v);
    const int step = clock().step_of(m);
    if (step >= spec_.steps) fail_after_run(v, m);
    return step;
  }

  // A month within the run.
  [[nodiscard]] int step_in_run(const Value& v) const {
    const YearMonth m = reader_.date(v);
    const int step = clock().step_of(m);
    if (step < 0) {
      reader_.fail(v, m.str() + " is before the first month of the run (" + spec_.start.str() + ")");
    }
    if (step >= spec_.steps) fail_after_run(v, m);
    return step;
  }

  // ---- small values ---------------------------------------------------------------------

  [[nodiscard]] Grosze money(const Value& v, bool positive) const {
    const std::string expected = positive ? "an amount in PLN > 0 and <= 1e13" : "an amount in PLN >= 0 and <= 1e13";
    const double pln = reader_.number(v, expected);
    if (pln < 0.0 || (positive && pln <= 0.0) || pln > kMaxPln) reader_.fail_expected(v, expected);
    return pln_to_grosze(pln);
  }

  [[nodiscard]] double share(const Value& v) const {
    const double x = reader_.number(v, "a number in [0, 1]");
    if (x < 0.0 || x > 1.0) reader_.fail_expected(v, "a number in [0, 1]");
    return x;
  }

  [[nodiscard]] int count(const Value& v) const { return static_cast<int>(reader_.integer(v, 0, kMaxCount)); }

  // Sizes (money, places, jobs, people) scale with the include that reads the file; per-person
  // amounts, shares, strengths and dates do not. Money is rounded down to the grosz, so scaled
  // parts never add up to more than their scaled whole.
  [[nodiscard]] Grosze extensive_money(const Value& v, bool positive) const {
    const Grosze amount = money(v, positive);
    const double scale = scale_of(v);
    if (scale == 1.0) return amount;
    // The relative nudge keeps 1,440,000.00 x 0.086 at 123,840.00, not 123,839.99 from the
    // binary error of 0.086.
    return static_cast<Grosze>(std::floor(static_cast<double>(amount) * scale * (1.0 + 1e-12)));
  }

  [[nodiscard]] std::int64_t scaled(const Value& v, std::int64_t n, std::int64_t max) const {
    const double scale = scale_of(v);
    if (scale == 1.0) return n;
    return std::min(max, static_cast<std::int64_t>(std::llround(static_cast<double>(n) * scale)));
  }

  [[nodiscard]] int extensive_count(const Value& v) const { return static_cast<int>(scaled(v, count(v), kMaxCount)); }

  [[nodiscard]] std::string identifier(const Value& v) const {
    std::string id = reader_.string(v);
    const bool ok = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
             c == '-';
    });
    if (!ok) reader_.fail_expected(v, "an id made of letters, digits, '_', '.' and '-'");
    return id;
  }

  template <typename Enum>
  [[nodiscard]] Enum choice(const Value& v, std::optional<Enum> (*from_name)(std::string_view),
                            const std::vector<std::string>& names) const {
    if (v.node.IsScalar()) {
      if (const auto value = from_name(v.node.Scalar())) return *value;
    }
    const std::string hint = v.node.IsScalar() ? did_you_mean(v.node.Scalar(), names) : "";
    reader_.fail(v, "expected one of " + join(names) + "; got " + describe(v.node) + hint);
  }

  [[nodiscard]] OrgKind org_kind(const Value& v) const {
    static const auto names = enum_names<OrgKind>(kOrgKindCount);
    return choice<OrgKind>(v, &org_kind_from, names);
  }
  [[nodiscard]] TieKind tie_kind(const Value& v) const {
    static const auto names = enum_names<TieKind>(kTieKindCount);
    return choice<TieKind>(v, &tie_kind_from, names);
  }
  [[nodiscard]] PersonState person_state(const Value& v) const {
    static const auto names = enum_names<PersonState>(kPersonStateCount);
    return choice<PersonState>(v, &person_state_from, names);
  }
  [[nodiscard]] std::uint8_t person_group(const Value& v) const {
    static const auto names = group_names();
    return choice<std::uint8_t>(v, &person_group_from, names);
  }

  // ---- references -----------------------------------------------------------------------

  [[nodiscard]] std::uint32_t org_ref(const Value& v) const {
    const std::string written = reader_.nonempty_string(v);
    const std::string id = renamed_org(v, written);
    if (const auto it = org_index_.find(id); it != org_index_.end()) return it->second;
    if (const auto it = latent_index_.find(id); it != latent_index_.end()) {
      reader_.fail(v, "organisation " + quote(id) + " is a latent slot of new_cooperatives[" +
                          std::to_string(it->second) + "]; slots cannot be referenced");
    }
    std::vector<std::string> ids;
    ids.reserve(spec_.organisations.size());
    for (const auto& o : spec_.organisations) {
      if (!o.latent) ids.push_back(o.id);
    }
    if (id != written) {
      reader_.fail(v, "unknown organisation id " + quote(id) + " (the include renames " + quote(written) + " to it)" +
                          did_you_mean(id, ids));
    }
    reader_.fail(v, "unknown organisation id " + quote(id) + did_you_mean(id, ids));
  }

  // A list of distinct organisation ids (at least `min_count` of them).
  [[nodiscard]] std::vector<std::pair<std::uint32_t, Value>> org_list(const Value& v, std::size_t min_count,
                                                                      std::string_view expected) const {
    const auto items = reader_.list(v, min_count == 0);
    if (items.size() < min_count) reader_.fail_expected(v, expected);
    std::vector<std::pair<std::uint32_t, Value>> out;
    for (const auto& item : items) {
      const std::uint32_t index = org_ref(item);
      bool listed = false;
      for (const auto& [earlier, at] : out) {
        if (earlier != index) continue;
        if (!renamed(item) && !renamed(at)) {
          reader_.fail(item, "organisation " + quote(spec_.organisations[index].id) + " is listed twice");
        }
        listed = true;  // two names the include made one: listed once
      }
      if (!listed) out.emplace_back(index, item);
    }
    return out;
  }

  // What uses an organisation from a given month on (for the messages of resolve_foundings).
  enum class UseKind : std::uint8_t { Placement, Tie, Programme, Buyer, Event, Founder };
  struct Use {
    std::uint32_t org;
    int step;  // first month of the use
    UseKind kind;
    std::uint32_t founded;  // UseKind::Founder: the organisation it founds
    Value at;
  };

  // Remembers that `org` is used from `step` on, so resolve_foundings() can reject the use
  // if an event founds the organisation only later. Only organisations that some
  // found_organisation event may name are tracked. `founded` is the organisation a
  // Founder use founds.
  void note_use(std::uint32_t org, int step, const Value& at, UseKind kind, std::uint32_t founded = 0) {
    if (may_be_founded_.contains(org)) uses_.push_back(Use{org, step, kind, founded, at});
  }

  [[nodiscard]] std::string use_detail(const Use& use) const;

  // Before anything refers to organisations: which ones events might found. Reads the
  // events raw, leniently (they are checked properly later); a superset is harmless.
  void scan_foundings(const Map& top) {
    const auto events = top.get("events");
    if (!events || !events->node.IsSequence()) return;
    for (const auto& item : events->node) {
      if (!item.IsMap()) continue;
      bool founds = false;
      std::string target;
      for (const auto& pair : item) {
        const YAML::Node key = pair.first;
        const YAML::Node value = pair.second;
        if (!key.IsScalar() || !value.IsScalar()) continue;
        if (key.Scalar() == "action" && value.Scalar() == "found_organisation") founds = true;
        if (key.Scalar() == "organisation") target = renamed_org(top.self(), value.Scalar());
      }
      if (!founds) continue;
      if (const auto it = org_index_.find(target); it != org_index_.end()) may_be_founded_.insert(it->second);
    }
  }

  [[nodiscard]] std::uint32_t municipality_ref(const Value& v) {
    const std::string name = renamed_municipality(v, reader_.nonempty_string(v));
    if (const auto it = municipality_index_.find(name); it != municipality_index_.end()) return it->second;
    if (municipalities_declared_) {
      reader_.fail(v, "unknown municipality " + quote(name) + did_you_mean(name, spec_.municipalities) +
                          "; declared municipalities: " +
                          (spec_.municipalities.empty() ? std::string("none") : join(spec_.municipalities)));
    }
    return add_municipality(name);
  }

  std::uint32_t add_municipality(const std::string& name) {
    const auto index = static_cast<std::uint32_t>(spec_.municipalities.size());
    spec_.municipalities.push_back(name);
    municipality_index_.emplace(name, index);
    return index;
  }

  [[nodiscard]] std::uint32_t sector_ref(const Value& v) { return sector_named(reader_.nonempty_string(v)); }

  // A service sector that buyers or customers demand: "none" is no sector.
  [[nodiscard]] std::uint32_t demand_sector(const Value& v) {
    const std::string name = reader_.nonempty_string(v);
    if (name == "none") reader_.fail(v, "\"none\" is not a service sector; name the sector demanded");
    return sector_named(name);
  }

  std::uint32_t sector_named(const std::string& name) {
    if (const auto it = sector_index_.find(name); it != sector_index_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(spec_.sectors.size());
    spec_.sectors.push_back(name);
    sector_index_.emplace(name, index);
    return index;
  }

  // ---- sections -------------------------------------------------------------------------

  static std::string renamed_municipality(const Value& v, const std::string& name) {
    if (v.origin == nullptr) return name;
    const auto it = v.origin->municipalities.find(name);
    return it == v.origin->municipalities.end() ? name : it->second;
  }

  void read_municipalities(const Value& v) {
    municipalities_declared_ = true;
    for (const auto& item : reader_.list(v, true)) {
      const std::string name = renamed_municipality(item, reader_.nonempty_string(item));
      if (municipality_index_.contains(name)) reader_.fail(item, "municipality " + quote(name) + " is listed twice");
      add_municipality(name);
    }
  }

  void read_organisations(const Value& v) {
    if (v.node.IsSequence() && v.node.size() > kMaxOrganisations) {
      reader_.fail(v, "the scenario declares " + std::to_string(v.node.size()) + " organisations; the limit is " +
                          std::to_string(kMaxOrganisations));
    }
    for (const auto& item : reader_.list(v, true)) {
      const auto index = static_cast<std::uint32_t>(spec_.organisations.size());
      std::optional<Value> founders_value;
      OrganisationSpec o = read_organisation(item, founders_value);
      org_index_.emplace(o.id, index);
      spec_.organisations.push_back(std::move(o));
      if (founders_value) founders_given_.emplace_back(index, *founders_value);
    }
  }

  // Organisations' `founders`, once every id is known (a founder may be listed later).
  void resolve_founders() {
    for (const auto& [index, value] : founders_given_) {
      for (const auto& [founder, at] : org_list(value, 0, "a list")) {
        OrganisationSpec& o = spec_.organisations[index];
        if (founder == index) reader_.fail(at, "organisation " + quote(o.id) + " cannot be its own founder");
        // The founding tie starts when the organisation does: its founder must exist then.
        require_exists_for_tie(founder, o.founded_step, at, "founder ", quote(o.id) + " is founded");
        o.founders.push_back(founder);
        note_use(founder, o.founded_step, at, UseKind::Founder, index);
      }
    }
  }

  // A tie is in force from `step` (from the start of the run if earlier), so both its ends
  // must exist then: a tie to an organisation not yet founded, or already closed, would carry
  // contracts, trust and referrals (found by the scenario fuzzer). Organisations founded by
  // events are checked against the event's month later (note_use).
  void require_exists_for_tie(std::uint32_t org, int step, const Value& at, const std::string& who,
                              const std::string& when) {
    const OrganisationSpec& o = spec_.organisations[org];
    const int from = std::max(step, 0);
    if (o.founded_step > from) {
      reader_.fail(at, who + quote(o.id) + " does not exist yet when " + when + " (" + month(step) +
                           "): it is founded " + month(o.founded_step));
    }
    if (o.closed_step <= from) {
      reader_.fail(at, who + quote(o.id) + " no longer exists when " + when + " (" + month(step) + "): it is closed " +
                           month(o.closed_step));
    }
  }

  // Latent cooperatives: slots the cooperatives module may found during the run. They come
  // after the listed organisations, so listed indices do not move.
  void read_new_cooperatives(const Value& v) {
    std::unordered_map<std::string, int> numbered;  // slug -> slots so far, so ids stay unique
    const auto items = reader_.list(v, true);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Map m(reader_, items[i]);
      m.allow({"municipality", "slots", "sector"});
      const Value municipality_value = m.require("municipality");
      const std::uint32_t municipality = municipality_ref(municipality_value);
      const Value slots_value = m.require("slots");
      const std::int64_t slots = scaled(slots_value, reader_.integer(slots_value, 1, kMaxSlots), kMaxSlots);
      std::uint32_t sector = 0;
      if (const auto sv = m.get("sector")) sector = sector_ref(*sv);
      if (spec_.organisations.size() + static_cast<std::size_t>(slots) > kMaxOrganisations) {
        reader_.fail(slots_value, "the scenario would hold " +
                                      std::to_string(spec_.organisations.size() + static_cast<std::size_t>(slots)) +
                                      " organisations; the limit is " + std::to_string(kMaxOrganisations));
      }
      const std::string& town = spec_.municipalities[municipality];
      const std::string town_slug = scenario_detail::slug(town);
      int& k = numbered[town_slug];
      for (std::int64_t n = 0; n < slots; ++n) {
        ++k;
        OrganisationSpec o;
        o.id = "new_coop_" + town_slug + "_" + std::to_string(k);
        if (const auto it = org_index_.find(o.id); it != org_index_.end()) {
          reader_.fail(municipality_value, "the slot id " + quote(o.id) + " is already used by organisations[" +
                                               std::to_string(it->second) + "]");
        }
        o.name = "New social cooperative " + std::to_string(k) + " (" + town + ")";
        o.kind = OrgKind::SocialCooperative;
        o.sector = sector;
        o.municipality = municipality;
        o.founded_step = kNotFounded;
        o.latent = true;
        latent_index_.emplace(o.id, i);
        spec_.organisations.push_back(std::move(o));
      }
    }
  }

  // `founders` is handed back unresolved: founders may be listed after the organisation.
  OrganisationSpec read_organisation(const Value& item, std::optional<Value>& founders) {
    const Map m(reader_, item);
    m.allow({"id", "name", "kind", "sector", "municipality", "founded", "closed", "cash_pln", "staff",
             "programme_places", "social_jobs", "members", "shelter_places", "flat_places", "quality", "rent_pln",
             "dividend_pln", "founders"});
    OrganisationSpec o;
    const Value id = m.require("id");
    o.id = identifier(id);
    if (renamed_org(id, o.id) != o.id) {
      reader_.fail(id, "organisation " + quote(o.id) + " is renamed to " + quote(renamed_org(id, o.id)) +
                           " by the include that reads this file, so the file cannot also define it");
    }
    if (const auto it = org_index_.find(o.id); it != org_index_.end()) {
      reader_.fail(
          id, "duplicate organisation id " + quote(o.id) + " (already defined at " + defined_at_[it->second] + ")");
    }
    defined_at_.push_back(reader_.file_of(id) + ":" + std::to_string(id.mark.line + 1));
    o.name = reader_.nonempty_string(m.require("name"));
    if (id.origin != nullptr && !id.origin->label.empty()) o.name += " [" + id.origin->label + "]";
    o.kind = org_kind(m.require("kind"));
    if (const auto s = m.get("sector")) o.sector = sector_ref(*s);
    o.municipality = municipality_ref(m.require("municipality"));
    const auto founded = m.get("founded");
    if (founded) o.founded_step = step_not_after_run(*founded);
    founded_given_.push_back(founded.has_value());
    if (const auto closed = m.get("closed")) {
      o.closed_step = step_in_run(*closed);
      if (o.closed_step <= o.founded_step) {
        reader_.fail(*closed,
                     founded
                         ? "expected a month after founded (" + month(o.founded_step) + "); got " + month(o.closed_step)
                         : "expected a month after the first month of the run (" + month(0) +
                               "), when the organisation exists without founded; got " + month(o.closed_step));
      }
    }
    if (const auto cash = m.get("cash_pln")) o.cash = extensive_money(*cash, false);
    if (const auto staff = m.get("staff")) o.staff = extensive_count(*staff);
    if (const auto places = m.get("programme_places")) {
      if (!hosts_programmes(o.kind)) {
        reader_.fail(*places, "programme_places is only for organisations of kind " + std::string(kProgrammeKinds) +
                                  "; " + quote(o.id) + " is a " + std::string(name_of(o.kind)));
      }
      o.programme_places = extensive_count(*places);
    }
    if (const auto jobs = m.get("social_jobs")) {
      if (!has_social_jobs(o.kind)) {
        reader_.fail(*jobs, "social_jobs is only for organisations of kind " + std::string(kSocialJobKinds) + "; " +
                                quote(o.id) + " is a " + std::string(name_of(o.kind)));
      }
      o.social_jobs = extensive_count(*jobs);
    }
    if (const auto members = m.get("members")) {
      if (o.kind != OrgKind::SocialCooperative) {
        reader_.fail(*members, "members is only for organisations of kind social_cooperative; " + quote(o.id) +
                                   " is a " + std::string(name_of(o.kind)));
      }
      o.members = extensive_count(*members);
    }
    for (const auto& [key, field] :
         {std::pair{"shelter_places", &o.shelter_places}, std::pair{"flat_places", &o.flat_places}}) {
      if (const auto places = m.get(key)) {
        if (!has_housing(o.kind)) {
          reader_.fail(*places, std::string(key) + " is only for organisations of kind " + std::string(kHousingKinds) +
                                    "; " + quote(o.id) + " is a " + std::string(name_of(o.kind)));
        }
        *field = extensive_count(*places);
      }
    }
    founders = m.get("founders");
    if (const auto q = m.get("quality")) o.quality = share(*q);
    if (const auto rent = m.get("rent_pln")) o.rent = extensive_money(*rent, false);
    if (const auto dividend = m.get("dividend_pln")) {
      if (o.kind != OrgKind::MunicipalCompany) {
        reader_.fail(*dividend, "dividend_pln is only for organisations of kind municipal_company; " + quote(o.id) +
                                    " is a " + std::string(name_of(o.kind)));
      }
      o.dividend = extensive_money(*dividend, false);
    }
    return o;
  }

  // People in these states start at an organisation: their placement.
  static bool placed_state(PersonState state) {
    return state == PersonState::InProgramme || state == PersonState::EmployedSocial || state == PersonState::Shelter ||
           state == PersonState::TrainingFlat;
  }

  void read_people(const Value& v) {
    std::int64_t total = 0;
    // (org, state) -> people placed there so far, for the capacity checks
    std::map<std::pair<std::uint32_t, PersonState>, std::int64_t> placed_so_far;
    for (const auto& item : reader_.list(v, true)) {
      const Map m(reader_, item);
      m.allow({"municipality", "groups", "count", "state", "placement"});
      PeopleSpec p;
      p.municipality = municipality_ref(m.require("municipality"));

      const Value groups = m.require("groups");
      const auto group_items = reader_.list(groups, false);
      if (group_items.empty()) reader_.fail_expected(groups, "a list of at least one group");
      for (const auto& g : group_items) {
        const std::uint8_t bit = person_group(g);
        if ((p.groups & bit) != 0) reader_.fail(g, "group " + quote(g.node.Scalar()) + " is listed twice");
        p.groups = static_cast<std::uint8_t>(p.groups | bit);
      }

      const Value count_value = m.require("count");
      p.count = scaled(count_value, reader_.integer(count_value, 0, kMaxPeople), kMaxPeople);
      total += p.count;
      if (total > kMaxPeople) {
        reader_.fail(count_value, "the scenario would hold " + std::to_string(total) + " people; the limit is " +
                                      std::to_string(kMaxPeople));
      }

      if (const auto s = m.get("state")) p.state = person_state(*s);
      const bool placed = placed_state(p.state);
      const auto placement = m.get("placement");
      if (placed && !placement) {
        reader_.fail(m.self().mark, child_path(m.self().path, "placement"),
                     "missing required key \"placement\" (people in state " + std::string(name_of(p.state)) +
                         " need the id of the organisation they start in)",
                     m.self().origin);
      }
      if (!placed && placement) {
        reader_.fail(*placement,
                     "placement is only for people in state in_programme, employed_social, shelter or "
                     "training_flat; these are " +
                         std::string(name_of(p.state)));
      }
      if (placed) {
        p.placement = org_ref(*placement);
        check_placement(*placement, p, placed_so_far[{p.placement, p.state}]);
        note_use(p.placement, std::numeric_limits<int>::min(), *placement, UseKind::Placement);
      }
      spec_.people.push_back(p);
    }
  }

  void check_placement(const Value& at, const PeopleSpec& p, std::int64_t& total) {
    const OrganisationSpec& o = spec_.organisations[p.placement];
    if (o.founded_step > 0) {
      reader_.fail(at, "organisation " + quote(o.id) + " does not exist at the start of the run (founded " +
                           month(o.founded_step) + ")");
    }
    if (o.closed_step <= 0) {
      reader_.fail(at, "organisation " + quote(o.id) + " does not exist at the start of the run (closed " +
                           month(o.closed_step) + ")");
    }
    total += p.count;
    struct Capacity {
      int places;
      std::string_view key;
      std::string_view where;
      std::string_view kinds;
      std::string_view kinds_do;  // what the kinds that have such places do
      bool kind_ok;
    };
    Capacity c{};
    switch (p.state) {
      case PersonState::InProgramme:
        c = {o.programme_places, "programme_places", "in its programme",
             kProgrammeKinds,    "run programmes",   hosts_programmes(o.kind)};
        break;
      case PersonState::EmployedSocial:
        c = {o.social_jobs,   "social_jobs",      "employed there",
             kSocialJobKinds, "have social jobs", has_social_jobs(o.kind)};
        break;
      case PersonState::Shelter:
        c = {o.shelter_places, "shelter_places", "in its shelter", kHousingKinds, "run shelters", has_housing(o.kind)};
        break;
      default:  // training_flat
        c = {o.flat_places, "flat_places",        "in its training flats",
             kHousingKinds, "run training flats", has_housing(o.kind)};
        break;
    }
    if (total > c.places) {
      std::string problem = "organisation " + quote(o.id) + " has " + std::to_string(c.places) + " " +
                            std::string(c.key) + " but " + std::to_string(total) + " people start " +
                            std::string(c.where);
      if (!c.kind_ok) problem += " (only kinds " + std::string(c.kinds) + " " + std::string(c.kinds_do) + ")";
      reader_.fail(at, problem);
    }
  }

  // The two different organisations a tie joins: keys source and target.
  // nullopt when an include renamed both ends to one organisation: the tie is dropped.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> tie_ends(const Map& m) const {
    const Value source_value = m.require("source");
    const std::uint32_t source = org_ref(source_value);
    const Value target = m.require("target");
    const std::uint32_t target_index = org_ref(target);
    if (source == target_index && (renamed(source_value) || renamed(target))) return std::nullopt;
    if (source == target_index) {
      reader_.fail(target, "a tie needs two different organisations; source and target are both " +
                               quote(spec_.organisations[source].id));
    }
    return std::pair{source, target_index};
  }

  std::optional<TieSpec> read_tie(const Value& item) {
    const Map m(reader_, item);
    m.allow({"source", "target", "kind", "strength", "start", "end"});
    TieSpec t;
    const auto ends = tie_ends(m);
    if (!ends) return std::nullopt;
    std::tie(t.source, t.target) = *ends;
    t.kind = tie_kind(m.require("kind"));
    if (const auto s = m.get("strength")) t.strength = share(*s);
    if (const auto s = m.get("start")) t.start_step = step_not_after_run(*s);
    if (const auto e = m.get("end")) {
      t.end_step = step_any(*e);
      if (t.end_step <= t.start_step) {
        reader_.fail(*e, "expected a month after start (" + month(t.start_step) + "); got " + month(t.end_step));
      }
    }
    for (const auto& [end, key] : {std::pair{t.source, "source"}, std::pair{t.target, "target"}}) {
      require_exists_for_tie(end, t.start_step, m.require(key), "organisation ", "the tie starts");
      note_use(end, t.start_step, m.require(key), UseKind::Tie);
    }
    return t;
  }

  [[nodiscard]] ProgrammeKind programme_kind(const Value& v) const {
    static const auto names = [] {
      std::vector<std::string> out;
      for (const auto& info : programme_kinds()) out.emplace_back(info.name);
      return out;
    }();
    return choice<ProgrammeKind>(v, &programme_kind_from, names);
  }

  FundingProgrammeSpec read_programme(const Value& item) {
    const Map m(reader_, item);
    FundingProgrammeSpec f;
    if (const auto k = m.get("kind")) f.kind = programme_kind(*k);
    const ProgrammeKindInfo& info = programme_kinds()[static_cast<std::size_t>(f.kind)];
    const bool investment = f.kind == ProgrammeKind::Investment;
    std::vector<std::string> allowed = {"id", "name", "kind", "funder"};
    if (!investment) allowed.emplace_back("external_source");  // the funder is the municipal company
    allowed.insert(allowed.end(), {"start", "end", "budget_pln"});
    allowed.insert(allowed.end(), info.keys.begin(), info.keys.end());
    m.allow(allowed, "key", "allowed keys", " for kind " + std::string(info.name));

    const Value id = m.require("id");
    f.id = identifier(id);
    if (const auto it = programme_index_.find(f.id); it != programme_index_.end()) {
      reader_.fail(id, "duplicate funding programme id " + quote(f.id) + " (already used by funding_programmes[" +
                           std::to_string(it->second) + "])");
    }
    programme_index_.emplace(f.id, spec_.programmes.size());
    f.name = reader_.nonempty_string(m.require("name"));

    std::optional<Value> funder = m.get("funder");
    if (investment) {
      funder = m.require("funder");
    } else {
      const auto external = m.get("external_source");
      if (funder && external) {
        reader_.fail(*external, "give either funder (an organisation of the scenario) or external_source, not both");
      }
      if (!funder && !external) {
        reader_.fail(m.self(), "missing required key: one of \"funder\" (an organisation id) or \"external_source\"");
      }
      if (external) f.external_source = reader_.nonempty_string(*external);
    }
    if (funder) {
      f.funder = org_ref(*funder);
      const OrganisationSpec& o = spec_.organisations[*f.funder];
      if (investment && o.kind != OrgKind::MunicipalCompany) {
        reader_.fail(*funder, "the funder of an investment must be a municipal_company; " + quote(o.id) + " is a " +
                                  std::string(name_of(o.kind)));
      }
    }

    f.start_step = step_not_after_run(m.require("start"));
    if (f.kind == ProgrammeKind::EuCall) read_eu_call(m, f);
    if (f.kind == ProgrammeKind::StartupGrant) read_startup_grant(m, f);
    if (investment) {
      if (const auto holiday = m.get("dividend_holiday_months")) {
        f.dividend_holiday_months = static_cast<int>(reader_.integer(*holiday, 0, kMaxSteps));
      }
    }

    // One-off kinds last a month unless told otherwise; an EU call runs for one project.
    const bool end_optional = f.kind == ProgrammeKind::CapitalGrant || f.kind == ProgrammeKind::InKind || investment ||
                              f.kind == ProgrammeKind::EuCall;
    const auto end = end_optional ? m.get("end") : std::optional<Value>(m.require("end"));
    f.end_step = f.start_step + (f.kind == ProgrammeKind::EuCall ? f.duration_months : 1);
    if (end) {
      f.end_step = step_any(*end);
      if (f.end_step <= f.start_step) {
        reader_.fail(*end, "expected a month after start (" + month(f.start_step) +
                               "), the first month without "
                               "funding; got " +
                               month(f.end_step));
      }
    }
    std::optional<Value> budget;
    if (f.kind == ProgrammeKind::InKind) {
      budget = m.get("budget_pln");  // premises given, not money paid
    } else {
      budget = m.require("budget_pln");
    }
    if (budget) f.budget = extensive_money(*budget, false);
    if (f.funder) note_use(*f.funder, f.start_step, *funder, UseKind::Programme);

    if (f.kind == ProgrammeKind::EuCall) {
      if (f.budget < f.project_value) {
        reader_.fail(*budget, "budget_pln (" + format_pln(f.budget) + " PLN) is less than project_value_pln (" +
                                  format_pln(f.project_value) + " PLN): not even one project fits");
      }
      if (f.takeover_by) note_use(*f.takeover_by, f.start_step, m.require("takeover_by"), UseKind::Programme);
      return f;
    }
    if (f.kind == ProgrammeKind::StartupGrant) return f;

    const Value awards = m.require("awards");
    const auto award_items = reader_.list(awards, false);
    if (award_items.empty()) reader_.fail_expected(awards, "a list of at least one award");
    Grosze monthly_total = 0;
    Grosze once_total = 0;
    bool overflow = false;
    for (const auto& a : award_items) {
      AwardSpec award = read_award(a, f);
      overflow = overflow || __builtin_add_overflow(monthly_total, award.monthly, &monthly_total);
      overflow = overflow || __builtin_add_overflow(once_total, award.amount, &once_total);
      const auto same = std::find_if(f.awards.begin(), f.awards.end(),
                                     [&](const AwardSpec& x) { return x.organisation == award.organisation; });
      if (same == f.awards.end()) {
        f.awards.push_back(award);
      } else {  // two recipients an include renamed to one: one award of both sizes
        same->monthly += award.monthly;
        same->amount += award.amount;
        same->places += award.places;
        same->rent_free_months = std::max(same->rent_free_months, award.rent_free_months);
      }
    }
    if (f.kind != ProgrammeKind::InKind) check_budget(*budget, f, monthly_total, once_total, overflow);
    return f;
  }

  // Monthly payments over the whole programme plus one-off amounts must fit the budget.
  void check_budget(const Value& budget, const FundingProgrammeSpec& f, Grosze monthly_total, Grosze once_total,
                    bool overflow) const {
    const Grosze months = f.end_step - f.start_step;
    Grosze need = 0;
    overflow = overflow || __builtin_mul_overflow(monthly_total, months, &need);
    overflow = overflow || __builtin_add_overflow(need, once_total, &need);
    if (!overflow && need <= f.budget) return;
    const std::string need_text =
        overflow ? "more than " + format_pln(std::numeric_limits<Grosze>::max()) : format_pln(need);
    std::string parts;
    if (monthly_total > 0 || once_total == 0) {
      parts = (overflow ? std::string("their monthly amounts") : format_pln(monthly_total) + " PLN") + " a month for " +
              std::to_string(months) + " months";
    }
    if (once_total > 0) {
      if (!parts.empty()) parts += " plus ";
      parts += (overflow ? std::string("their one-off amounts") : format_pln(once_total) + " PLN") + " once";
    }
    reader_.fail(budget, "awards need " + need_text + " PLN (" + parts + ") but budget_pln is " + format_pln(f.budget));
  }

  void read_eu_call(const Map& m, FundingProgrammeSpec& f) const {
    const Value eligible = m.require("eligible");
    const auto kinds = reader_.list(eligible, false);
    if (kinds.empty()) reader_.fail_expected(eligible, "a list of at least one organisation kind");
    for (const auto& k : kinds) {
      const auto bit = 1U << static_cast<unsigned>(org_kind(k));
      if ((f.eligible_kinds & bit) != 0) reader_.fail(k, "kind " + quote(k.node.Scalar()) + " is listed twice");
      f.eligible_kinds |= bit;
    }
    if (const auto d = m.get("duration_months")) {
      f.duration_months = static_cast<int>(reader_.integer(*d, 1, kMaxProgrammeMonths));
    }
    f.project_value = money(m.require("project_value_pln"), true);
    if (const auto p = m.get("places_per_project")) f.places_per_project = count(*p);
    if (const auto w = m.get("win_probability")) f.win_probability = share(*w);
    if (const auto b = m.get("partnership_bonus")) f.partnership_bonus = share(*b);
    if (const auto t = m.get("takeover_by")) f.takeover_by = org_ref(*t);
  }

  void read_startup_grant(const Map& m, FundingProgrammeSpec& f) const {
    const auto member = m.get("per_member_pln");
    const auto job = m.get("per_job_pln");
    if (!member && !job) {
      reader_.fail(m.self(), "missing required key: one of \"per_member_pln\" or \"per_job_pln\"");
    }
    if (member) f.per_member = money(*member, false);
    if (job) f.per_job = money(*job, false);
    if (f.per_member == 0 && f.per_job == 0) {
      reader_.fail(job ? *job : *member,
                   "a start-up grant pays per founding member or per job: give "
                   "per_member_pln or per_job_pln > 0");
    }
    if (const auto k = m.get("keep_months"))
      f.keep_months = static_cast<int>(reader_.integer(*k, 1, kMaxProgrammeMonths));
  }

  AwardSpec read_award(const Value& item, const FundingProgrammeSpec& f) {
    const Map m(reader_, item);
    m.allow(award_keys(f.kind), "key", "allowed keys", " for kind " + std::string(programme_kind_name(f.kind)));
    AwardSpec award;
    const Value org = m.require("organisation");
    award.organisation = org_ref(org);
    for (const auto& earlier : f.awards) {
      if (earlier.organisation == award.organisation && !renamed(org)) {
        reader_.fail(org, "organisation " + quote(spec_.organisations[award.organisation].id) +
                              " already has an award in this programme");
      }
    }
    note_use(award.organisation, f.start_step, org, UseKind::Programme);
    switch (f.kind) {
      case ProgrammeKind::Grant:
      case ProgrammeKind::Donation:
        if (const auto monthly = m.get("monthly_pln")) award.monthly = extensive_money(*monthly, false);
        if (const auto amount = m.get("amount_pln")) award.amount = extensive_money(*amount, false);
        if (const auto places = m.get("places")) {
          const OrganisationSpec& o = spec_.organisations[award.organisation];
          if (!hosts_programmes(o.kind)) {
            reader_.fail(*places, "places are only for organisations of kind " + std::string(kProgrammeKinds) + "; " +
                                      quote(o.id) + " is a " + std::string(name_of(o.kind)));
          }
          award.places = extensive_count(*places);
        }
        break;
      case ProgrammeKind::CapitalGrant:
      case ProgrammeKind::Investment:
        award.amount = extensive_money(m.require("amount_pln"), true);
        break;
      case ProgrammeKind::InKind:
        award.rent_free_months =
            static_cast<int>(reader_.integer(m.require("rent_free_months"), 1, kMaxRentFreeMonths));
        break;
      case ProgrammeKind::EuCall:
      case ProgrammeKind::StartupGrant:
        break;  // no awards
    }
    return award;
  }

  void read_buyers(const Value& v) {
    std::unordered_map<std::uint32_t, std::size_t> seen;  // organisation -> buyers index
    const auto items = reader_.list(v, true);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Map m(reader_, items[i]);
      m.allow({"organisation", "demand", "social_clause_share", "reserved_share", "contract_months", "tender_month"});
      BuyerSpec b;
      const Value org = m.require("organisation");
      b.organisation = org_ref(org);
      const OrganisationSpec& o = spec_.organisations[b.organisation];
      if (!is_buyer_kind(o.kind)) {
        reader_.fail(org, "buyers are organisations of kind " + std::string(kBuyerKinds) + "; " + quote(o.id) +
                              " is a " + std::string(name_of(o.kind)));
      }
      if (const auto [it, inserted] = seen.emplace(b.organisation, i); !inserted) {
        reader_.fail(
            org, "organisation " + quote(o.id) + " is already a buyer (buyers[" + std::to_string(it->second) + "])");
      }
      note_use(b.organisation, 0, org, UseKind::Buyer);

      const Value demand = m.require("demand");
      const Map d(reader_, demand);
      if (d.entries().empty()) reader_.fail_expected(demand, "a map of at least one sector: yearly PLN");
      for (const auto& entry : d.entries()) {
        const Value key{YAML::Node(entry.key), entry.value.path, entry.key_mark};
        DemandSpec ds;
        ds.sector = demand_sector(key);
        ds.yearly = extensive_money(entry.value, true);
        b.demand.push_back(ds);
      }
      if (const auto s = m.get("social_clause_share")) b.social_clause_share = share(*s);
      if (const auto r = m.get("reserved_share")) {
        b.reserved_share = share(*r);
        if (b.social_clause_share + b.reserved_share > 1.0) {
          const auto clause = m.get("social_clause_share");
          reader_.fail(*r, "social_clause_share + reserved_share must be at most 1; got " +
                               (clause ? describe(clause->node) : std::string("0")) + " + " + describe(r->node));
        }
      }
      if (const auto c = m.get("contract_months")) {
        b.contract_months = static_cast<int>(reader_.integer(*c, 1, kMaxProgrammeMonths));
      }
      if (const auto t = m.get("tender_month")) b.tender_month = static_cast<int>(reader_.integer(*t, 1, 12));
      spec_.buyers.push_back(std::move(b));
    }
  }

  void read_markets(const Value& v) {
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> seen;  // (municipality, sector) -> index
    const auto items = reader_.list(v, true);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Map m(reader_, items[i]);
      m.allow({"municipality", "sector", "monthly_pln"});
      MarketSpec market;
      market.municipality = municipality_ref(m.require("municipality"));
      const Value sector = m.require("sector");
      market.sector = demand_sector(sector);
      if (const auto [it, inserted] = seen.emplace(std::pair{market.municipality, market.sector}, i); !inserted) {
        reader_.fail(sector, "a market for " + quote(spec_.sectors[market.sector]) + " in " +
                                 spec_.municipalities[market.municipality] + " is already given (markets[" +
                                 std::to_string(it->second) + "])");
      }
      market.monthly = extensive_money(m.require("monthly_pln"), true);
      spec_.markets.push_back(market);
    }
  }

  // `index` is the event's position in the file, for messages.
  // nullopt for a tie event whose ends an include renamed to one organisation.
  std::optional<EventSpec> read_event(const Value& item, std::size_t index) {
    const Map m(reader_, item);
    const Value action_value = m.require("action");
    static const std::vector<std::string> action_names = [] {
      std::vector<std::string> names;
      for (const auto& a : actions()) names.emplace_back(a.name);
      return names;
    }();
    const ActionInfo* info = nullptr;
    if (action_value.node.IsScalar()) {
      for (const auto& a : actions()) {
        if (a.name == action_value.node.Scalar()) info = &a;
      }
    }
    if (info == nullptr) {
      const std::string hint =
          action_value.node.IsScalar() ? did_you_mean(action_value.node.Scalar(), action_names) : "";
      reader_.fail(action_value,
                   "expected one of " + join(action_names) + "; got " + describe(action_value.node) + hint);
    }
    std::vector<std::string> allowed = {"date", "action", "note"};
    allowed.insert(allowed.end(), info->keys.begin(), info->keys.end());
    m.allow(allowed, "key", "allowed keys", " for action " + std::string(info->name));

    EventSpec e;
    e.action = info->action;
    e.step = step_in_run(m.require("date"));
    if (const auto note = m.get("note")) e.note = reader_.string(*note);

    switch (e.action) {
      case EventAction::AddTie:
      case EventAction::EndTie: {
        const auto ends = tie_ends(m);
        if (!ends) return std::nullopt;
        std::tie(e.source, e.target) = *ends;
        e.tie_kind = tie_kind(m.require("kind"));
        if (const auto s = m.get("strength")) e.strength = share(*s);
        if (const auto end = m.get("end")) {
          e.tie_end_step = step_any(*end);
          if (e.tie_end_step <= e.step) {
            reader_.fail(
                *end, "expected a month after the event's date (" + month(e.step) + "); got " + month(e.tie_end_step));
          }
        }
        note_use(e.source, e.step, m.require("source"), UseKind::Event);
        note_use(e.target, e.step, m.require("target"), UseKind::Event);
        break;
      }
      case EventAction::CloseOrganisation: {
        const Value org = m.require("organisation");
        e.target = existing_org(org, e.step);
        break;
      }
      case EventAction::SetCapacity: {
        const Value org = m.require("organisation");
        e.target = existing_org(org, e.step);
        const OrganisationSpec& o = spec_.organisations[e.target];
        const auto size = [&](std::string_view key, bool kind_ok, std::string_view kinds, int& field) {
          const auto v = m.get(key);
          if (!v) return;
          if (!kind_ok) {
            reader_.fail(*v, std::string(key) + " is only for organisations of kind " + std::string(kinds) + "; " +
                                 quote(o.id) + " is a " + std::string(name_of(o.kind)));
          }
          field = extensive_count(*v);
        };
        size("social_jobs", has_social_jobs(o.kind), kSocialJobKinds, e.social_jobs);
        size("programme_places", hosts_programmes(o.kind), kProgrammeKinds, e.programme_places);
        size("shelter_places", has_housing(o.kind), kHousingKinds, e.shelter_places);
        size("flat_places", has_housing(o.kind), kHousingKinds, e.flat_places);
        if (e.social_jobs == EventSpec::kUnchanged && e.programme_places == EventSpec::kUnchanged &&
            e.shelter_places == EventSpec::kUnchanged && e.flat_places == EventSpec::kUnchanged) {
          reader_.fail(m.self(),
                       "set_capacity needs at least one of social_jobs, programme_places, shelter_places, "
                       "flat_places");
        }
        break;
      }
      case EventAction::Transfer: {
        const Value to = m.require("to");
        e.target = org_ref(to);
        e.amount = extensive_money(m.require("amount_pln"), true);
        read_payer(m, e, to, "a transfer needs two different organisations; from and to are both ");
        note_use(e.target, e.step, to, UseKind::Event);
        break;
      }
      case EventAction::SetParameter: {
        const Value parameter = m.require("parameter");
        e.parameter = reader_.nonempty_string(parameter);
        const ParamSpec* spec = registry_.find_param(e.parameter);
        if (spec == nullptr) reader_.fail(parameter, unknown_parameter(e.parameter, registry_));
        e.value = param_value(*spec, m.require("value"));
        break;
      }
      case EventAction::FoundOrganisation:
        read_founding(m, e, index);
        break;
      case EventAction::SignPact: {
        const auto note = m.get("note");
        if (!note) {
          reader_.fail(m.self().mark, child_path(m.self().path, "note"),
                       "missing required key \"note\" (the pact's name)", m.self().origin);
        }
        e.note = reader_.nonempty_string(*note);
        for (const auto& [org, at] : org_list(m.require("signatories"), 2, "a list of at least two organisations")) {
          e.signatories.push_back(org);
          note_use(org, e.step, at, UseKind::Event);
        }
        e.strength = 0.8;
        if (const auto s = m.get("strength")) e.strength = share(*s);
        break;
      }
      case EventAction::StartProgramme:
      case EventAction::EndProgramme: {
        const Value programme = m.require("programme");
        const std::string id = reader_.nonempty_string(programme);
        const auto it = programme_index_.find(id);
        if (it == programme_index_.end()) {
          std::vector<std::string> ids;
          for (const auto& p : spec_.programmes) ids.push_back(p.id);
          reader_.fail(programme, "unknown funding programme id " + quote(id) + did_you_mean(id, ids) +
                                      "; declared funding programmes: " + (ids.empty() ? "none" : join(ids)));
        }
        e.programme = static_cast<std::uint32_t>(it->second);
        const FundingProgrammeSpec& p = spec_.programmes[e.programme];
        if (e.action == EventAction::StartProgramme && e.step >= p.end_step) {
          reader_.fail(programme,
                       "programme " + quote(id) + " ends " + month(p.end_step) + " (its end); start it before then");
        }
        break;
      }
    }
    return e;
  }

  // The payer of a transfer or a founding grant: `from` (an organisation, not the
  // recipient) or `from_external` (an outside source), exactly one.
  // An organisation an event acts on in its month: it must exist then.
  [[nodiscard]] std::uint32_t existing_org(const Value& v, int step) {
    const std::uint32_t index = org_ref(v);
    const OrganisationSpec& o = spec_.organisations[index];
    if (step < o.founded_step) {
      reader_.fail(v, "organisation " + quote(o.id) + " does not exist yet in " + month(step) + " (founded " +
                          month(o.founded_step) + ")");
    }
    if (step >= o.closed_step) {
      reader_.fail(v, "organisation " + quote(o.id) + " no longer exists in " + month(step) + " (closed " +
                          month(o.closed_step) + ")");
    }
    note_use(index, step, v, UseKind::Event);
    return index;
  }

  void read_payer(const Map& m, EventSpec& e, const Value& recipient, const std::string& same_problem) {
    const auto from = m.get("from");
    const auto external = m.get("from_external");
    if (from && external) reader_.fail(*external, "give either from (an organisation id) or from_external, not both");
    if (!from && !external) {
      reader_.fail(m.self(), "missing required key: one of \"from\" (an organisation id) or \"from_external\"");
    }
    if (from) {
      e.source = org_ref(*from);
      if (e.source == e.target) reader_.fail(recipient, same_problem + quote(spec_.organisations[e.source].id));
      note_use(e.source, e.step, *from, UseKind::Event);
    } else {
      e.from_external = true;
      e.external_source = reader_.nonempty_string(*external);
    }
  }

  // found_organisation: the organisation opens at the event, not at its `founded` date.
  void read_founding(const Map& m, EventSpec& e, std::size_t index) {
    const Value org = m.require("organisation");
    e.target = org_ref(org);
    const OrganisationSpec& o = spec_.organisations[e.target];
    if (const auto [it, inserted] = founded_by_event_.emplace(e.target, Founding{index, e.step}); !inserted) {
      reader_.fail(org, "organisation " + quote(o.id) + " is already founded by events[" +
                            std::to_string(it->second.event) + "]");
    }
    if (founded_given_[e.target] && o.founded_step != e.step) {
      reader_.fail(org, "organisation " + quote(o.id) + " has founded: " + month(o.founded_step) +
                            " but this event founds it in " + month(e.step) +
                            " (leave founded out or give the same month)");
    }
    if (o.closed_step <= e.step) {
      reader_.fail(org, "organisation " + quote(o.id) + " is closed " + month(o.closed_step) +
                            ", not after this event founds it in " + month(e.step));
    }
    const auto given = std::find_if(founders_given_.begin(), founders_given_.end(),
                                    [&](const auto& entry) { return entry.first == e.target; });
    if (given != founders_given_.end()) {
      reader_.fail(given->second, "organisation " + quote(o.id) + " is founded by events[" + std::to_string(index) +
                                      "]; give its founders in that event");
    }
    if (const auto f = m.get("founders")) {
      for (const auto& [founder, at] : org_list(*f, 0, "a list")) {
        if (founder == e.target) reader_.fail(at, "organisation " + quote(o.id) + " cannot be its own founder");
        e.founders.push_back(founder);
        note_use(founder, e.step, at, UseKind::Event);
      }
    }
    const auto grant = m.get("grant_pln");
    if (grant) {
      e.amount = extensive_money(*grant, true);
      read_payer(m, e, org, "a founding grant needs two different organisations; from and organisation are both ");
    } else {
      for (const char* key : {"from", "from_external"}) {
        if (const auto payer = m.get(key)) {
          reader_.fail(*payer,
                       std::string(key) + " names the payer of grant_pln; give grant_pln too or leave " + key + " out");
        }
      }
    }
    if (const auto months = m.get("rent_free_months")) {
      e.rent_free_months = static_cast<int>(reader_.integer(*months, 0, kMaxRentFreeMonths));
    }
  }

  // An organisation founded by an event exists only from the event's month: nothing may
  // use it earlier. It then waits unfounded (kNotFounded) until the event opens it.
  void resolve_foundings() {
    for (const auto& use : uses_) {
      const auto it = founded_by_event_.find(use.org);
      if (it == founded_by_event_.end() || use.step >= it->second.step) continue;
      reader_.fail(use.at, "organisation " + quote(spec_.organisations[use.org].id) + " only exists from " +
                               month(it->second.step) + ", when events[" + std::to_string(it->second.event) +
                               "] founds it; " + use_detail(use));
    }
    for (const auto& [org, founding] : founded_by_event_) spec_.organisations[org].founded_step = kNotFounded;
  }

  [[nodiscard]] double param_value(const ParamSpec& spec, const Value& v) const {
    const std::string expected = type_expectation(spec.type);
    const std::string text = reader_.plain_scalar(v, expected);
    const auto value = parse_param_value(spec.type, text);
    if (!value) reader_.fail_expected(v, expected);
    const std::string why = spec.check(*value);
    if (!why.empty()) reader_.fail(v, "expected " + why + "; got " + text);
    return *value;
  }

  void read_parameters(const Value& v) {
    if (v.node.IsNull()) return;
    const Map modules(reader_, v);
    std::vector<std::string> module_names;
    for (const auto& module : registry_.modules()) module_names.push_back(module.name);
    modules.allow(module_names, "module", "known modules");
    for (const auto& entry : modules.entries()) {
      if (entry.value.node.IsNull()) continue;
      const Map params(reader_, entry.value);
      const ModuleInfo* module = registry_.find(entry.key);
      std::vector<std::string> param_names;
      for (const auto& p : module->params) param_names.push_back(p.name);
      params.allow(param_names, "parameter", "known parameters", " of module " + entry.key);
      for (const auto& p : params.entries()) {
        const std::string full_name = entry.key + "." + p.key;
        spec_.params.set(full_name, param_value(*registry_.find_param(full_name), p.value));
      }
    }
  }

  void apply_set_overrides() {
    for (const auto& entry : overrides_.set) {
      const auto eq = entry.find('=');
      if (eq == std::string::npos) {
        throw ScenarioError(kCommandLine, 0, 0, "--set", "expected module.param=value; got " + quote(entry));
      }
      const std::string name = entry.substr(0, eq);
      const std::string text = entry.substr(eq + 1);
      const std::string key_path = "--set " + name;
      const ParamSpec* spec = registry_.find_param(name);
      if (spec == nullptr) throw ScenarioError(kCommandLine, 0, 0, key_path, unknown_parameter(name, registry_));
      const auto value = parse_param_value(spec->type, text);
      if (!value) {
        throw ScenarioError(kCommandLine, 0, 0, key_path,
                            "expected " + type_expectation(spec->type) + "; got " + quote(text));
      }
      const std::string why = spec->check(*value);
      if (!why.empty()) {
        std::string problem = "expected " + why;
        problem += "; got ";
        problem += text;
        throw ScenarioError(kCommandLine, 0, 0, key_path, problem);
      }
      spec_.params.set(name, *value);
    }
  }

  std::string_view text_;
  std::deque<Origin> origins_;           // stable addresses: Values point at them
  std::vector<Document> documents_;      // in reading order: includes first, the file itself last
  std::vector<std::string> defined_at_;  // listed organisation -> "file:line" of its id
  const std::string& path_;
  const ScenarioOverrides& overrides_;
  const ModuleRegistry& registry_;
  Reader reader_;

  ScenarioSpec spec_;
  bool municipalities_declared_ = false;
  std::unordered_map<std::string, std::uint32_t> org_index_;
  std::unordered_map<std::string, std::size_t> programme_index_;
  std::unordered_map<std::string, std::uint32_t> municipality_index_;
  std::unordered_map<std::string, std::uint32_t> sector_index_;
  std::unordered_map<std::string, std::size_t> latent_index_;  // slot id -> new_cooperatives index

  // For found_organisation: which organisations gave `founded` and `founders`, which are
  // founded by events, and every dated use of an organisation to check against that.
  std::vector<bool> founded_given_;
  std::vector<std::pair<std::uint32_t, Value>> founders_given_;  // organisation -> its `founders`
  struct Founding {
    std::size_t event;  // file index
    int step;
  };
  std::unordered_map<std::uint32_t, Founding> founded_by_event_;
  std::unordered_set<std::uint32_t> may_be_founded_;
  std::vector<Use> uses_;
};

std::string Parser::use_detail(const Use& use) const {
  switch (use.kind) {
    case UseKind::Placement:
      return "people cannot start in it";
    case UseKind::Tie:
      return "this tie starts " + month(use.step);
    case UseKind::Programme:
      return "the programme starts " + month(use.step);
    case UseKind::Buyer:
      return "buyers buy from the start of the run (" + month(0) + ")";
    case UseKind::Event:
      return "this event is in " + month(use.step);
    case UseKind::Founder:
      return "it founds " + quote(spec_.organisations[use.founded].id) + " in " + month(use.step) +
             " (founding ties start then)";
  }
  return "";
}

}  // namespace

ScenarioSpec parse_scenario(std::string_view text, const std::string& path_for_messages,
                            const ScenarioOverrides& overrides, const ModuleRegistry& registry) {
  return Parser(text, path_for_messages, overrides, registry).run();
}

ScenarioSpec load_scenario(const std::string& path, const ScenarioOverrides& overrides,
                           const ModuleRegistry& registry) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int error = errno;
    throw ScenarioError(path, 0, 0, "", std::string("cannot read file: ") + std::strerror(error));
  }
  std::string text;
  std::array<char, 1 << 16> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) text.append(buffer.data(), n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) throw ScenarioError(path, 0, 0, "", std::string("cannot read file: ") + std::strerror(error));
  return parse_scenario(text, path, overrides, registry);
}

}  // namespace partnersim
