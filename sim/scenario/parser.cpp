// Scenario files -> ScenarioSpec. The format is documented in docs/SCENARIO.md; every check
// here has its message there. Reading is strict: unknown keys, duplicate keys, wrong types
// and references to things that don't exist are errors, never silently ignored.
#include "sim/scenario/parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <utility>

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

class Parser {
 public:
  Parser(std::string_view text, const std::string& path, const ScenarioOverrides& overrides,
         const ModuleRegistry& registry)
      : text_(text), path_(path), overrides_(overrides), registry_(registry), reader_(path) {}

  ScenarioSpec run() {
    const YAML::Node root = load();
    const Map top(reader_, Value{root, "", YAML::Mark()});
    top.allow({"metadata", "start", "steps", "seed", "replicates", "output", "municipalities", "organisations",
               "people", "ties", "funding_programmes", "events", "parameters"});

    spec_.source_path = path_;
    spec_.source_text = std::string(text_);
    read_metadata(top.require("metadata"));
    read_run(top);
    apply_run_overrides();

    spec_.sectors = {"none"};
    sector_index_.emplace("none", 0);
    if (const auto v = top.get("municipalities")) read_municipalities(*v);
    if (const auto v = top.get("organisations")) read_organisations(*v);
    if (const auto v = top.get("people")) read_people(*v);
    if (const auto v = top.get("ties")) {
      for (const auto& item : reader_.list(*v, true)) spec_.ties.push_back(read_tie(item));
    }
    if (const auto v = top.get("funding_programmes")) {
      for (const auto& item : reader_.list(*v, true)) spec_.programmes.push_back(read_programme(item));
    }
    if (const auto v = top.get("events")) {
      for (const auto& item : reader_.list(*v, true)) spec_.events.push_back(read_event(item));
      std::stable_sort(spec_.events.begin(), spec_.events.end(),
                       [](const EventSpec& a, const EventSpec& b) { return a.step < b.step; });
    }

    spec_.params = registry_.defaults();
    const auto parameters = top.get("parameters");
    if (parameters) read_parameters(*parameters);
    apply_set_overrides();
    if (const std::string problem = registry_.check(spec_.params); !problem.empty()) {
      if (parameters) reader_.fail(*parameters, problem);
      throw ScenarioError(overrides_.set.empty() ? path_ : kCommandLine, 0, 0, "parameters", problem);
    }
    return std::move(spec_);
  }

 private:
  // ---- document -------------------------------------------------------------------------

  YAML::Node load() {
    std::vector<YAML::Node> documents;
    try {
      documents = YAML::LoadAll(std::string(text_));
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
    return documents.empty() ? YAML::Node() : documents[0];
  }

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

  void read_run(const Map& top) {
    spec_.start = reader_.date(top.require("start"));
    spec_.steps = static_cast<int>(reader_.integer(top.require("steps"), 1, kMaxSteps));
    spec_.seed = 1;
    if (const auto v = top.get("seed")) spec_.seed = reader_.unsigned_integer(*v);
    spec_.replicates = 1;
    if (const auto v = top.get("replicates"))
      spec_.replicates = static_cast<int>(reader_.integer(*v, 1, kMaxReplicates));
    if (const auto v = top.get("output")) {
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
    const std::string id = reader_.nonempty_string(v);
    if (const auto it = org_index_.find(id); it != org_index_.end()) return it->second;
    std::vector<std::string> ids;
    ids.reserve(spec_.organisations.size());
    for (const auto& o : spec_.organisations) ids.push_back(o.id);
    reader_.fail(v, "unknown organisation id " + quote(id) + did_you_mean(id, ids));
  }

  [[nodiscard]] std::uint32_t municipality_ref(const Value& v) {
    const std::string name = reader_.nonempty_string(v);
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

  [[nodiscard]] std::uint32_t sector_ref(const Value& v) {
    const std::string name = reader_.nonempty_string(v);
    if (const auto it = sector_index_.find(name); it != sector_index_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(spec_.sectors.size());
    spec_.sectors.push_back(name);
    sector_index_.emplace(name, index);
    return index;
  }

  // ---- sections -------------------------------------------------------------------------

  void read_municipalities(const Value& v) {
    municipalities_declared_ = true;
    for (const auto& item : reader_.list(v, true)) {
      const std::string name = reader_.nonempty_string(item);
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
      OrganisationSpec o = read_organisation(item);
      org_index_.emplace(o.id, static_cast<std::uint32_t>(spec_.organisations.size()));
      spec_.organisations.push_back(std::move(o));
    }
  }

  OrganisationSpec read_organisation(const Value& item) {
    const Map m(reader_, item);
    m.allow({"id", "name", "kind", "sector", "municipality", "founded", "closed", "cash_pln", "staff",
             "programme_places", "social_jobs"});
    OrganisationSpec o;
    const Value id = m.require("id");
    o.id = identifier(id);
    if (const auto it = org_index_.find(o.id); it != org_index_.end()) {
      reader_.fail(id, "duplicate organisation id " + quote(o.id) + " (already used by organisations[" +
                           std::to_string(it->second) + "])");
    }
    o.name = reader_.nonempty_string(m.require("name"));
    o.kind = org_kind(m.require("kind"));
    if (const auto s = m.get("sector")) o.sector = sector_ref(*s);
    o.municipality = municipality_ref(m.require("municipality"));
    const auto founded = m.get("founded");
    if (founded) o.founded_step = step_not_after_run(*founded);
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
    if (const auto cash = m.get("cash_pln")) o.cash = money(*cash, false);
    if (const auto staff = m.get("staff")) o.staff = count(*staff);
    if (const auto places = m.get("programme_places")) {
      if (!hosts_programmes(o.kind)) {
        reader_.fail(*places, "programme_places is only for organisations of kind " + std::string(kProgrammeKinds) +
                                  "; " + quote(o.id) + " is a " + std::string(name_of(o.kind)));
      }
      o.programme_places = count(*places);
    }
    if (const auto jobs = m.get("social_jobs")) {
      if (!has_social_jobs(o.kind)) {
        reader_.fail(*jobs, "social_jobs is only for organisations of kind " + std::string(kSocialJobKinds) + "; " +
                                quote(o.id) + " is a " + std::string(name_of(o.kind)));
      }
      o.social_jobs = count(*jobs);
    }
    return o;
  }

  void read_people(const Value& v) {
    std::int64_t total = 0;
    std::unordered_map<std::uint32_t, std::int64_t> in_programme;  // org -> people placed
    std::unordered_map<std::uint32_t, std::int64_t> employed;
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
      p.count = reader_.integer(count_value, 0, kMaxPeople);
      total += p.count;
      if (total > kMaxPeople) {
        reader_.fail(count_value, "the scenario would hold " + std::to_string(total) + " people; the limit is " +
                                      std::to_string(kMaxPeople));
      }

      if (const auto s = m.get("state")) p.state = person_state(*s);
      const bool placed = p.state == PersonState::InProgramme || p.state == PersonState::EmployedSocial;
      const auto placement = m.get("placement");
      if (placed && !placement) {
        reader_.fail(m.self().mark, child_path(m.self().path, "placement"),
                     "missing required key \"placement\" (people in state " + std::string(name_of(p.state)) +
                         " need the id of the organisation they start in)");
      }
      if (!placed && placement) {
        reader_.fail(*placement, "placement is only for people in state in_programme or employed_social; these are " +
                                     std::string(name_of(p.state)));
      }
      if (placed) {
        p.placement = org_ref(*placement);
        check_placement(*placement, p, p.state == PersonState::InProgramme ? in_programme : employed);
      }
      spec_.people.push_back(p);
    }
  }

  void check_placement(const Value& at, const PeopleSpec& p, std::unordered_map<std::uint32_t, std::int64_t>& placed) {
    const OrganisationSpec& o = spec_.organisations[p.placement];
    if (o.founded_step > 0) {
      reader_.fail(at, "organisation " + quote(o.id) + " does not exist at the start of the run (founded " +
                           month(o.founded_step) + ")");
    }
    if (o.closed_step <= 0) {
      reader_.fail(at, "organisation " + quote(o.id) + " does not exist at the start of the run (closed " +
                           month(o.closed_step) + ")");
    }
    std::int64_t& total = placed[p.placement];
    total += p.count;
    const bool programme = p.state == PersonState::InProgramme;
    const int capacity = programme ? o.programme_places : o.social_jobs;
    if (total > capacity) {
      std::string problem = "organisation " + quote(o.id) + " has " + std::to_string(capacity) +
                            (programme ? " programme_places" : " social_jobs") + " but " + std::to_string(total) +
                            (programme ? " people start in its programme" : " people start employed there");
      if (programme && !hosts_programmes(o.kind)) {
        problem += " (only kinds " + std::string(kProgrammeKinds) + " run programmes)";
      } else if (!programme && !has_social_jobs(o.kind)) {
        problem += " (only kinds " + std::string(kSocialJobKinds) + " have social jobs)";
      }
      reader_.fail(at, problem);
    }
  }

  // The two different organisations a tie joins: keys source and target.
  std::pair<std::uint32_t, std::uint32_t> tie_ends(const Map& m) const {
    const std::uint32_t source = org_ref(m.require("source"));
    const Value target = m.require("target");
    const std::uint32_t target_index = org_ref(target);
    if (source == target_index) {
      reader_.fail(target, "a tie needs two different organisations; source and target are both " +
                               quote(spec_.organisations[source].id));
    }
    return {source, target_index};
  }

  TieSpec read_tie(const Value& item) {
    const Map m(reader_, item);
    m.allow({"source", "target", "kind", "strength", "start", "end"});
    TieSpec t;
    std::tie(t.source, t.target) = tie_ends(m);
    t.kind = tie_kind(m.require("kind"));
    if (const auto s = m.get("strength")) t.strength = share(*s);
    if (const auto s = m.get("start")) t.start_step = step_not_after_run(*s);
    if (const auto e = m.get("end")) {
      t.end_step = step_any(*e);
      if (t.end_step <= t.start_step) {
        reader_.fail(*e, "expected a month after start (" + month(t.start_step) + "); got " + month(t.end_step));
      }
    }
    return t;
  }

  FundingProgrammeSpec read_programme(const Value& item) {
    const Map m(reader_, item);
    m.allow({"id", "name", "funder", "external_source", "start", "end", "budget_pln", "awards"});
    FundingProgrammeSpec f;
    const Value id = m.require("id");
    f.id = identifier(id);
    if (const auto it = programme_index_.find(f.id); it != programme_index_.end()) {
      reader_.fail(id, "duplicate funding programme id " + quote(f.id) + " (already used by funding_programmes[" +
                           std::to_string(it->second) + "])");
    }
    programme_index_.emplace(f.id, spec_.programmes.size());
    f.name = reader_.nonempty_string(m.require("name"));

    const auto funder = m.get("funder");
    const auto external = m.get("external_source");
    if (funder && external) {
      reader_.fail(*external, "give either funder (an organisation of the scenario) or external_source, not both");
    }
    if (!funder && !external) {
      reader_.fail(m.self(), "missing required key: one of \"funder\" (an organisation id) or \"external_source\"");
    }
    if (funder) f.funder = org_ref(*funder);
    if (external) f.external_source = reader_.nonempty_string(*external);

    f.start_step = step_not_after_run(m.require("start"));
    const Value end = m.require("end");
    f.end_step = step_any(end);
    if (f.end_step <= f.start_step) {
      reader_.fail(end, "expected a month after start (" + month(f.start_step) +
                            "), the first month without "
                            "funding; got " +
                            month(f.end_step));
    }
    const Value budget = m.require("budget_pln");
    f.budget = money(budget, false);

    const Value awards = m.require("awards");
    const auto award_items = reader_.list(awards, false);
    if (award_items.empty()) reader_.fail_expected(awards, "a list of at least one award");
    Grosze monthly_total = 0;
    bool overflow = false;
    for (const auto& a : award_items) {
      AwardSpec award = read_award(a, f);
      overflow = overflow || __builtin_add_overflow(monthly_total, award.monthly, &monthly_total);
      f.awards.push_back(award);
    }
    const Grosze months = f.end_step - f.start_step;
    Grosze need = 0;
    overflow = overflow || __builtin_mul_overflow(monthly_total, months, &need);
    if (overflow || need > f.budget) {
      const std::string need_text =
          overflow ? "more than " + format_pln(std::numeric_limits<Grosze>::max()) : format_pln(need);
      reader_.fail(budget, "awards need " + need_text + " PLN (" +
                               (overflow ? std::string("their monthly amounts") : format_pln(monthly_total) + " PLN") +
                               " a month for " + std::to_string(months) + " months) but budget_pln is " +
                               format_pln(f.budget));
    }
    return f;
  }

  AwardSpec read_award(const Value& item, const FundingProgrammeSpec& f) const {
    const Map m(reader_, item);
    m.allow({"organisation", "monthly_pln", "places"});
    AwardSpec award;
    const Value org = m.require("organisation");
    award.organisation = org_ref(org);
    for (const auto& earlier : f.awards) {
      if (earlier.organisation == award.organisation) {
        reader_.fail(org, "organisation " + quote(spec_.organisations[award.organisation].id) +
                              " already has an award in this programme");
      }
    }
    if (const auto monthly = m.get("monthly_pln")) award.monthly = money(*monthly, false);
    if (const auto places = m.get("places")) {
      const OrganisationSpec& o = spec_.organisations[award.organisation];
      if (!hosts_programmes(o.kind)) {
        reader_.fail(*places, "places are only for organisations of kind " + std::string(kProgrammeKinds) + "; " +
                                  quote(o.id) + " is a " + std::string(name_of(o.kind)));
      }
      award.places = count(*places);
    }
    return award;
  }

  EventSpec read_event(const Value& item) const {
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
        std::tie(e.source, e.target) = tie_ends(m);
        e.tie_kind = tie_kind(m.require("kind"));
        if (const auto s = m.get("strength")) e.strength = share(*s);
        if (const auto end = m.get("end")) {
          e.tie_end_step = step_any(*end);
          if (e.tie_end_step <= e.step) {
            reader_.fail(
                *end, "expected a month after the event's date (" + month(e.step) + "); got " + month(e.tie_end_step));
          }
        }
        break;
      }
      case EventAction::CloseOrganisation: {
        const Value org = m.require("organisation");
        e.target = org_ref(org);
        const OrganisationSpec& o = spec_.organisations[e.target];
        if (e.step < o.founded_step) {
          reader_.fail(org, "organisation " + quote(o.id) + " does not exist yet in " + month(e.step) + " (founded " +
                                month(o.founded_step) + ")");
        }
        if (e.step >= o.closed_step) {
          reader_.fail(org, "organisation " + quote(o.id) + " no longer exists in " + month(e.step) + " (closed " +
                                month(o.closed_step) + ")");
        }
        break;
      }
      case EventAction::Transfer: {
        const Value to = m.require("to");
        e.target = org_ref(to);
        e.amount = money(m.require("amount_pln"), true);
        const auto from = m.get("from");
        const auto external = m.get("from_external");
        if (from && external)
          reader_.fail(*external, "give either from (an organisation id) or from_external, not both");
        if (!from && !external) {
          reader_.fail(m.self(), "missing required key: one of \"from\" (an organisation id) or \"from_external\"");
        }
        if (from) {
          e.source = org_ref(*from);
          if (e.source == e.target) {
            reader_.fail(to, "a transfer needs two different organisations; from and to are both " +
                                 quote(spec_.organisations[e.source].id));
          }
        } else {
          e.from_external = true;
          e.external_source = reader_.nonempty_string(*external);
        }
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
      case EventAction::SignPact:
      case EventAction::StartProgramme:
      case EventAction::EndProgramme:
        break;  // not offered by the action table yet
    }
    return e;
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
};

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
