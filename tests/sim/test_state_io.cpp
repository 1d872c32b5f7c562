#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/state_io.h"

namespace partnersim {
namespace {

TEST(StateIo, ValuesComeBackAsTheyWereWritten) {
  StateWriter out;
  out.put(std::int64_t{-7});
  out.put(2.5);
  out.put(std::string("Kooperacja"));
  out.put(std::vector<std::uint16_t>{1, 2, 65535});
  out.put(std::vector<std::vector<std::uint32_t>>{{3}, {}, {4, 5}});
  out.put(std::map<std::string, double>{{"a.x", 1.0}, {"b.y", -2.0}});
  out.put(std::set<std::pair<std::uint32_t, std::uint32_t>>{{1, 2}, {0, 9}});
  const auto bytes = out.take();

  StateReader in(bytes, "test");
  EXPECT_EQ(in.get<std::int64_t>(), -7);
  EXPECT_EQ(in.get<double>(), 2.5);
  std::string text;
  in.get(text);
  EXPECT_EQ(text, "Kooperacja");
  std::vector<std::uint16_t> small;
  in.get(small);
  EXPECT_EQ(small, (std::vector<std::uint16_t>{1, 2, 65535}));
  std::vector<std::vector<std::uint32_t>> nested;
  in.get(nested);
  EXPECT_EQ(nested, (std::vector<std::vector<std::uint32_t>>{{3}, {}, {4, 5}}));
  std::map<std::string, double> params;
  in.get(params);
  EXPECT_EQ(params.at("b.y"), -2.0);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  in.get(pairs);
  EXPECT_EQ(pairs.size(), 2U);
  EXPECT_TRUE(pairs.contains({0, 9}));
  EXPECT_NO_THROW(in.expect_end());
}

TEST(StateIo, APartMustBeTheOneExpectedAndBeReadExactly) {
  StateWriter out;
  const auto part = out.begin_part("funding");
  out.put(std::int32_t{1});
  out.put(std::int32_t{2});
  out.end_part(part);
  const auto bytes = out.take();

  StateReader wrong_name(bytes, "ckpt");
  try {
    (void)wrong_name.part("market");
    FAIL() << "a part of another module was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("expected the state of market, found funding"), std::string::npos);
  }

  StateReader in(bytes, "ckpt");
  StateReader funding = in.part("funding");
  EXPECT_EQ(funding.get<std::int32_t>(), 1);
  try {
    funding.expect_end();  // one value left unread: a module reading less than it wrote
    FAIL() << "a part read only in part was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("ckpt, funding: 4 bytes of state left unread"), std::string::npos);
  }
  in.expect_end();
}

TEST(StateIo, TruncatedOrCorruptStateIsRefusedNotRead) {
  StateWriter out;
  out.put(std::vector<double>{1.0, 2.0, 3.0});
  auto bytes = out.take();
  bytes.resize(bytes.size() - 4);  // truncated
  StateReader truncated(bytes, "ckpt");
  std::vector<double> values;
  EXPECT_THROW(truncated.get(values), CheckpointError);

  // A length prefix claiming more than the state holds must not allocate it.
  StateWriter lying;
  lying.put(std::uint64_t{1} << 60U);
  const auto lie = lying.take();
  StateReader in(lie, "ckpt");
  try {
    in.get(values);
    FAIL() << "an impossible length was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit in the state"), std::string::npos);
  }
}

}  // namespace
}  // namespace partnersim
