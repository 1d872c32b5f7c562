// Round trips through the HDF5 writer and reader, checked both through read_result_info /
// read_metric and through the raw HDF5 C API, plus the file-safety guarantees (temp + rename,
// --force, no half-written results left behind).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "sim/output/hdf5_writer.h"
#include "sim/output/result_file.h"

namespace partnersim {
namespace {

namespace fs = std::filesystem;

constexpr int kSteps = 5;
constexpr std::uint32_t kReplicates = 2;
constexpr std::size_t kOrgs = 3;
const std::string kPolish = "Spółdzielnia Socjalna „Kooperacja”";

// A folder of its own for each test, removed afterwards.
class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("partnersim_test_output_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    spec_ = make_spec();
    run_.spec = &spec_;
    run_.metrics = {{"people_total", "persons", "Excluded people tracked by the model"},
                    {"flow", "persons", "A synthetic flow"}};
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static ScenarioSpec make_spec() {
    ScenarioSpec spec;
    spec.metadata.name = kPolish;
    spec.metadata.description = "Round-trip test of the HDF5 writer";
    spec.start = YearMonth{2024, 11};
    spec.steps = kSteps;
    spec.seed = 987654321987654321ULL;
    spec.replicates = static_cast<int>(kReplicates);
    spec.output.tie_snapshot_every = 2;
    spec.municipalities = {"Sopot", "Gdańsk"};
    spec.sectors = {"none", "catering", "cleaning"};
    const std::vector<std::string> ids = {"mops", "coop", "ngo"};
    const std::vector<std::string> names = {"MOPS Sopot", kPolish, "Stowarzyszenie „Żółw”"};
    const std::vector<OrgKind> kinds = {OrgKind::SocialAssistanceCentre, OrgKind::SocialCooperative, OrgKind::Ngo};
    for (std::size_t i = 0; i < kOrgs; ++i) {
      OrganisationSpec o;
      o.id = ids[i];
      o.name = names[i];
      o.kind = kinds[i];
      o.sector = static_cast<std::uint32_t>(i);
      o.municipality = static_cast<std::uint32_t>(i % 2);
      o.founded_step = i == 0 ? -14 : static_cast<int>(i);  // 2023-09, 2024-12, 2025-01
      spec.organisations.push_back(o);
    }
    spec.source_path = "scenarios/test.yaml";
    spec.source_text = "# test scenario\nmetadata:\n  name: \"" + kPolish + "\"\n  description: 'tab\there'\n";
    return spec;
  }

  // Deterministic synthetic values of step s of replicate r.
  static double flow(std::uint32_t r, int s) { return 10.0 * s + r; }
  static double cash(std::uint32_t r, int s, std::size_t o) {
    return 1000.0 * r + 10.0 * s + static_cast<double>(o) + 0.25;
  }
  static std::int32_t employees(std::uint32_t r, int s, std::size_t o) {
    return static_cast<std::int32_t>(100 * r) + s + static_cast<std::int32_t>(o);
  }
  static std::int32_t degree(std::size_t o) { return static_cast<std::int32_t>(o) + 1; }
  static std::uint8_t alive(int s, std::size_t o) { return (o == 2 && s >= 3) ? 0 : 1; }
  static bool snapshot(int s) { return s % 2 == 0 || s == kSteps - 1; }
  // A hand-built ledger of step s of replicate r; step 3 moved no money.
  static std::vector<LedgerFlow> flows(std::uint32_t r, int s) {
    if (s == 3) return {};
    return {{"ESF", "ngo", Channel::EuProject, 100000 + static_cast<Grosze>(r)},
            {"municipality", "social_cooperative", Channel::Grant, 250050},
            {"social_cooperative", "households", Channel::Wages, 12345 * (s + 1)}};
  }

  // The second event of step s: a kind first seen at step 3, the empty note at even steps.
  static std::string closing_kind(int s) { return s < 3 ? "organisation_closed" : "cooperative_dormant"; }
  static std::string closing_note(int s) { return s % 2 == 0 ? "" : kPolish; }
  static std::string transfer_note(int s) { return "grant „" + std::to_string(s) + "”"; }

  // Feeds steps [from, until) of every replicate, replicates interleaved in a scrambled order.
  void feed(Hdf5Writer& writer, int until = kSteps, int from = 0) const {
    const std::vector<TieRow> ties = {{0, 1, TieKind::Contract, 0.5F, -3}, {1, 2, TieKind::Referral, 0.25F, 2}};
    for (int s = from; s < until; ++s) {
      for (std::uint32_t k = 0; k < kReplicates; ++k) {
        const std::uint32_t r = (s % 2 == 0) ? kReplicates - 1 - k : k;
        const std::vector<double> metrics = {100.0, flow(r, s)};
        std::vector<double> c(kOrgs);
        std::vector<std::int32_t> e(kOrgs);
        std::vector<std::int32_t> d(kOrgs);
        std::vector<std::uint8_t> a(kOrgs);
        for (std::size_t o = 0; o < kOrgs; ++o) {
          c[o] = cash(r, s, o);
          e[o] = employees(r, s, o);
          d[o] = degree(o);
          a[o] = alive(s, o);
        }
        const std::vector<LoggedEvent> events = {
            {s, "transfer", 0, 1, 12345 + static_cast<Grosze>(r), transfer_note(s)},
            {s, closing_kind(s), kNoOrganisation, 2, 0, closing_note(s)}};
        StepRecord record;
        record.replicate = r;
        record.step = s;
        record.metrics = metrics;
        record.org_cash_pln = c;
        record.org_employees = e;
        record.org_degree = d;
        record.org_alive = a;
        record.events = events;
        const std::vector<LedgerFlow> ledger = flows(r, s);
        record.flows = ledger;
        record.ties = snapshot(s) ? &ties : nullptr;
        writer.on_step(record);
      }
    }
  }

  // Every step of every replicate with the metrics {1, 2} and nothing else but `ties`.
  static void write_metric_steps(Hdf5Writer& writer, const std::vector<TieRow>* ties) {
    const std::vector<double> metrics = {1.0, 2.0};
    for (int s = 0; s < kSteps; ++s) {
      for (std::uint32_t r = 0; r < kReplicates; ++r) {
        StepRecord record;
        record.replicate = r;
        record.step = s;
        record.metrics = metrics;
        record.ties = ties;
        writer.on_step(record);
      }
    }
  }
  WriterOptions options(const std::string& name, bool force = false) const {
    return WriterOptions{(dir_ / name).string(), force, "partnersim run test.yaml -o " + name, "0.1.0-test"};
  }

  std::string write_result(const std::string& name) {
    Hdf5Writer writer(options(name));
    writer.on_start(run_);
    feed(writer);
    writer.on_finish();
    return (dir_ / name).string();
  }

  fs::path dir_;
  ScenarioSpec spec_;
  RunDescription run_;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Expects `call` to throw OutputError whose message contains `part`.
template <typename F>
void expect_output_error(F&& call, const std::string& part) {
  try {
    call();
    ADD_FAILURE() << "no OutputError; expected one containing: " << part;
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// ---- raw HDF5 helpers ----------------------------------------------------------------------

struct H5 {
  hid_t id;
  herr_t (*close)(hid_t);
  H5(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) { EXPECT_GE(id, 0); }
  ~H5() {
    if (id >= 0) close(id);
  }
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
  operator hid_t() const { return id; }  // NOLINT(google-explicit-constructor)
};

std::vector<hsize_t> dims_of(hid_t ds) {
  const H5 space(H5Dget_space(ds), &H5Sclose);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

template <typename T>
std::vector<T> read_all(hid_t ds, hid_t mem_type) {
  hsize_t n = 1;
  for (const hsize_t d : dims_of(ds)) n *= d;
  std::vector<T> out(static_cast<std::size_t>(n));
  EXPECT_GE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
  return out;
}

// One numeric field of a compound table, read by name.
template <typename T>
std::vector<T> read_field(hid_t ds, const char* field, hid_t native) {
  const H5 mem(H5Tcreate(H5T_COMPOUND, sizeof(T)), &H5Tclose);
  H5Tinsert(mem, field, 0, native);
  return read_all<T>(ds, mem);
}

// One string field (variable- or fixed-length) of a compound table, read by name.
std::vector<std::string> read_text_field(hid_t ds, const char* field) {
  const H5 file_type(H5Dget_type(ds), &H5Tclose);
  const int index = H5Tget_member_index(file_type, field);
  EXPECT_GE(index, 0) << field;
  const H5 member(H5Tget_member_type(file_type, static_cast<unsigned>(index)), &H5Tclose);
  std::vector<std::string> out;
  if (H5Tis_variable_str(member) > 0) {
    const H5 str(H5Tcopy(H5T_C_S1), &H5Tclose);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    const H5 mem(H5Tcreate(H5T_COMPOUND, sizeof(char*)), &H5Tclose);
    H5Tinsert(mem, field, 0, str);
    std::vector<char*> raw = read_all<char*>(ds, mem);
    for (char* s : raw) {
      out.emplace_back(s != nullptr ? s : "");
      H5free_memory(s);
    }
  } else {
    const std::size_t size = H5Tget_size(member);
    const H5 mem(H5Tcreate(H5T_COMPOUND, size), &H5Tclose);
    H5Tinsert(mem, field, 0, member);
    hsize_t n = dims_of(ds).at(0);
    std::vector<char> raw(static_cast<std::size_t>(n) * size);
    EXPECT_GE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
    for (std::size_t i = 0; i < n; ++i) {
      std::string s(raw.data() + i * size, size);
      s.erase(s.find_last_not_of('\0') + 1);
      out.push_back(s);
    }
  }
  return out;
}

// The strings of a 1-D string dataset (the dictionaries /events/kinds and /events/notes).
std::vector<std::string> read_strings(hid_t file, const char* name) {
  const H5 ds(H5Dopen2(file, name, H5P_DEFAULT), &H5Dclose);
  const H5 str(H5Tcopy(H5T_C_S1), &H5Tclose);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  std::vector<std::string> out;
  for (char* s : read_all<char*>(ds, str)) {
    out.emplace_back(s != nullptr ? s : "");
    H5free_memory(s);
  }
  return out;
}

// A dictionary-coded field of /events/log, decoded through its dictionary; a code past the
// end of the dictionary is a failure (and reads as "<code N past the dictionary>").
std::vector<std::string> read_coded_field(hid_t file, hid_t ds, const char* field, const char* dictionary) {
  const auto codes = read_field<std::uint32_t>(ds, field, H5T_NATIVE_UINT32);
  const auto strings = read_strings(file, dictionary);
  std::vector<std::string> out;
  for (const std::uint32_t code : codes) {
    if (code < strings.size()) {
      out.push_back(strings[code]);
    } else {
      ADD_FAILURE() << field << " code " << code << " past the end of " << dictionary << " (" << strings.size()
                    << " strings)";
      out.push_back("<code " + std::to_string(code) + " past the dictionary>");
    }
  }
  return out;
}

// The class and size in bytes of one field of a compound table.
std::pair<H5T_class_t, std::size_t> field_type(hid_t ds, const char* field) {
  const H5 file_type(H5Dget_type(ds), &H5Tclose);
  const int index = H5Tget_member_index(file_type, field);
  EXPECT_GE(index, 0) << field;
  const H5 member(H5Tget_member_type(file_type, static_cast<unsigned>(index)), &H5Tclose);
  return {H5Tget_class(member), H5Tget_size(member)};
}

// An enumeration field of a compound table as the names its type gives the stored values.
std::vector<std::string> read_enum_field(hid_t ds, const char* field) {
  const H5 file_type(H5Dget_type(ds), &H5Tclose);
  const int index = H5Tget_member_index(file_type, field);
  EXPECT_GE(index, 0) << field;
  const H5 member(H5Tget_member_type(file_type, static_cast<unsigned>(index)), &H5Tclose);
  EXPECT_EQ(H5Tget_class(member), H5T_ENUM) << field;
  EXPECT_EQ(H5Tget_size(member), 1U) << field;
  const H5 mem(H5Tcreate(H5T_COMPOUND, 1), &H5Tclose);
  H5Tinsert(mem, field, 0, member);
  std::vector<std::string> out;
  for (const std::uint8_t value : read_all<std::uint8_t>(ds, mem)) {
    char name[64] = {};
    EXPECT_GE(H5Tenum_nameof(member, &value, name, sizeof name), 0) << "value " << int{value};
    out.emplace_back(name);
  }
  return out;
}

std::string read_text_attr(hid_t obj, const char* name) {
  const H5 attr(H5Aopen(obj, name, H5P_DEFAULT), &H5Aclose);
  const H5 type(H5Aget_type(attr), &H5Tclose);
  EXPECT_GT(H5Tis_variable_str(type), 0) << name;
  const H5 mem(H5Tget_native_type(type, H5T_DIR_ASCEND), &H5Tclose);
  char* raw = nullptr;
  EXPECT_GE(H5Aread(attr, mem, static_cast<void*>(&raw)), 0);
  std::string out = raw != nullptr ? raw : "";
  H5free_memory(raw);
  return out;
}

std::int64_t read_int_attr(hid_t obj, const char* name) {
  const H5 attr(H5Aopen(obj, name, H5P_DEFAULT), &H5Aclose);
  std::int64_t value = 0;
  EXPECT_GE(H5Aread(attr, H5T_NATIVE_INT64, &value), 0);
  return value;
}

std::vector<std::string> read_months(hid_t ds) {
  const std::size_t n = dims_of(ds).at(0);
  const H5 type(H5Dget_type(ds), &H5Tclose);
  EXPECT_EQ(H5Tget_size(type), 7U);
  std::vector<char> raw(n * 7);
  EXPECT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(raw.data() + i * 7, 7);
  return out;
}

const std::vector<std::string> kMonths = {"2024-11", "2024-12", "2025-01", "2025-02", "2025-03"};

// ---- round trip through the reader ---------------------------------------------------------

TEST_F(WriterTest, RoundTripThroughReader) {
  const std::string path = write_result("r.h5");
  const ResultInfo info = read_result_info(path);

  EXPECT_EQ(info.attributes.at("format_version"), std::to_string(kOutputFormatVersion));
  EXPECT_EQ(info.attributes.at("partnersim_version"), "0.1.0-test");
  EXPECT_EQ(info.attributes.at("scenario_name"), kPolish);
  EXPECT_EQ(info.attributes.at("scenario_description"), "Round-trip test of the HDF5 writer");
  EXPECT_EQ(info.attributes.at("seed"), "987654321987654321");
  EXPECT_EQ(info.attributes.at("steps"), "5");
  EXPECT_EQ(info.attributes.at("start_month"), "2024-11");
  EXPECT_EQ(info.attributes.at("replicates"), "2");
  EXPECT_EQ(info.attributes.at("command_line"), "partnersim run test.yaml -o r.h5");
  EXPECT_EQ(info.attributes.at("complete"), "1");
  const std::string& created = info.attributes.at("creation_time");
  ASSERT_EQ(created.size(), 20U) << created;  // 2025-01-31T12:00:00Z
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');

  EXPECT_EQ(info.replicates, 2);
  EXPECT_EQ(info.steps, kSteps);
  EXPECT_EQ(info.months, kMonths);
  EXPECT_EQ(info.organisations, kOrgs);
  EXPECT_EQ(info.events, 2U * kReplicates * kSteps);

  ASSERT_EQ(info.metrics.size(), 2U);  // in the order of RunDescription::metrics
  EXPECT_EQ(info.metrics[0].name, "people_total");
  EXPECT_EQ(info.metrics[0].unit, "persons");
  EXPECT_EQ(info.metrics[0].description, "Excluded people tracked by the model");
  EXPECT_DOUBLE_EQ(info.metrics[0].mean, 100.0);
  EXPECT_EQ(info.metrics[1].name, "flow");
  EXPECT_DOUBLE_EQ(info.metrics[1].min, 40.0);
  EXPECT_DOUBLE_EQ(info.metrics[1].max, 41.0);
  EXPECT_DOUBLE_EQ(info.metrics[1].mean, 40.5);

  const auto values = read_metric(path, "flow");
  ASSERT_EQ(values.size(), kReplicates);
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    ASSERT_EQ(values[r].size(), static_cast<std::size_t>(kSteps));
    for (int s = 0; s < kSteps; ++s) EXPECT_DOUBLE_EQ(values[r][static_cast<std::size_t>(s)], flow(r, s));
  }
  expect_output_error([&] { read_metric(path, "no_such_metric"); }, "no metric 'no_such_metric'");
  expect_output_error([&] { read_metric(path, "month"); }, "no metric 'month'");
}

// ---- the layout, through the raw C API -----------------------------------------------------

TEST_F(WriterTest, LayoutThroughRawHdf5) {
  const std::string path = write_result("r.h5");
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);

  EXPECT_EQ(read_int_attr(file, "format_version"), kOutputFormatVersion);
  EXPECT_EQ(read_int_attr(file, "complete"), 1);
  EXPECT_EQ(read_int_attr(file, "steps"), kSteps);
  EXPECT_EQ(read_int_attr(file, "replicates"), kReplicates);
  EXPECT_EQ(read_text_attr(file, "scenario_name"), kPolish);
  EXPECT_EQ(read_text_attr(file, "start_month"), "2024-11");

  {  // the scenario file, byte for byte
    const H5 source(H5Dopen2(file, "/scenario/source", H5P_DEFAULT), &H5Dclose);
    const H5 type(H5Dget_type(source), &H5Tclose);
    const H5 mem(H5Tget_native_type(type, H5T_DIR_ASCEND), &H5Tclose);
    char* text = nullptr;
    ASSERT_GE(H5Dread(source, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, static_cast<void*>(&text)), 0);
    EXPECT_EQ(std::string(text), spec_.source_text);
    H5free_memory(text);
    EXPECT_EQ(read_text_attr(source, "path"), "scenarios/test.yaml");
  }

  {  // metrics: [replicate, month] with both axes as dimension scales
    const H5 month(H5Dopen2(file, "/metrics/month", H5P_DEFAULT), &H5Dclose);
    const H5 replicate(H5Dopen2(file, "/metrics/replicate", H5P_DEFAULT), &H5Dclose);
    EXPECT_GT(H5DSis_scale(month), 0);
    EXPECT_GT(H5DSis_scale(replicate), 0);
    EXPECT_EQ(read_months(month), kMonths);
    EXPECT_EQ(read_all<std::int32_t>(replicate, H5T_NATIVE_INT32), (std::vector<std::int32_t>{0, 1}));
    const H5 flow_ds(H5Dopen2(file, "/metrics/flow", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(dims_of(flow_ds), (std::vector<hsize_t>{kReplicates, kSteps}));
    EXPECT_GT(H5DSis_attached(flow_ds, replicate, 0), 0);
    EXPECT_GT(H5DSis_attached(flow_ds, month, 1), 0);
    EXPECT_EQ(read_text_attr(flow_ds, "unit"), "persons");
    const auto flat = read_all<double>(flow_ds, H5T_NATIVE_DOUBLE);
    for (std::uint32_t r = 0; r < kReplicates; ++r) {
      for (int s = 0; s < kSteps; ++s)
        EXPECT_DOUBLE_EQ(flat[std::size_t{r} * kSteps + static_cast<std::size_t>(s)], flow(r, s));
    }
  }

  {  // organisations: table and [replicate, month, organisation] arrays
    const H5 table(H5Dopen2(file, "/organisations/table", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(dims_of(table), (std::vector<hsize_t>{kOrgs}));
    EXPECT_EQ(read_text_field(table, "id"), (std::vector<std::string>{"mops", "coop", "ngo"}));
    EXPECT_EQ(read_text_field(table, "name")[1], kPolish);
    EXPECT_EQ(read_text_field(table, "name")[2], "Stowarzyszenie „Żółw”");
    EXPECT_EQ(read_text_field(table, "kind"),
              (std::vector<std::string>{"social_assistance_centre", "social_cooperative", "ngo"}));
    EXPECT_EQ(read_text_field(table, "sector"), (std::vector<std::string>{"none", "catering", "cleaning"}));
    EXPECT_EQ(read_text_field(table, "municipality"), (std::vector<std::string>{"Sopot", "Gdańsk", "Sopot"}));
    EXPECT_EQ(read_text_field(table, "founded"), (std::vector<std::string>{"2023-09", "2024-12", "2025-01"}));

    const H5 month(H5Dopen2(file, "/organisations/month", H5P_DEFAULT), &H5Dclose);
    const H5 organisation(H5Dopen2(file, "/organisations/organisation", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(read_months(month), kMonths);
    EXPECT_GT(H5DSis_attached(table, organisation, 0), 0);

    const H5 cash_ds(H5Dopen2(file, "/organisations/cash", H5P_DEFAULT), &H5Dclose);
    const H5 employees_ds(H5Dopen2(file, "/organisations/employees", H5P_DEFAULT), &H5Dclose);
    const H5 degree_ds(H5Dopen2(file, "/organisations/degree", H5P_DEFAULT), &H5Dclose);
    const H5 alive_ds(H5Dopen2(file, "/organisations/alive", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(dims_of(cash_ds), (std::vector<hsize_t>{kReplicates, kSteps, kOrgs}));
    EXPECT_GT(H5DSis_attached(cash_ds, month, 1), 0);
    EXPECT_GT(H5DSis_attached(cash_ds, organisation, 2), 0);
    EXPECT_EQ(read_text_attr(cash_ds, "unit"), "PLN");
    const auto c = read_all<double>(cash_ds, H5T_NATIVE_DOUBLE);
    const auto e = read_all<std::int32_t>(employees_ds, H5T_NATIVE_INT32);
    const auto d = read_all<std::int32_t>(degree_ds, H5T_NATIVE_INT32);
    const auto a = read_all<std::uint8_t>(alive_ds, H5T_NATIVE_UINT8);
    for (std::uint32_t r = 0; r < kReplicates; ++r) {
      for (int s = 0; s < kSteps; ++s) {
        for (std::size_t o = 0; o < kOrgs; ++o) {
          const std::size_t i = (std::size_t{r} * kSteps + static_cast<std::size_t>(s)) * kOrgs + o;
          EXPECT_DOUBLE_EQ(c[i], cash(r, s, o));
          EXPECT_EQ(e[i], employees(r, s, o));
          EXPECT_EQ(d[i], degree(o));
          EXPECT_EQ(a[i], alive(s, o));
        }
      }
    }
  }

  {  // ties: every replicate at snapshot steps 0, 2, 4
    const H5 ties(H5Dopen2(file, "/ties/snapshots", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(read_int_attr(ties, "every"), 2);
    EXPECT_EQ(dims_of(ties), (std::vector<hsize_t>{hsize_t{3} * kReplicates * 2}));
    const auto replicate = read_field<std::uint32_t>(ties, "replicate", H5T_NATIVE_UINT32);
    const auto step = read_field<std::int32_t>(ties, "step", H5T_NATIVE_INT32);
    const auto source = read_field<std::uint32_t>(ties, "source", H5T_NATIVE_UINT32);
    const auto target = read_field<std::uint32_t>(ties, "target", H5T_NATIVE_UINT32);
    const auto strength = read_field<float>(ties, "strength", H5T_NATIVE_FLOAT);
    const auto kind = read_enum_field(ties, "kind");
    const auto month = read_text_field(ties, "month");
    const auto start = read_text_field(ties, "start");
    for (std::size_t i = 0; i < replicate.size(); ++i) {
      EXPECT_TRUE(snapshot(step[i])) << step[i];
      EXPECT_LT(replicate[i], kReplicates);
      EXPECT_EQ(month[i], kMonths[static_cast<std::size_t>(step[i])]);
      if (source[i] == 0) {
        EXPECT_EQ(target[i], 1U);
        EXPECT_EQ(kind[i], "contract");
        EXPECT_FLOAT_EQ(strength[i], 0.5F);
        EXPECT_EQ(start[i], "2024-08");
      } else {
        EXPECT_EQ(target[i], 2U);
        EXPECT_EQ(kind[i], "referral");
        EXPECT_FLOAT_EQ(strength[i], 0.25F);
        EXPECT_EQ(start[i], "2025-01");
      }
    }
  }

  {  // events: two per replicate and step
    const H5 log(H5Dopen2(file, "/events/log", H5P_DEFAULT), &H5Dclose);
    EXPECT_EQ(dims_of(log), (std::vector<hsize_t>{hsize_t{2} * kReplicates * kSteps}));
    const auto replicate = read_field<std::uint32_t>(log, "replicate", H5T_NATIVE_UINT32);
    const auto step = read_field<std::int32_t>(log, "step", H5T_NATIVE_INT32);
    const auto source = read_field<std::int64_t>(log, "source", H5T_NATIVE_INT64);
    const auto target = read_field<std::int64_t>(log, "target", H5T_NATIVE_INT64);
    const auto amount = read_field<double>(log, "amount_pln", H5T_NATIVE_DOUBLE);
    EXPECT_EQ(field_type(log, "kind"), std::make_pair(H5T_INTEGER, std::size_t{2}));
    EXPECT_EQ(field_type(log, "note"), std::make_pair(H5T_INTEGER, std::size_t{4}));
    const auto kind = read_coded_field(file, log, "kind", "/events/kinds");
    const auto note = read_coded_field(file, log, "note", "/events/notes");
    const auto month = read_text_field(log, "month");
    std::size_t transfers = 0;
    for (std::size_t i = 0; i < replicate.size(); ++i) {
      EXPECT_EQ(month[i], kMonths[static_cast<std::size_t>(step[i])]);
      if (kind[i] == "transfer") {
        ++transfers;
        EXPECT_EQ(source[i], 0);
        EXPECT_EQ(target[i], 1);
        EXPECT_DOUBLE_EQ(amount[i], 123.45 + 0.01 * replicate[i]);
        EXPECT_EQ(note[i], transfer_note(step[i]));
      } else {
        EXPECT_EQ(kind[i], closing_kind(step[i]));
        EXPECT_EQ(source[i], -1);  // kNoOrganisation
        EXPECT_EQ(target[i], 2);
        EXPECT_EQ(note[i], closing_note(step[i]));  // "" or UTF-8 beyond ASCII
      }
    }
    EXPECT_EQ(transfers, kReplicates * kSteps);
  }
}

// ---- dictionary-coded event texts and enumerated tie kinds ---------------------------------

// What the test fixture's feed logs at steps [0, until), in the order feed writes it.
struct LoggedRow {
  std::string kind;
  std::string note;
  bool operator==(const LoggedRow&) const = default;
};

std::vector<LoggedRow> decoded_events(hid_t file) {
  const H5 log(H5Dopen2(file, "/events/log", H5P_DEFAULT), &H5Dclose);
  const auto kind = read_coded_field(file, log, "kind", "/events/kinds");
  const auto note = read_coded_field(file, log, "note", "/events/notes");
  std::vector<LoggedRow> out;
  for (std::size_t i = 0; i < kind.size(); ++i) out.push_back({kind[i], note[i]});
  return out;
}

// Every string once, the empty note first.
void expect_well_formed_dictionaries(hid_t file) {
  const auto kinds = read_strings(file, "/events/kinds");
  const auto notes = read_strings(file, "/events/notes");
  EXPECT_EQ(std::set<std::string>(kinds.begin(), kinds.end()).size(), kinds.size());
  EXPECT_EQ(std::set<std::string>(notes.begin(), notes.end()).size(), notes.size());
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0], "");
}

// A copy of the file made at any flush (a checkpoint) decodes to exactly the events logged
// up to then: the dictionaries reach the file before the rows that use their new strings.
TEST_F(WriterTest, EveryCopyOfTheFileDecodesToTheEventsLoggedSoFar) {
  Hdf5Writer writer(options("r.h5"));
  writer.on_start(run_);
  std::vector<LoggedRow> expected;
  std::vector<std::string> previous_kinds;
  std::vector<std::string> previous_notes;
  for (int s = 0; s < kSteps; ++s) {
    feed(writer, s + 1, s);
    for (std::uint32_t k = 0; k < kReplicates; ++k) {
      expected.push_back({"transfer", transfer_note(s)});
      expected.push_back({closing_kind(s), closing_note(s)});
    }
    const std::string copy = (dir_ / ("copy" + std::to_string(s) + ".h5")).string();
    writer.copy_output(copy);
    const H5 file(H5Fopen(copy.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
    EXPECT_EQ(decoded_events(file), expected) << "after step " << s;
    expect_well_formed_dictionaries(file);
    // Dictionaries only grow at their end, so codes keep their meaning.
    const auto kinds = read_strings(file, "/events/kinds");
    const auto notes = read_strings(file, "/events/notes");
    EXPECT_TRUE(std::equal(previous_kinds.begin(), previous_kinds.end(), kinds.begin()));
    EXPECT_TRUE(std::equal(previous_notes.begin(), previous_notes.end(), notes.begin()));
    previous_kinds = kinds;
    previous_notes = notes;
  }
  writer.on_finish();
  EXPECT_EQ(previous_kinds, (std::vector<std::string>{"transfer", "organisation_closed", "cooperative_dormant"}));
  EXPECT_EQ(previous_notes.size(), 2U + kSteps);  // "", kPolish and one grant note a step
}

// A run started before any event still holds the empty note, code 0.
TEST_F(WriterTest, TheNoteDictionaryStartsWithTheEmptyNote) {
  Hdf5Writer writer(options("r.h5"));
  writer.on_start(run_);
  const std::string copy = (dir_ / "copy.h5").string();
  writer.copy_output(copy);
  const H5 file(H5Fopen(copy.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  EXPECT_EQ(read_strings(file, "/events/notes"), (std::vector<std::string>{""}));
  EXPECT_TRUE(read_strings(file, "/events/kinds").empty());
}

// A writer continuing a checkpoint's output reloads the dictionaries: old strings keep their
// codes and new ones continue the numbering, so the file equals one written straight through.
TEST_F(WriterTest, AContinuedFileKeepsTheCodesOfTheFileItContinues) {
  const std::string straight = write_result("straight.h5");
  const std::string checkpoint = (dir_ / "checkpoint.h5").string();
  {
    Hdf5Writer first(options("stopped.h5"));
    first.on_start(run_);
    feed(first, 2);  // the kind first seen at step 3 and kPolish (step 1 on) come before and after
    first.copy_output(checkpoint);
  }
  WriterOptions continued = options("resumed.h5");
  continued.continue_from = checkpoint;
  {
    Hdf5Writer second(continued);
    second.on_start(run_);
    feed(second, kSteps, 2);
    second.on_finish();
  }
  const H5 a(H5Fopen(straight.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const std::string resumed = (dir_ / "resumed.h5").string();
  const H5 b(H5Fopen(resumed.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  for (const char* name : {"/events/kinds", "/events/notes"}) EXPECT_EQ(read_strings(a, name), read_strings(b, name));
  const H5 log_a(H5Dopen2(a, "/events/log", H5P_DEFAULT), &H5Dclose);
  const H5 log_b(H5Dopen2(b, "/events/log", H5P_DEFAULT), &H5Dclose);
  for (const char* field : {"kind", "note"}) {
    EXPECT_EQ(read_field<std::uint32_t>(log_a, field, H5T_NATIVE_UINT32),
              read_field<std::uint32_t>(log_b, field, H5T_NATIVE_UINT32))
        << field;
  }
  EXPECT_EQ(decoded_events(b), decoded_events(a));
  expect_well_formed_dictionaries(b);
}

// The tie kind is an HDF5 enumeration whose members are the TieKind names in enum order.
TEST_F(WriterTest, TieKindsAreAnEnumerationOfTheirNames) {
  std::vector<TieRow> all_kinds;
  for (std::size_t k = 0; k < kTieKindCount; ++k) {
    all_kinds.push_back({0, static_cast<std::uint32_t>(1 + k % 2), static_cast<TieKind>(k), 0.5F, 0});
  }
  {
    Hdf5Writer writer(options("r.h5"));
    writer.on_start(run_);
    write_metric_steps(writer, &all_kinds);
    writer.on_finish();
  }
  const std::string path = (dir_ / "r.h5").string();
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const H5 ties(H5Dopen2(file, "/ties/snapshots", H5P_DEFAULT), &H5Dclose);
  const auto kind = read_enum_field(ties, "kind");
  ASSERT_EQ(kind.size(), std::size_t{kSteps} * kReplicates * kTieKindCount);
  for (std::size_t i = 0; i < kind.size(); ++i) {
    EXPECT_EQ(kind[i], name_of(static_cast<TieKind>(i % kTieKindCount))) << "row " << i;
  }
  const H5 file_type(H5Dget_type(ties), &H5Tclose);
  const H5 member(H5Tget_member_type(file_type, static_cast<unsigned>(H5Tget_member_index(file_type, "kind"))),
                  &H5Tclose);
  ASSERT_EQ(H5Tget_nmembers(member), static_cast<int>(kTieKindCount));
  for (unsigned k = 0; k < kTieKindCount; ++k) {
    char* name = H5Tget_member_name(member, k);
    std::uint8_t value = 0;
    H5Tget_member_value(member, k, &value);
    EXPECT_EQ(value, k);
    EXPECT_EQ(std::string(name), name_of(static_cast<TieKind>(k)));
    H5free_memory(name);
  }
}

TEST_F(WriterTest, LedgerFlowsRoundTrip) {
  const std::string path = write_result("r.h5");
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const H5 ledger(H5Dopen2(file, "/ledger/flows", H5P_DEFAULT), &H5Dclose);
  EXPECT_EQ(read_text_attr(ledger, "unit"), "PLN");
  EXPECT_EQ(dims_of(ledger), (std::vector<hsize_t>{hsize_t{3} * kReplicates * (kSteps - 1)}));
  const auto replicate = read_field<std::uint32_t>(ledger, "replicate", H5T_NATIVE_UINT32);
  const auto step = read_field<std::int32_t>(ledger, "step", H5T_NATIVE_INT32);
  const auto amount = read_field<double>(ledger, "amount_pln", H5T_NATIVE_DOUBLE);
  const auto month = read_text_field(ledger, "month");
  const auto source = read_text_field(ledger, "source");
  const auto sink = read_text_field(ledger, "sink");
  const auto channel = read_text_field(ledger, "channel");
  // Every row is one of the hand-built flows of its replicate and step, with its labels.
  std::vector<std::vector<double>> total(kReplicates, std::vector<double>(kSteps, 0.0));
  for (std::size_t i = 0; i < replicate.size(); ++i) {
    ASSERT_LT(replicate[i], kReplicates);
    ASSERT_GE(step[i], 0);
    ASSERT_LT(step[i], kSteps);
    EXPECT_EQ(month[i], kMonths[static_cast<std::size_t>(step[i])]);
    bool found = false;
    for (const LedgerFlow& f : flows(replicate[i], step[i])) {
      if (source[i] == f.source && sink[i] == f.sink && channel[i] == name_of(f.channel)) {
        EXPECT_DOUBLE_EQ(amount[i], grosze_to_pln(f.amount));
        found = true;
      }
    }
    EXPECT_TRUE(found) << source[i] << " -> " << sink[i] << " " << channel[i];
    total[replicate[i]][static_cast<std::size_t>(step[i])] += amount[i];
  }
  EXPECT_NE(std::find(channel.begin(), channel.end(), "eu_project"), channel.end());
  EXPECT_NE(std::find(sink.begin(), sink.end(), "households"), sink.end());
  // The sum over a step is the hand-built ledger's: 1000.00 + r/100 + 2500.50 + 123.45 (s + 1).
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    for (int s = 0; s < kSteps; ++s) {
      const double expected = s == 3 ? 0.0 : 1000.0 + 0.01 * r + 2500.5 + 123.45 * (s + 1);
      EXPECT_NEAR(total[r][static_cast<std::size_t>(s)], expected, 1e-9) << r << " " << s;
    }
  }
}

TEST_F(WriterTest, LatentOrganisationsHaveNoFoundingMonth) {
  spec_.organisations[2].founded_step = kNotFounded;
  spec_.organisations[2].latent = true;
  const std::string path = write_result("r.h5");
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const H5 table(H5Dopen2(file, "/organisations/table", H5P_DEFAULT), &H5Dclose);
  EXPECT_EQ(read_text_field(table, "founded"), (std::vector<std::string>{"2023-09", "2024-12", ""}));
}

TEST_F(WriterTest, RunWithoutOrganisationsEventsOrTies) {
  spec_.organisations.clear();
  const std::string path = (dir_ / "empty.h5").string();
  {
    Hdf5Writer writer(options("empty.h5"));
    writer.on_start(run_);
    write_metric_steps(writer, nullptr);
    writer.on_finish();
  }
  const ResultInfo info = read_result_info(path);
  EXPECT_EQ(info.organisations, 0U);
  EXPECT_EQ(info.events, 0U);
  EXPECT_EQ(info.steps, kSteps);
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const H5 ledger(H5Dopen2(file, "/ledger/flows", H5P_DEFAULT), &H5Dclose);
  EXPECT_EQ(dims_of(ledger), (std::vector<hsize_t>{0}));
}

// The writer keeps a chunk of steps per replicate before handing it to HDF5: steps past the
// scenario's end, a replicate that skips a step, and organisation arrays missing at a step
// must still land in their own cells (unwritten cells read as the fill value).
TEST_F(WriterTest, BufferedStepsLandInTheirCellsWithGapsAndExtraSteps) {
  constexpr int kWritten = kSteps + 2;  // two steps beyond the scenario's end
  const auto skipped = [](std::uint32_t r, int s) { return r == 1 && s == 3; };
  const auto without_orgs = [](std::uint32_t r, int s) { return r == 0 && s == 2; };
  const std::string path = (dir_ / "gaps.h5").string();
  {
    Hdf5Writer writer(options("gaps.h5"));
    writer.on_start(run_);
    for (int s = 0; s < kWritten; ++s) {
      for (std::uint32_t r = 0; r < kReplicates; ++r) {
        if (skipped(r, s)) continue;
        const std::vector<double> metrics = {100.0, flow(r, s)};
        std::vector<double> c(kOrgs);
        std::vector<std::int32_t> e(kOrgs);
        for (std::size_t o = 0; o < kOrgs; ++o) {
          c[o] = cash(r, s, o);
          e[o] = employees(r, s, o);
        }
        StepRecord record;
        record.replicate = r;
        record.step = s;
        record.metrics = metrics;
        if (!without_orgs(r, s)) {
          record.org_cash_pln = c;
          record.org_employees = e;
        }
        writer.on_step(record);
      }
    }
    writer.on_finish();
  }
  const H5 file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  const H5 flow_ds(H5Dopen2(file, "/metrics/flow", H5P_DEFAULT), &H5Dclose);
  ASSERT_EQ(dims_of(flow_ds), (std::vector<hsize_t>{kReplicates, kWritten}));
  const auto flows = read_all<double>(flow_ds, H5T_NATIVE_DOUBLE);
  const H5 cash_ds(H5Dopen2(file, "/organisations/cash", H5P_DEFAULT), &H5Dclose);
  ASSERT_EQ(dims_of(cash_ds), (std::vector<hsize_t>{kReplicates, kWritten, kOrgs}));
  const auto cashes = read_all<double>(cash_ds, H5T_NATIVE_DOUBLE);
  const H5 employees_ds(H5Dopen2(file, "/organisations/employees", H5P_DEFAULT), &H5Dclose);
  const auto employed = read_all<std::int32_t>(employees_ds, H5T_NATIVE_INT32);
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    for (int s = 0; s < kWritten; ++s) {
      const std::size_t cell = r * kWritten + static_cast<std::size_t>(s);
      if (skipped(r, s)) {
        EXPECT_TRUE(std::isnan(flows[cell])) << r << " " << s;
      } else {
        EXPECT_EQ(flows[cell], flow(r, s)) << r << " " << s;
      }
      for (std::size_t o = 0; o < kOrgs; ++o) {
        const double c = cashes[cell * kOrgs + o];
        const std::int32_t e = employed[cell * kOrgs + o];
        if (skipped(r, s) || without_orgs(r, s)) {
          EXPECT_TRUE(std::isnan(c)) << r << " " << s << " " << o;
          EXPECT_EQ(e, -1) << r << " " << s << " " << o;
        } else {
          EXPECT_EQ(c, cash(r, s, o)) << r << " " << s << " " << o;
          EXPECT_EQ(e, employees(r, s, o)) << r << " " << s << " " << o;
        }
      }
    }
  }
}

TEST_F(WriterTest, RejectsMalformedStepRecords) {
  Hdf5Writer writer(options("r.h5"));
  writer.on_start(run_);
  const std::vector<double> metrics = {1.0, 2.0};
  StepRecord record;
  record.metrics = metrics;
  record.replicate = kReplicates;
  expect_output_error([&] { writer.on_step(record); }, "replicate 2 out of range");
  record.replicate = 0;
  const std::vector<double> too_few = {1.0};
  record.metrics = too_few;
  expect_output_error([&] { writer.on_step(record); }, "expected 2");
}

// ---- file safety ---------------------------------------------------------------------------

TEST_F(WriterTest, TemporaryFileSitsNextToTheTargetAndIsCreatedAtStart) {
  Hdf5Writer writer(options("r.h5"));
  const fs::path temp(writer.temporary_path());
  EXPECT_EQ(temp.parent_path(), dir_);
  EXPECT_EQ(temp.filename().string(), ".r.h5.partial-" + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(temp));
  writer.on_start(run_);
  EXPECT_TRUE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(dir_ / "r.h5"));
  feed(writer);
  writer.on_finish();
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_TRUE(fs::exists(dir_ / "r.h5"));
}

TEST_F(WriterTest, ExistingTargetWithoutForceIsRefusedAndUntouched) {
  const fs::path target = dir_ / "r.h5";
  spit(target, "precious results\n");
  try {
    Hdf5Writer writer(options("r.h5"));
    FAIL() << "no OutputExists";
  } catch (const OutputExists& e) {
    EXPECT_EQ(std::string(e.what()), target.string() + " exists; use --force to replace it");
  }
  EXPECT_EQ(slurp(target), "precious results\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(WriterTest, ForceReplacesTheTargetOnlyWhenFinished) {
  const fs::path target = dir_ / "r.h5";
  spit(target, "old results\n");
  {
    Hdf5Writer writer(options("r.h5", true));
    writer.on_start(run_);
    feed(writer);
    EXPECT_EQ(slurp(target), "old results\n");
    writer.on_finish();
    EXPECT_FALSE(fs::exists(writer.temporary_path()));
  }
  EXPECT_EQ(read_result_info(target.string()).attributes.at("complete"), "1");
}

TEST_F(WriterTest, ForcedRunThatDoesNotFinishKeepsTheOldTarget) {
  const fs::path target = dir_ / "r.h5";
  spit(target, "old results\n");
  std::string temp;
  {
    Hdf5Writer writer(options("r.h5", true));
    temp = writer.temporary_path();
    writer.on_start(run_);
    feed(writer, 2);
  }
  EXPECT_EQ(slurp(target), "old results\n");
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(WriterTest, UnfinishedRunLeavesNothingAndItsCopyReadsAsIncomplete) {
  const fs::path copy = dir_ / "copy.h5";
  std::string temp;
  {
    Hdf5Writer writer(options("r.h5"));
    temp = writer.temporary_path();
    writer.on_start(run_);
    feed(writer, 2);
    fs::copy_file(temp, copy);
  }
  EXPECT_FALSE(fs::exists(dir_ / "r.h5"));
  EXPECT_FALSE(fs::exists(temp));
  expect_output_error([&] { read_result_info(copy.string()); },
                      copy.string() + ": incomplete result (the run did not finish)");
  expect_output_error([&] { read_metric(copy.string(), "flow"); }, "incomplete result");
}

TEST_F(WriterTest, WriterDestroyedBeforeStartCreatesNothing) {
  { Hdf5Writer writer(options("r.h5")); }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(WriterTest, CreatesMissingFolders) {
  const fs::path target = dir_ / "a" / "b" / "r.h5";
  {
    Hdf5Writer writer(WriterOptions{target.string(), false, "", ""});
    writer.on_start(run_);
    feed(writer);
    writer.on_finish();
  }
  EXPECT_TRUE(fs::exists(target));
}

TEST_F(WriterTest, FolderThatCannotBeCreatedIsAnError) {
  spit(dir_ / "file", "x");
  const std::string target = (dir_ / "file" / "sub" / "r.h5").string();
  expect_output_error(
      [&] {
        Hdf5Writer writer(WriterOptions{target, false, "", ""});
      },
      target + ": cannot create folder");
  const std::string beside = (dir_ / "file" / "r.h5").string();
  expect_output_error(
      [&] {
        Hdf5Writer writer(WriterOptions{beside, false, "", ""});
      },
      beside + ": " + (dir_ / "file").string() + " is not a folder");
}

TEST_F(WriterTest, TargetThatIsAFolderIsAnError) {
  fs::create_directories(dir_ / "r.h5");
  expect_output_error([&] { Hdf5Writer writer(options("r.h5", true)); }, "is a folder");
}

// ---- reading things that are not results ---------------------------------------------------

TEST_F(WriterTest, ReadingAMissingFile) {
  const std::string path = (dir_ / "missing.h5").string();
  expect_output_error([&] { read_result_info(path); }, path + ": no such file");
  expect_output_error([&] { read_metric(path, "flow"); }, path + ": no such file");
}

TEST_F(WriterTest, ReadingATextFile) {
  const std::string path = (dir_ / "notes.h5").string();
  spit(path, "this is not HDF5\n");
  expect_output_error([&] { read_result_info(path); }, path + ": not an HDF5 file");
}

TEST_F(WriterTest, ReadingATruncatedResult) {
  const std::string whole = write_result("r.h5");
  const std::string bytes = slurp(whole);
  for (const std::size_t keep : {std::size_t{0}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string path = (dir_ / ("cut" + std::to_string(keep) + ".h5")).string();
    spit(path, bytes.substr(0, keep));
    expect_output_error([&] { read_result_info(path); }, path + ": not an HDF5 file");
  }
}

TEST_F(WriterTest, ReadingAnHdf5FileThatIsNotAResult) {
  const std::string path = (dir_ / "other.h5").string();
  {
    const H5 file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), &H5Fclose);
    const H5 group(H5Gcreate2(file, "metrics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), &H5Gclose);
  }
  expect_output_error([&] { read_result_info(path); }, path + ": not a partnersim result (no format_version)");
}

}  // namespace
}  // namespace partnersim
