// The node-log reader (spec/node-log.md §2, §3): every record kind, the elided form, and
// each error with the line it names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "log_test_members.hpp"
#include "midnight/audit/log_reader.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"

namespace midnight::audit {
namespace {

using Member = testing::LogTestMember;
using testing::log_test_members;

std::string member_line(const Member& m, const std::string& weight = "1") {
  return "member " + m.key + " " + m.vrf + " " + std::string(64, '0') + " " + weight + "\n";
}

std::string height_line(std::uint64_t h, std::size_t count = 3) {
  return "height " + std::to_string(h) + " " + std::string(64, 'a') + " " + std::string(64, '0') +
         " 0 1000 1000 1000 500 1000 " + std::to_string(count) + "\n";
}

std::string section(std::uint64_t h) {
  std::string s = height_line(h);
  for (const auto& m : log_test_members()) s += member_line(m);
  return s;
}

std::string header() { return "midnight-log 1\nnode " + log_test_members()[0].key + "\n"; }

struct Outcome {
  std::vector<LogRecord> records;
  std::error_code error;
  std::uint64_t line = 0;
};

Outcome read_all(const std::string& text, std::size_t max_line = kMaxLogLine) {
  std::istringstream in(text);
  LogReader r(in, max_line);
  Outcome o;
  LogRecord rec;
  while (true) {
    auto got = r.next(rec);
    if (!got) {
      o.error = got.error();
      o.line = r.line();
      return o;
    }
    if (!got.value()) return o;
    o.records.push_back(rec);
  }
}

void expect_error(const std::string& text, log_errc e, std::uint64_t line, std::size_t max_line = kMaxLogLine) {
  const Outcome o = read_all(text, max_line);
  EXPECT_EQ(o.error, make_error_code(e)) << text;
  EXPECT_EQ(o.line, line) << text;
}

TEST(LogReader, ReadsEveryRecordKind) {
  const std::string peer = log_test_members()[1].key;
  const std::string text = "# a comment\n" + header() + "\n" + section(1) + "sent 5 " + peer + " 0205aa\n" +
                           "recv 6 " + peer + " -07:1234\n" + "recv 7 " + peer + " -08:2000000\n" +
                           "decided 8 0206bb\n" + "restart 0\n" + section(3);
  const Outcome o = read_all(text);
  ASSERT_FALSE(o.error) << o.error.message() << " at " << o.line;
  ASSERT_EQ(o.records.size(), 7U);
  EXPECT_EQ(o.records[0].kind, RecordKind::height);
  EXPECT_EQ(o.records[0].line, 5U);
  EXPECT_EQ(o.records[1].kind, RecordKind::sent);
  EXPECT_EQ(o.records[1].time_ms, 5U);
  EXPECT_EQ(o.records[1].bytes, (std::vector<std::uint8_t>{0x02, 0x05, 0xaa}));
  EXPECT_EQ(o.records[1].line, 9U);
  EXPECT_TRUE(o.records[2].elided);
  EXPECT_EQ(o.records[2].elided_type, 0x07);
  EXPECT_EQ(o.records[2].elided_size, 1234U);
  EXPECT_TRUE(o.records[3].elided);
  EXPECT_EQ(o.records[3].elided_type, 0x08);
  EXPECT_EQ(o.records[4].kind, RecordKind::decided);
  EXPECT_EQ(o.records[5].kind, RecordKind::restart);
  EXPECT_EQ(o.records[6].kind, RecordKind::height);
  // The offset of a record is where its line starts.
  EXPECT_EQ(text.substr(o.records[1].offset, 5), "sent ");
}

TEST(LogReader, ElidedBodyTypes) {
  const std::string peer = log_test_members()[1].key;
  for (const char* t : {"07", "08", "0b", "0c", "0d", "0e"}) {
    const Outcome o = read_all(header() + section(1) + "recv 1 " + peer + " -" + t + ":10\n");
    EXPECT_FALSE(o.error) << t;
  }
  for (const char* t : {"04", "05", "06", "09", "0a", "0f"})
    expect_error(header() + section(1) + "recv 1 " + peer + " -" + t + ":10\n", log_errc::elided_not_allowed, 7);
  expect_error(header() + section(1) + "decided 1 -08:10\n", log_errc::elided_not_allowed, 7);
  expect_error(header() + section(1) + "recv 1 " + peer + " -7:10\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "recv 1 " + peer + " -07:010\n", log_errc::bad_field, 7);
}

TEST(LogReader, VersionAndNode) {
  expect_error("", log_errc::missing_version, 1);
  expect_error("# only a comment\n", log_errc::missing_version, 2);
  expect_error("node " + log_test_members()[0].key + "\n", log_errc::missing_version, 1);
  expect_error("midnight-log 2\n", log_errc::unknown_version, 1);
  expect_error("midnight-log 1\n" + section(1), log_errc::missing_node, 2);
  expect_error("midnight-log 1\nnode " + std::string(63, 'a') + "\n", log_errc::bad_field, 2);
  expect_error(header() + section(1) + "node " + log_test_members()[0].key + "\n", log_errc::duplicate_node, 7);
}

TEST(LogReader, RecordsAndFields) {
  const std::string peer = log_test_members()[1].key;
  std::string upper = peer;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  expect_error(header() + section(1) + "sing 1\n", log_errc::unknown_record, 7);
  expect_error(header() + "restart 1\n", log_errc::record_before_height, 3);
  expect_error(header() + section(1) + "sent 01 " + peer + " 0205\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "sent 18446744073709551616 " + peer + " 0205\n", log_errc::bad_field, 7);
  EXPECT_FALSE(read_all(header() + section(1) + "sent 18446744073709551615 " + peer + " 0205\n").error);
  expect_error(header() + section(1) + "sent 1 " + upper + " 0205\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "sent 1 " + peer + " 0205A0\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "sent 1 " + peer + " 020\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "sent 1 " + peer + "  0205\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "restart 1 2\n", log_errc::bad_field, 7);
  expect_error(header() + section(1) + "sent 1 " + std::string(64, '1') + " 0205\n", log_errc::not_a_member, 7);
  // Member lines are 203 characters: a limit of 210 takes them and refuses a longer record.
  expect_error(header() + section(1) + "sent 1 " + peer + " 0205" + std::string(200, 'a') + "\n",
               log_errc::line_too_long, 7, 210);
  EXPECT_FALSE(read_all(header() + section(1) + "restart 1\n", 210).error);
}

TEST(LogReader, Heights) {
  const auto m = log_test_members();
  expect_error(header() + section(2) + section(2), log_errc::height_not_ascending, 7);
  expect_error(header() + section(2) + section(1), log_errc::height_not_ascending, 7);
  expect_error(header() + height_line(1) + member_line(m[0]) + member_line(m[1]) + "restart 1\n",
               log_errc::member_count, 6);
  expect_error(header() + section(1) + member_line(m[0]), log_errc::member_count, 7);
  expect_error(header() + height_line(1) + member_line(m[1]) + member_line(m[0]) + member_line(m[2]),
               log_errc::member_order, 5);
  expect_error(header() + height_line(1) + member_line(m[0]) + member_line(m[1]) + member_line(m[2], "0"),
               log_errc::invalid_membership, 6);
  expect_error(header() + height_line(1, 0), log_errc::invalid_membership, 3);
  expect_error(header() + "height 1 " + std::string(64, 'a') + " 0 1000 1000 1000 500 1000 3\n", log_errc::bad_field,
               3);
}

}  // namespace
}  // namespace midnight::audit
