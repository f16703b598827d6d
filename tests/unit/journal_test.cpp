// The vote journal: frames byte by byte, the torn-versus-corrupt rule at every byte of a
// journal, the POSIX file, and replay into a real round machine.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/journal/file_journal.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/node/journal_step.hpp"
#include "midnight/wire/codec.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

constexpr std::uint64_t kHeight = 7;

JournalRecord vote_record(const Keypair& k, std::uint32_t round, VoteStep step, std::uint8_t block,
                          std::uint64_t height = kHeight) {
  return JournalRecord{.kind = JournalRecordKind::vote,
                       .vote = test::make_vote(k, test::chain(), height, round, step, test::block_id(block))};
}

JournalRecord lock_record(std::uint64_t height, std::uint32_t round, std::uint8_t block) {
  return JournalRecord{.kind = JournalRecordKind::lock, .height = height, .lock = Lock{true, test::block_id(block), round}};
}

std::vector<std::uint8_t> journal_of(const std::vector<JournalRecord>& records) {
  std::vector<std::uint8_t> out;
  for (const JournalRecord& r : records) {
    const JournalFrame f = encode_journal_frame(r);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

// A frame with an arbitrary payload and a correct check: the envelope is intact whatever
// the payload says.
JournalFrame frame_with_payload(std::span<const std::uint8_t> payload) {
  JournalFrame f{};
  store_u32(f.data(), static_cast<std::uint32_t>(payload.size()));
  std::copy(payload.begin(), payload.end(), f.begin() + 4);
  const Hash32 h = Sha256().update(tag::kJournal).update(std::span<const std::uint8_t>(f.data(), 4 + payload.size())).finish();
  std::copy_n(h.v.begin(), 8, f.begin() + 4 + static_cast<std::ptrdiff_t>(payload.size()));
  return f;
}

// Everything a reader yields until the end or an error.
struct ReadAll {
  std::vector<JournalRecord> records;
  std::optional<std::error_code> error;
  std::size_t offset = 0;
  std::size_t torn = 0;
};

ReadAll read_all(std::span<const std::uint8_t> bytes) {
  ReadAll out;
  JournalReader reader(bytes);
  for (std::size_t guard = 0; guard <= bytes.size() / kJournalFrameSize + 1; ++guard) {
    auto r = reader.next();
    out.offset = reader.offset();
    if (!r) {
      out.error = r.error();
      return out;
    }
    if (!r.value()) {
      out.torn = reader.torn_bytes();
      return out;
    }
    out.records.push_back(*r.value());
  }
  ADD_FAILURE() << "reader did not stop";
  return out;
}

std::vector<JournalRecord> three_records() {
  const Keypair k = test::keypair(0);
  return {vote_record(k, 0, VoteStep::prevote, 0x11), vote_record(k, 0, VoteStep::precommit, 0x11),
          lock_record(kHeight, 0, 0x11)};
}

// ---- frames ------------------------------------------------------------------------

TEST(JournalRecord, VoteFrameHasTheSpecifiedLayoutAndRoundTrips) {
  const JournalRecord r = vote_record(test::keypair(1), 3, VoteStep::precommit, 0x42);
  const JournalFrame f = encode_journal_frame(r);

  EXPECT_EQ(load_u32(f.data()), 1U + kVoteMessageSize);
  EXPECT_EQ(kJournalVotePayload, 177U);
  EXPECT_EQ(f[4], 1) << "kind 1 = vote";
  std::array<std::uint8_t, kVoteMessageSize> vote_bytes{};
  ASSERT_TRUE(encode_vote(r.vote, vote_bytes).has_value());
  EXPECT_TRUE(std::equal(vote_bytes.begin(), vote_bytes.end(), f.begin() + 5));
  const std::size_t check_at = 4 + kJournalVotePayload;
  const Hash32 h = Sha256().update(tag::kJournal).update(std::span<const std::uint8_t>(f.data(), check_at)).finish();
  EXPECT_TRUE(std::equal(h.v.begin(), h.v.begin() + 8, f.begin() + static_cast<std::ptrdiff_t>(check_at)));
  for (std::size_t i = check_at + 8; i < f.size(); ++i) EXPECT_EQ(f[i], 0) << "padding at " << i;

  const ReadAll got = read_all(f);
  EXPECT_FALSE(got.error.has_value());
  ASSERT_EQ(got.records.size(), 1U);
  EXPECT_EQ(got.records[0], r);
  EXPECT_EQ(got.offset, kJournalFrameSize);
  EXPECT_EQ(got.torn, 0U);
}

TEST(JournalRecord, LockFrameHasTheSpecifiedLayoutAndRoundTrips) {
  const JournalRecord r = lock_record(0x0102030405060708ULL, 0x0A0B0C0D, 0x77);
  const JournalFrame f = encode_journal_frame(r);
  const std::array<std::uint8_t, 4 + 1 + 8 + 4> head{0,    0,    0,    45,   2,    1,    2,    3,   4,
                                                      5,    6,    7,    8,    0x0A, 0x0B, 0x0C, 0x0D};
  EXPECT_TRUE(std::equal(head.begin(), head.end(), f.begin()));
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(f[17 + i], 0x77);
  for (std::size_t i = 4 + kJournalLockPayload + 8; i < f.size(); ++i) EXPECT_EQ(f[i], 0) << "padding at " << i;

  const ReadAll got = read_all(f);
  ASSERT_EQ(got.records.size(), 1U);
  EXPECT_EQ(got.records[0], r);
  EXPECT_TRUE(got.records[0].lock.held);
}

// spec/journal.md §2.3, byte for byte.
TEST(JournalRecord, SpecExampleLockFrame) {
  const JournalFrame f = encode_journal_frame(lock_record(1, 0, 0x11));
  std::string covered_hex = "0000002d" "02" "0000000000000001" "00000000";
  for (int i = 0; i < 32; ++i) covered_hex += "11";
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>(f.data(), 49)), covered_hex);
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>(f.data() + 49, 8)), "e21a4100b24a0c0f");
  EXPECT_TRUE(std::all_of(f.begin() + 57, f.end(), [](std::uint8_t b) { return b == 0; }));
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(tag::kJournal.data()),
                                                 tag::kJournal.size())),
            "6d69646e696768742f76312f6a6f75726e616c00");
}

TEST(JournalRecord, SeveralFramesReadBackInOrder) {
  const auto records = three_records();
  const auto bytes = journal_of(records);
  ASSERT_EQ(bytes.size(), 3 * kJournalFrameSize);
  const ReadAll got = read_all(bytes);
  EXPECT_FALSE(got.error.has_value());
  EXPECT_EQ(got.records, records);
  EXPECT_EQ(got.offset, bytes.size());
  EXPECT_EQ(got.torn, 0U);
}

TEST(JournalReader, EmptyJournalHasNoRecords) {
  JournalReader reader(std::span<const std::uint8_t>{});
  for (int i = 0; i < 2; ++i) {
    auto r = reader.next();
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r.value().has_value());
  }
  EXPECT_EQ(reader.offset(), 0U);
  EXPECT_EQ(reader.intact_bytes(), 0U);
  EXPECT_EQ(reader.torn_bytes(), 0U);
}

// A crash inside the append of the last frame: every cut point of the whole journal.
TEST(JournalReader, ACutAnywhereDropsOnlyThePartialLastFrame) {
  const auto records = three_records();
  const auto bytes = journal_of(records);
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    const ReadAll got = read_all(std::span<const std::uint8_t>(bytes.data(), cut));
    ASSERT_FALSE(got.error.has_value()) << "cut " << cut;
    const std::size_t whole = cut / kJournalFrameSize;
    ASSERT_EQ(got.records.size(), whole) << "cut " << cut;
    EXPECT_TRUE(std::equal(got.records.begin(), got.records.end(), records.begin())) << "cut " << cut;
    EXPECT_EQ(got.offset, whole * kJournalFrameSize) << "cut " << cut;
    EXPECT_EQ(got.torn, cut % kJournalFrameSize) << "cut " << cut;
  }
}

// Any one damaged byte in the last frame: a torn append, dropped without an error.
TEST(JournalReader, AFlippedByteInTheLastFrameIsTorn) {
  const auto records = three_records();
  const auto good = journal_of(records);
  const std::size_t last = 2 * kJournalFrameSize;
  for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
    for (std::size_t i = last; i < good.size(); ++i) {
      auto bytes = good;
      bytes[i] ^= mask;
      const ReadAll got = read_all(bytes);
      ASSERT_FALSE(got.error.has_value()) << "byte " << i << " mask " << int(mask);
      ASSERT_EQ(got.records.size(), 2U) << "byte " << i;
      EXPECT_EQ(got.records[1], records[1]);
      EXPECT_EQ(got.offset, last);
      EXPECT_EQ(got.torn, kJournalFrameSize) << "byte " << i;
    }
  }
}

// Any one damaged byte in a frame with a frame after it: corruption, at that frame.
TEST(JournalReader, AFlippedByteInAnEarlierFrameIsCorrupt) {
  const auto records = three_records();
  const auto good = journal_of(records);
  for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
    for (std::size_t i = 0; i < 2 * kJournalFrameSize; ++i) {
      auto bytes = good;
      bytes[i] ^= mask;
      const std::size_t frame = i / kJournalFrameSize;
      JournalReader reader(bytes);
      for (std::size_t k = 0; k < frame; ++k) {
        auto r = reader.next();
        ASSERT_TRUE(r.has_value() && r.value().has_value()) << "byte " << i;
        EXPECT_EQ(*r.value(), records[k]);
      }
      for (int again = 0; again < 2; ++again) {  // the error sticks, the state does not move
        auto r = reader.next();
        ASSERT_FALSE(r.has_value()) << "byte " << i << " mask " << int(mask);
        EXPECT_EQ(r.error(), journal_errc::corrupt_frame) << "byte " << i;
        EXPECT_EQ(reader.offset(), frame * kJournalFrameSize) << "byte " << i;
        EXPECT_EQ(reader.torn_bytes(), 0U);
      }
    }
  }
}

TEST(JournalReader, DamagedEnvelopesAreTornLastAndCorruptOtherwise) {
  const auto tail = journal_of({three_records()[0]});
  std::vector<JournalFrame> damaged;
  JournalFrame zero_length{};  // all zero: length 0
  damaged.push_back(zero_length);
  JournalFrame too_long = frame_with_payload(std::vector<std::uint8_t>(kMaxJournalPayload, 9));
  store_u32(too_long.data(), kMaxJournalPayload + 1);
  damaged.push_back(too_long);
  JournalFrame huge_length = encode_journal_frame(three_records()[2]);
  store_u32(huge_length.data(), 0xFFFFFFFFU);
  damaged.push_back(huge_length);
  JournalFrame dirty_padding = encode_journal_frame(three_records()[2]);
  dirty_padding.back() = 1;
  damaged.push_back(dirty_padding);
  // Length 0 with a check that matches its 4 covered bytes: still damaged (no record is empty).
  damaged.push_back(frame_with_payload({}));
  // Length kMaxJournalPayload + 1: its check would end one byte past the frame. The frame
  // holds the first 7 bytes of that check, and the payload is chosen so that the 8th is 0,
  // the byte that follows in the middle case (the next frame's length starts with 0): a
  // reader that took the length on trust would find the check intact there.
  JournalFrame overflow{};
  store_u32(overflow.data(), kMaxJournalPayload + 1);
  bool found = false;
  for (int fill = 0; fill < 256 * 64 && !found; ++fill) {
    overflow[4] = 3;
    overflow[5] = static_cast<std::uint8_t>(fill);
    overflow[6] = static_cast<std::uint8_t>(fill >> 8);
    const Hash32 h = Sha256()
                         .update(tag::kJournal)
                         .update(std::span<const std::uint8_t>(overflow.data(), 4 + kMaxJournalPayload + 1))
                         .finish();
    std::copy_n(h.v.begin(), 7, overflow.begin() + 4 + kMaxJournalPayload + 1);
    found = h.v[7] == 0;
  }
  ASSERT_TRUE(found);
  damaged.push_back(overflow);

  for (std::size_t d = 0; d < damaged.size(); ++d) {
    const std::vector<std::uint8_t> last(damaged[d].begin(), damaged[d].end());
    const ReadAll as_last = read_all(last);
    EXPECT_FALSE(as_last.error.has_value()) << "case " << d;
    EXPECT_TRUE(as_last.records.empty());
    EXPECT_EQ(as_last.torn, kJournalFrameSize) << "case " << d;

    const auto middle = test::concat({last, tail});
    const ReadAll as_middle = read_all(middle);
    ASSERT_TRUE(as_middle.error.has_value()) << "case " << d;
    EXPECT_EQ(*as_middle.error, journal_errc::corrupt_frame);
    EXPECT_EQ(as_middle.offset, 0U);
  }
  // A damaged frame with only a partial frame after it is not last: corrupt.
  const auto with_partial = test::concat({std::span<const std::uint8_t>(damaged[0]), std::span(tail).first(1)});
  const ReadAll got = read_all(with_partial);
  ASSERT_TRUE(got.error.has_value());
  EXPECT_EQ(*got.error, journal_errc::corrupt_frame);
}

// An intact frame was written whole and synced: a payload it cannot decode is an error
// wherever the frame is, never a torn append.
TEST(JournalReader, AnIntactFrameWithABadPayloadIsABadRecordEvenWhenLast) {
  const Keypair k = test::keypair(0);
  std::array<std::uint8_t, kVoteMessageSize> vote_bytes{};
  ASSERT_TRUE(encode_vote(vote_record(k, 0, VoteStep::prevote, 1).vote, vote_bytes).has_value());

  std::vector<std::vector<std::uint8_t>> payloads;
  payloads.push_back({3});                                     // unknown kind
  payloads.push_back({0, 1, 2});                               // unknown kind 0
  payloads.push_back(std::vector<std::uint8_t>(kMaxJournalPayload, 0xEE));  // unknown kind, full frame
  payloads.push_back(test::concat({std::vector<std::uint8_t>{1}, vote_bytes, std::vector<std::uint8_t>{0}}));
  payloads.push_back(test::concat({std::vector<std::uint8_t>{1}, std::span(vote_bytes).first(kVoteMessageSize - 1)}));
  auto bad_step = test::concat({std::vector<std::uint8_t>{1}, vote_bytes});
  bad_step[1 + 2 + 32 + 8 + 4] = 3;  // the step byte: neither prevote nor precommit
  payloads.push_back(bad_step);
  auto bad_prefix = test::concat({std::vector<std::uint8_t>{1}, vote_bytes});
  bad_prefix[2] = 0x04;  // a proposal's type byte
  payloads.push_back(bad_prefix);
  payloads.push_back(std::vector<std::uint8_t>(kJournalLockPayload - 1, 2));  // short lock
  payloads.push_back(std::vector<std::uint8_t>(kJournalLockPayload + 1, 2));  // long lock
  payloads.push_back(test::concat({std::vector<std::uint8_t>{2}, vote_bytes}));  // a vote under kind 2

  const auto head = journal_of({three_records()[0]});
  for (std::size_t p = 0; p < payloads.size(); ++p) {
    const JournalFrame f = frame_with_payload(payloads[p]);
    const ReadAll as_last = read_all(test::concat({head, f}));
    ASSERT_TRUE(as_last.error.has_value()) << "payload " << p;
    EXPECT_EQ(*as_last.error, journal_errc::bad_record) << "payload " << p;
    EXPECT_EQ(as_last.records.size(), 1U);
    EXPECT_EQ(as_last.offset, kJournalFrameSize);

    const ReadAll as_middle = read_all(test::concat({f, head}));
    ASSERT_TRUE(as_middle.error.has_value()) << "payload " << p;
    EXPECT_EQ(*as_middle.error, journal_errc::bad_record);
    EXPECT_EQ(as_middle.offset, 0U);
  }
  // The control: the same helper with a well-formed vote payload is read back.
  const ReadAll ok = read_all(frame_with_payload(test::concat({std::vector<std::uint8_t>{1}, vote_bytes})));
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.records.size(), 1U);
}

// Random input: the reader stops, its answers are consistent, and (under ASan, with
// buffers allocated to their exact length) it never reads outside the input.
TEST(JournalReader, RandomBytesAreReadWithinBoundsAndConsistently) {
  std::mt19937_64 rng(20240601);
  const auto frames = journal_of(three_records());
  std::size_t errors = 0, torn = 0, records = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t n = rng() % (4 * kJournalFrameSize + 3);
    std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[n]);
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<std::uint8_t>(rng());
    // Some trials are valid frames with random damage, to get past the first frame.
    if (trial % 2 == 0) {
      for (std::size_t i = 0; i < n; ++i) buf[i] = frames[i % frames.size()];
      for (int hits = int(rng() % 3); hits > 0 && n > 0; --hits) buf[rng() % n] ^= std::uint8_t(1 + rng() % 255);
    }
    const ReadAll got = read_all(std::span<const std::uint8_t>(buf.get(), n));
    ASSERT_EQ(got.offset % kJournalFrameSize, 0U);
    ASSERT_LE(got.offset, n);
    ASSERT_EQ(got.records.size(), got.offset / kJournalFrameSize);
    if (got.error) {
      ++errors;
      if (*got.error == journal_errc::corrupt_frame) {
        ASSERT_GT(n - got.offset, kJournalFrameSize);
      }
    } else {
      ASSERT_EQ(got.offset + got.torn, n) << "the end: intact bytes then the torn tail";
      ASSERT_LE(got.torn, kJournalFrameSize);
      torn += got.torn > 0;
    }
    records += got.records.size();
  }
  // The corpus exercises every outcome.
  EXPECT_GT(errors, 100U);
  EXPECT_GT(torn, 100U);
  EXPECT_GT(records, 100U);
}

// ---- the file ----------------------------------------------------------------------

class JournalFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "midnight-journal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path(const char* name = "votes.journal") const { return (dir_ / name).string(); }
  // The file's bytes read directly, not through a FileJournal: a journal may be open
  // (and so locked) while the test looks at its file.
  static std::vector<std::uint8_t> file_bytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    EXPECT_TRUE(in.good()) << p;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void append_raw(const std::string& p, std::span<const std::uint8_t> bytes) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  std::filesystem::path dir_;
};

TEST_F(JournalFile, AMissingFileIsCreatedEmpty) {
  const std::string p = path();
  ASSERT_FALSE(std::filesystem::exists(p));
  auto j = FileJournal::open(p);
  ASSERT_TRUE(j.has_value()) << j.error().message();
  EXPECT_TRUE(j.value().contents().empty());
  ASSERT_TRUE(std::filesystem::exists(p));
  EXPECT_EQ(std::filesystem::file_size(p), 0U);
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U) << "only the node reads its journal";
}

TEST_F(JournalFile, OpenInAMissingDirectoryFails) {
  auto j = FileJournal::open((dir_ / "no-such-dir" / "votes.journal").string());
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error(), std::errc::no_such_file_or_directory);
}

TEST_F(JournalFile, AppendedFramesAreThereAfterReopening) {
  const std::string p = path();
  const auto records = three_records();
  std::vector<JournalFrame> frames;
  for (const auto& r : records) frames.push_back(encode_journal_frame(r));
  {
    auto j = FileJournal::open(p);
    ASSERT_TRUE(j.has_value());
    ASSERT_TRUE(j.value().append(std::span(frames).first(2)).has_value());
    ASSERT_TRUE(j.value().append(std::span(frames).subspan(2)).has_value());
    ASSERT_TRUE(j.value().append({}).has_value()) << "an empty append is a no-op";
  }
  const auto bytes = file_bytes(p);
  EXPECT_EQ(bytes, journal_of(records));
  EXPECT_EQ(read_all(bytes).records, records);
}

TEST_F(JournalFile, DiscardAfterCutsATornTailAndAppendsContinueAfterTheLastIntactFrame) {
  const std::string p = path();
  const auto records = three_records();
  {
    auto j = FileJournal::open(p);
    ASSERT_TRUE(j.has_value());
    const std::array<JournalFrame, 2> two{encode_journal_frame(records[0]), encode_journal_frame(records[1])};
    ASSERT_TRUE(j.value().append(two).has_value());
  }
  // A crash in the middle of the third frame's append.
  const JournalFrame third = encode_journal_frame(records[2]);
  append_raw(p, std::span(third).first(100));

  auto j = FileJournal::open(p);
  ASSERT_TRUE(j.has_value());
  const ReadAll got = read_all(j.value().contents());
  ASSERT_FALSE(got.error.has_value());
  EXPECT_EQ(got.records.size(), 2U);
  EXPECT_EQ(got.offset, 2 * kJournalFrameSize);
  EXPECT_EQ(got.torn, 100U);

  ASSERT_TRUE(j.value().discard_after(got.offset).has_value());
  EXPECT_EQ(std::filesystem::file_size(p), 2 * kJournalFrameSize);
  ASSERT_TRUE(j.value().discard_after(got.offset).has_value()) << "already that long: nothing to do";
  ASSERT_TRUE(j.value().discard_after(10 * kJournalFrameSize).has_value()) << "never lengthens the file";
  EXPECT_EQ(std::filesystem::file_size(p), 2 * kJournalFrameSize);
  const std::array<JournalFrame, 1> one{third};
  ASSERT_TRUE(j.value().append(one).has_value());

  const auto bytes = file_bytes(p);
  EXPECT_EQ(bytes, journal_of(records));
  const ReadAll again = read_all(bytes);
  EXPECT_FALSE(again.error.has_value());
  EXPECT_EQ(again.records, records);
  EXPECT_EQ(again.torn, 0U);
}

TEST_F(JournalFile, AMovedFromJournalIsClosed) {
  const std::string p = path();
  auto opened = FileJournal::open(p);
  ASSERT_TRUE(opened.has_value());
  FileJournal a = std::move(opened).value();
  const std::array<JournalFrame, 1> one{encode_journal_frame(three_records()[0])};
  FileJournal b = std::move(a);
  auto r = a.append(one);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), std::errc::bad_file_descriptor);
  ASSERT_TRUE(b.append(one).has_value());

  auto other = FileJournal::open(path("other.journal"));
  ASSERT_TRUE(other.has_value());
  other.value() = std::move(b);  // closes other's file, takes b's
  EXPECT_FALSE(b.discard_after(0).has_value());  // NOLINT(bugprone-use-after-move)
  ASSERT_TRUE(other.value().append(one).has_value());
  EXPECT_EQ(std::filesystem::file_size(p), 2 * kJournalFrameSize);
  EXPECT_EQ(std::filesystem::file_size(path("other.journal")), 0U);
}

// One writer per journal: the lock is on the open file, so even a second open in the
// same process is refused, with a message a person can act on, and the first journal
// is untouched; closing the first releases it.
TEST_F(JournalFile, ASecondOpenOfTheSameFileIsRefusedWhileTheFirstIsOpen) {
  const std::string p = path();
  const std::array<JournalFrame, 1> one{encode_journal_frame(three_records()[0])};
  {
    auto first = FileJournal::open(p);
    ASSERT_TRUE(first.has_value()) << first.error().message();
    auto second = FileJournal::open(p);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error(), journal_errc::in_use);
    EXPECT_NE(second.error().message().find("already open"), std::string::npos) << second.error().message();
    ASSERT_TRUE(first.value().append(one).has_value()) << "the refused open did not disturb the first";
    FileJournal moved = std::move(first).value();  // the lock travels with the descriptor
    auto third = FileJournal::open(p);
    ASSERT_FALSE(third.has_value());
    EXPECT_EQ(third.error(), journal_errc::in_use);
  }
  auto again = FileJournal::open(p);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(std::vector<std::uint8_t>(again.value().contents().begin(), again.value().contents().end()),
            journal_of({three_records()[0]}));
}

// What the journal's two system calls saw: for each call, W (write) or F (flush), and the
// file's size when it was made. A test's JournalIo forwards to the real calls and can
// fail the call numbered `fail_at` with `fail_errno`.
struct IoLog {
  std::string calls;
  std::vector<std::size_t> sizes;
  std::size_t fail_at = SIZE_MAX;
  int fail_errno = EIO;
  std::size_t max_write = SIZE_MAX;  // short writes: at most this many bytes per write(2)

  static std::size_t size_of(int fd) {
    struct stat st {};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return static_cast<std::size_t>(st.st_size);
  }
  bool failing(char call, int fd) {
    sizes.push_back(size_of(fd));
    calls.push_back(call);
    if (calls.size() - 1 != fail_at) return false;
    errno = fail_errno;
    return true;
  }
  JournalIo io() {
    JournalIo io;
    io.context = this;
    io.write = [](void* ctx, int fd, const void* bytes, std::size_t count) -> ssize_t {
      auto* log = static_cast<IoLog*>(ctx);
      if (log->failing('W', fd)) return -1;
      return ::write(fd, bytes, std::min(count, log->max_write));
    };
    io.flush = [](void* ctx, int fd) -> int {
      auto* log = static_cast<IoLog*>(ctx);
      if (log->failing('F', fd)) return -1;
      return ::fdatasync(fd);
    };
    return io;
  }
};

// The write-ahead rule frame by frame (spec/journal.md §4.1): every frame is written
// whole and flushed before the next frame is written, so at every flush the file ends
// with the frame just written and no later one, and short writes are continued.
TEST_F(JournalFile, EachFrameIsFlushedBeforeTheNextIsWritten) {
  const std::string p = path();
  const auto records = three_records();
  std::vector<JournalFrame> frames;
  for (const auto& r : records) frames.push_back(encode_journal_frame(r));
  IoLog log;
  log.max_write = 100;  // each frame takes three write(2) calls: 100, 100 and 56 bytes
  auto j = FileJournal::open(p, log.io());
  ASSERT_TRUE(j.has_value());
  ASSERT_TRUE(j.value().append(frames).has_value());
  EXPECT_EQ(log.calls, "WWWFWWWFWWWF");
  for (std::size_t frame = 0; frame < frames.size(); ++frame) {
    EXPECT_EQ(log.sizes[4 * frame], frame * kJournalFrameSize) << "frame " << frame << " starts after the last";
    EXPECT_EQ(log.sizes[4 * frame + 3], (frame + 1) * kJournalFrameSize)
        << "frame " << frame << " is flushed alone";
  }
  EXPECT_EQ(file_bytes(p), journal_of(records));
  ASSERT_TRUE(j.value().append({}).has_value());
  EXPECT_EQ(log.calls.size(), 12U) << "an empty append makes no call";
}

// A failed write or flush at any call of a three-frame append: the append fails with
// that errno, every later append fails with EBADF (the file's state is unknown), and the
// file holds whole frames before the failing one, which read back without an error.
TEST_F(JournalFile, AFailedWriteOrFlushFailsTheAppendAndClosesTheJournal) {
  const auto records = three_records();
  std::vector<JournalFrame> frames;
  for (const auto& r : records) frames.push_back(encode_journal_frame(r));
  for (std::size_t fail_at = 0; fail_at < 6; ++fail_at) {
    const std::string p = path(("votes-" + std::to_string(fail_at) + ".journal").c_str());
    IoLog log;
    log.fail_at = fail_at;
    log.fail_errno = fail_at % 2 == 0 ? ENOSPC : EIO;
    {
      auto j = FileJournal::open(p, log.io());
      ASSERT_TRUE(j.has_value());
      auto r = j.value().append(frames);
      ASSERT_FALSE(r.has_value()) << "fail at call " << fail_at;
      EXPECT_EQ(r.error(), std::error_code(log.fail_errno, std::system_category()));
      EXPECT_EQ(log.calls.size(), fail_at + 1) << "nothing is called after the failure";
      auto later = j.value().append(std::span(frames).first(1));
      ASSERT_FALSE(later.has_value());
      EXPECT_EQ(later.error(), std::errc::bad_file_descriptor);
      auto cut = j.value().discard_after(0);
      ASSERT_FALSE(cut.has_value());
      EXPECT_EQ(cut.error(), std::errc::bad_file_descriptor);
    }
    const auto bytes = file_bytes(p);
    const std::size_t written = (fail_at + 1) / 2;  // frames whose write(2) succeeded
    EXPECT_EQ(bytes.size(), written * kJournalFrameSize) << "fail at call " << fail_at;
    const ReadAll got = read_all(bytes);
    EXPECT_FALSE(got.error.has_value());
    EXPECT_EQ(got.records, std::vector<JournalRecord>(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(written)));
    EXPECT_TRUE(FileJournal::open(p).has_value()) << "the failed journal released its lock";
  }
}

// Why frame by frame. Storage may persist an unflushed write's sectors in any order and
// cut it anywhere, so what a crash leaves of an append is, per 256-byte slot it wrote,
// the new frame, nothing (the file ends) or damage. Flushing each frame before writing
// the next confines that to the last slot: every durable state a crash can leave reads
// without an error, as a prefix of the append's records. Written once and flushed once,
// the same three frames can leave a damaged first slot before an intact second, which a
// reader must call corruption, refusing a node whose released votes are all there.
TEST(JournalReader, ACrashDuringAFrameByFrameAppendLeavesOnlyATornLastFrame) {
  const auto records = three_records();
  const auto whole = journal_of(records);
  const std::vector<std::uint8_t> zeros(kJournalFrameSize, 0);
  // Damage to the slot being written when the crash came: cut at any 16-byte boundary,
  // zeros (a size update persisted before the data), or the frame with bytes scrambled.
  auto damaged_slot = [&](std::size_t frame, std::size_t kind) {
    const auto begin = whole.begin() + static_cast<std::ptrdiff_t>(frame * kJournalFrameSize);
    std::vector<std::uint8_t> slot(begin, begin + static_cast<std::ptrdiff_t>(kJournalFrameSize));
    if (kind < 16) slot.resize(16 * kind);
    if (kind == 16) slot = zeros;
    if (kind > 16) slot[(kind * 37) % kJournalFrameSize] ^= static_cast<std::uint8_t>(kind);
    return slot;
  };
  for (std::size_t durable = 0; durable < records.size(); ++durable) {
    for (std::size_t kind = 0; kind < 16 + 1 + 64; ++kind) {
      std::vector<std::uint8_t> bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(durable * kJournalFrameSize));
      const auto slot = damaged_slot(durable, kind);
      bytes.insert(bytes.end(), slot.begin(), slot.end());
      const ReadAll got = read_all(bytes);
      ASSERT_FALSE(got.error.has_value()) << durable << " frames durable, damage " << kind;
      EXPECT_EQ(got.records, std::vector<JournalRecord>(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(durable)));
      EXPECT_EQ(got.offset, durable * kJournalFrameSize);
    }
  }
  // A state a single flush of all three frames can leave: the first slot's sector not
  // yet written (zeros), the others written.
  std::vector<std::uint8_t> unordered(zeros);
  unordered.insert(unordered.end(), whole.begin() + static_cast<std::ptrdiff_t>(kJournalFrameSize), whole.end());
  const ReadAll got = read_all(unordered);
  ASSERT_TRUE(got.error.has_value());
  EXPECT_EQ(*got.error, journal_errc::corrupt_frame);
}

// ---- polka records: one record over several frames ------------------------------------

std::vector<std::uint8_t> polka_bytes(std::size_t size) {
  std::vector<std::uint8_t> m(size);
  for (std::size_t i = 0; i < size; ++i) m[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return m;
}

std::vector<std::uint8_t> polka_journal(std::span<const std::uint8_t> message) {
  std::vector<JournalFrame> frames(kMaxJournalPolkaFrames);  // ~6.7 MB: on the heap
  const std::size_t n = encode_journal_polka_frames(message, frames);
  EXPECT_GT(n, 0U);
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < n; ++i) out.insert(out.end(), frames[i].begin(), frames[i].end());
  return out;
}

TEST(JournalPolka, APolkaIsOneRecordOverItsPartFramesWhateverItsSize) {
  for (const std::size_t size : {std::size_t{1}, kJournalPolkaChunk, kJournalPolkaChunk + 1, std::size_t{3000},
                                 kMaxJournalPolkaSize}) {
    const auto message = polka_bytes(size);
    auto bytes = polka_journal(message);
    EXPECT_EQ(bytes.size(), (size + kJournalPolkaChunk - 1) / kJournalPolkaChunk * kJournalFrameSize) << size;
    const auto after = journal_of({lock_record(kHeight, 0, 0x11)});
    bytes.insert(bytes.end(), after.begin(), after.end());
    JournalReader reader(bytes);
    const auto first = reader.next();
    ASSERT_TRUE(first.has_value() && first.value().has_value()) << size;
    EXPECT_EQ(first.value()->kind, JournalRecordKind::polka);
    EXPECT_TRUE(std::equal(message.begin(), message.end(), reader.polka_message().begin(), reader.polka_message().end()));
    const auto second = reader.next();
    ASSERT_TRUE(second.has_value() && second.value().has_value());
    EXPECT_EQ(*second.value(), lock_record(kHeight, 0, 0x11));
  }
  std::vector<JournalFrame> frames(kMaxJournalPolkaFrames);
  EXPECT_EQ(encode_journal_polka_frames({}, frames), 0U) << "empty";
  EXPECT_EQ(encode_journal_polka_frames(polka_bytes(kMaxJournalPolkaSize + 1), frames), 0U) << "too large";
  EXPECT_EQ(encode_journal_polka_frames(polka_bytes(3000), std::span<JournalFrame>(frames).first(2)), 0U)
      << "too few frames";
}

TEST(JournalPolka, APolkaCutAtTheEndIsDroppedWholeAndTheJournalContinuesBeforeIt) {
  const auto votes = journal_of({three_records()[0]});
  const auto polka = polka_journal(polka_bytes(3000));  // 13 frames
  std::vector<std::uint8_t> whole = votes;
  whole.insert(whole.end(), polka.begin(), polka.end());
  // Every cut inside the polka: between frames or inside one.
  for (std::size_t cut = votes.size() + 1; cut < whole.size(); cut += 97) {
    const auto got = read_all(std::span<const std::uint8_t>(whole).first(cut));
    ASSERT_FALSE(got.error) << cut << ": " << got.error->message();
    ASSERT_EQ(got.records.size(), 1U) << cut;
    EXPECT_EQ(got.offset, votes.size()) << "appends continue where the cut polka began";
    EXPECT_EQ(got.torn, cut - votes.size());
  }
  EXPECT_EQ(read_all(whole).records.size(), 2U);
}

TEST(JournalPolka, PartsOutOfSequenceAreBadRecordsAndADamagedMiddlePartIsCorrupt) {
  const auto polka = polka_journal(polka_bytes(1000));  // 5 frames
  const auto lock = journal_of({lock_record(kHeight, 0, 0x11)});
  const auto with_tail = [&](std::vector<std::uint8_t> b) {
    b.insert(b.end(), lock.begin(), lock.end());
    return b;
  };
  // Part 1 dropped: part 2 follows part 0.
  std::vector<std::uint8_t> skipped(polka.begin(), polka.begin() + kJournalFrameSize);
  skipped.insert(skipped.end(), polka.begin() + 2 * kJournalFrameSize, polka.end());
  auto got = read_all(with_tail(skipped));
  ASSERT_TRUE(got.error);
  EXPECT_EQ(*got.error, journal_errc::bad_record);
  EXPECT_EQ(got.offset, 0U) << "the error is placed at the record's first frame";
  // The polka starts with part 1.
  got = read_all(with_tail(std::vector<std::uint8_t>(polka.begin() + kJournalFrameSize, polka.end())));
  ASSERT_TRUE(got.error);
  EXPECT_EQ(*got.error, journal_errc::bad_record);
  // A vote record where part 3 should be.
  std::vector<std::uint8_t> interrupted(polka.begin(), polka.begin() + 3 * kJournalFrameSize);
  const auto vote = journal_of({three_records()[0]});
  interrupted.insert(interrupted.end(), vote.begin(), vote.end());
  got = read_all(with_tail(interrupted));
  ASSERT_TRUE(got.error);
  EXPECT_EQ(*got.error, journal_errc::bad_record);
  // A flipped byte in part 2 with frames after it: synced data damaged.
  auto flipped = with_tail(polka);
  flipped[2 * kJournalFrameSize + 40] ^= 0x01;
  got = read_all(flipped);
  ASSERT_TRUE(got.error);
  EXPECT_EQ(*got.error, journal_errc::corrupt_frame);
  // A short non-final part, with a correct check, followed by a well-formed last part:
  // only the rule "every part but the last is full" refuses it (the split is unique).
  constexpr auto kPolka = static_cast<std::uint8_t>(JournalRecordKind::polka);
  const std::array<std::uint8_t, 10> short_first{kPolka, 0, 0, 0, 2, 1, 2, 3, 4, 5};
  const std::array<std::uint8_t, 8> last{kPolka, 0, 1, 0, 2, 6, 7, 8};
  const JournalFrame f0 = frame_with_payload(short_first);
  const JournalFrame f1 = frame_with_payload(last);
  std::vector<std::uint8_t> bytes(2 * kJournalFrameSize);
  std::copy(f0.begin(), f0.end(), bytes.begin());
  std::copy(f1.begin(), f1.end(), bytes.begin() + kJournalFrameSize);
  got = read_all(with_tail(bytes));
  ASSERT_TRUE(got.error);
  EXPECT_EQ(*got.error, journal_errc::bad_record);
}

// ---- the host contract, against a real machine ----------------------------------------

// Four members of weight 1 (quorum 3); the machine is member 0's, at kHeight.
class JournalMachine : public ::testing::Test {
 protected:
  JournalMachine() : net_(test::make_equal_members(4)) {}

  std::unique_ptr<RoundMachine> fresh_machine() const {
    NodeConfig c;
    c.chain_id = test::chain();
    c.membership = &net_.membership;
    c.policy = &policy_;
    c.keys = net_.keys[0];
    c.vrf_keys = test::vrf_keypair_of(c.keys);
    c.reward_per_height = 1000;
    auto m = std::make_unique<RoundMachine>(c);
    m->begin_height(HeightStart{kHeight, test::block_id(0xEE), 0, {}});
    return m;
  }

  std::vector<JournalRecord> records_of(const RoundMachine& m, const result<Actions>& actions, Lock& journaled) {
    EXPECT_TRUE(actions.has_value());
    std::array<JournalRecord, kMaxJournalRecordsPerStep> out{};
    const std::size_t n = journal_records_for_step(m, actions.value(), journaled, out);
    std::vector<JournalRecord> v(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    for (const auto& r : v)
      if (r.kind == JournalRecordKind::lock) journaled = r.lock;
    return v;
  }

  // Runs member 0 through round 0 to a precommit: round start, collect deadline (its own
  // block is all it has, so it prevotes it), then two other prevotes make the polka.
  // Returns every step's records, in order.
  std::vector<JournalRecord> run_to_precommit(RoundMachine& m) {
    Lock journaled{};
    std::vector<JournalRecord> all;
    const auto start = m.on_round_start({kHeight, 0});
    EXPECT_TRUE(records_of(m, start, journaled).empty()) << "a proposal and timers: nothing to journal";
    const auto collect = m.on_timer({TimerKind::collect_deadline, kHeight, 0});
    auto step = records_of(m, collect, journaled);
    EXPECT_EQ(step.size(), 1U);
    all.insert(all.end(), step.begin(), step.end());
    own_block_ = m.prevote_of(0)->block_id;
    EXPECT_TRUE(records_of(m, m.on_vote(other_vote(1, VoteStep::prevote)), journaled).empty())
        << "another member's vote is not journaled";
    step = records_of(m, m.on_vote(other_vote(2, VoteStep::prevote)), journaled);
    all.insert(all.end(), step.begin(), step.end());
    return all;
  }

  Vote other_vote(std::size_t member, VoteStep step, std::uint32_t round = 0) const {
    return test::make_vote(net_.keys[member], test::chain(), kHeight, round, step, own_block_);
  }
  Vote own_vote(std::uint32_t round, VoteStep step, std::uint8_t block, bool approve = true) const {
    return test::make_vote(net_.keys[0], test::chain(), kHeight, round, step,
                           approve ? test::block_id(block) : BlockId{}, approve);
  }

  test::TestMembers net_;
  LowestHashPolicy policy_;
  BlockId own_block_{};
};

TEST_F(JournalMachine, AStepJournalsItsOwnVotesThenItsNewLock) {
  auto m = fresh_machine();
  const auto records = run_to_precommit(*m);
  ASSERT_EQ(records.size(), 3U);
  ASSERT_NE(m->prevote_of(0), nullptr);
  EXPECT_EQ(records[0], (JournalRecord{.kind = JournalRecordKind::vote, .vote = *m->prevote_of(0)}));
  EXPECT_EQ(records[1].kind, JournalRecordKind::vote);
  EXPECT_EQ(records[1].vote.step, VoteStep::precommit);
  EXPECT_EQ(records[1].vote.block_id, own_block_);
  EXPECT_TRUE(records[1].vote.approve);
  EXPECT_EQ(records[1].vote.voter, net_.key(0));
  EXPECT_EQ(records[2], (JournalRecord{.kind = JournalRecordKind::lock, .height = kHeight,
                                       .lock = Lock{true, own_block_, 0}}));
  EXPECT_EQ(m->lock(), records[2].lock);

  // Round 1 re-proposes the block with its polka in one message (wire v2): no vote is
  // sent, so nothing is journaled (the polka's prevotes, member 0's own among them, were
  // journaled or are others'), and the lock is unchanged.
  Lock journaled = m->lock();
  const auto next = m->on_timer({TimerKind::round_end, kHeight, 0});
  ASSERT_TRUE(next.has_value());
  std::size_t votes = 0, reproposals = 0;
  for (const Action& a : next.value()) {
    votes += a.kind == ActionKind::broadcast_vote;
    reproposals += a.kind == ActionKind::broadcast_reproposal;
  }
  EXPECT_EQ(votes, 0U);
  EXPECT_EQ(reproposals, 1U);
  ASSERT_NE(m->reproposal(), nullptr);
  EXPECT_EQ(m->reproposal()->round, 1U);
  EXPECT_EQ(m->reproposal()->carried.polka.round, 0U);
  EXPECT_EQ(m->reproposal()->carried.polka.block_id, own_block_);
  EXPECT_EQ(m->reproposal()->carried.polka.count(), 3U);
  EXPECT_TRUE(records_of(*m, next, journaled).empty());
}

TEST_F(JournalMachine, ReplayRestoresVotesAndLockIntoAFreshMachine) {
  auto live = fresh_machine();
  const auto records = run_to_precommit(*live);
  const auto bytes = journal_of(records);

  auto m = fresh_machine();
  std::size_t at = 12345;
  const auto replay = replay_journal(*m, bytes, &at);
  ASSERT_TRUE(replay.has_value()) << replay.error().message();
  EXPECT_EQ(at, 12345U) << "no error: the offset is not written";
  EXPECT_EQ(replay.value().records, 3U);
  EXPECT_EQ(replay.value().other_heights, 0U);
  EXPECT_EQ(replay.value().intact_bytes, 3 * kJournalFrameSize);
  EXPECT_EQ(replay.value().torn_bytes, 0U);
  EXPECT_EQ(replay.value().lock, live->lock());
  ASSERT_NE(m->prevote_of(0), nullptr);
  EXPECT_EQ(*m->prevote_of(0), *live->prevote_of(0));
  EXPECT_EQ(m->lock(), live->lock());
  ASSERT_NE(m->precommits(0), nullptr);
  EXPECT_NE(m->precommits(0)->vote_of(m->member_index()), nullptr);
}

// The step that locks journals the lock's polka first (journal_frames_for_step), so a
// node restarted from any prefix that keeps its lock also holds the polka, and
// re-proposes its block in the next round. The same journal without the polka frames
// restores the lock alone: no re-proposal (the liveness gap the polka closes).
TEST_F(JournalMachine, TheLockingStepJournalsThePolkaFirstAndARestartReproposesWithIt) {
  auto live = fresh_machine();
  std::vector<std::uint8_t> bytes;
  Lock journaled{};
  const auto journal_step = [&](const result<Actions>& r) {
    ASSERT_TRUE(r.has_value());
    StepFrames frames;
    frames.reserve(net_.membership.size());
    const std::size_t n = journal_frames_for_step(*live, r.value(), journaled, frames);
    EXPECT_EQ(n, frames.frames.size());
    EXPECT_LE(n, max_journal_frames_per_step(net_.membership.size()));
    for (std::size_t i = 0; i < n; ++i) bytes.insert(bytes.end(), frames.frames[i].begin(), frames.frames[i].end());
    if (live->lock().held) journaled = live->lock();
  };
  journal_step(live->on_round_start({kHeight, 0}));
  journal_step(live->on_timer({TimerKind::collect_deadline, kHeight, 0}));
  own_block_ = live->prevote_of(0)->block_id;
  journal_step(live->on_vote(other_vote(1, VoteStep::prevote)));
  const std::size_t before_lock = bytes.size();
  journal_step(live->on_vote(other_vote(2, VoteStep::prevote)));
  ASSERT_TRUE(live->lock().held);
  ASSERT_NE(live->lock_polka(), nullptr);
  EXPECT_EQ(live->lock_polka()->polka.count(), 3U);
  // The locking step: polka parts, then the precommit, then the lock.
  const std::size_t polka_frames = (bytes.size() - before_lock) / kJournalFrameSize - 2;
  EXPECT_GT(polka_frames, 1U) << "a polka is larger than a frame";
  EXPECT_EQ(bytes[before_lock + kJournalLengthSize], static_cast<std::uint8_t>(JournalRecordKind::polka));

  const auto restart_round_1 = [&](std::span<const std::uint8_t> journal) {
    auto m = fresh_machine();
    const auto replay = replay_journal(*m, journal);
    EXPECT_TRUE(replay.has_value()) << replay.error().message();
    const auto start = m->on_round_start({kHeight, 1});
    EXPECT_TRUE(start.has_value());
    bool reproposed = false;
    if (start.has_value())
      for (const Action& a : start.value()) reproposed |= a.kind == ActionKind::broadcast_reproposal;
    EXPECT_EQ(m->lock(), live->lock());
    return reproposed;
  };
  EXPECT_TRUE(restart_round_1(bytes)) << "restored with its polka, the locked node re-proposes its block";
  // The control: every polka frame removed, the lock kept.
  std::vector<std::uint8_t> without;
  for (std::size_t at = 0; at < bytes.size(); at += kJournalFrameSize)
    if (bytes[at + kJournalLengthSize] != static_cast<std::uint8_t>(JournalRecordKind::polka))
      without.insert(without.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                     bytes.begin() + static_cast<std::ptrdiff_t>(at + kJournalFrameSize));
  EXPECT_FALSE(restart_round_1(without)) << "control: locked without its polka, it has nothing to re-propose";
  // Nil prevotes of rounds 5 and 6 journaled after it: the window moves past round 0 on
  // replay, and the polka stays as the held polka, re-proposed in round 7.
  {
    auto later = bytes;
    const auto nils = journal_of({JournalRecord{.kind = JournalRecordKind::vote, .vote = own_vote(5, VoteStep::prevote, 0, false)},
                                  JournalRecord{.kind = JournalRecordKind::vote, .vote = own_vote(6, VoteStep::prevote, 0, false)}});
    later.insert(later.end(), nils.begin(), nils.end());
    auto m = fresh_machine();
    const auto replay = replay_journal(*m, later);
    ASSERT_TRUE(replay.has_value()) << replay.error().message();
    EXPECT_EQ(m->lock(), live->lock());
    ASSERT_NE(m->held_polka(), nullptr) << "the round-0 polka is held after the window moved to round 6";
    EXPECT_EQ(m->held_polka()->polka.round, 0U);
    const auto start = m->on_round_start({kHeight, 7});
    ASSERT_TRUE(start.has_value());
    EXPECT_TRUE(std::any_of(start.value().begin(), start.value().end(),
                            [](const Action& a) { return a.kind == ActionKind::broadcast_reproposal; }));
  }
  // Every cut of the locking step's append restores consistently.
  for (std::size_t cut = before_lock; cut <= bytes.size(); cut += 61) {
    auto m = fresh_machine();
    const auto replay = replay_journal(*m, std::span<const std::uint8_t>(bytes).first(cut));
    ASSERT_TRUE(replay.has_value()) << cut << ": " << replay.error().message();
    if (m->lock().held) {
      EXPECT_NE(m->lock_polka(), nullptr) << cut << ": a restored lock comes with its polka";
    }
  }
}

TEST_F(JournalMachine, ARestoredVoteIsSentAgainInsteadOfANewOne) {
  // Member 0 prevoted block 0x33 before the crash (a block this run never hears of).
  const Vote before = own_vote(0, VoteStep::prevote, 0x33);
  auto m = fresh_machine();
  ASSERT_TRUE(replay_journal(*m, journal_of({JournalRecord{.kind = JournalRecordKind::vote, .vote = before}})));
  ASSERT_TRUE(m->on_round_start({kHeight, 0}).has_value());
  const auto collect = m->on_timer({TimerKind::collect_deadline, kHeight, 0});
  ASSERT_TRUE(collect.has_value());
  std::vector<Vote> sent;
  for (const Action& a : collect.value())
    if (a.kind == ActionKind::broadcast_vote) sent.push_back(a.vote);
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0], before);
  EXPECT_EQ(*m->prevote_of(0), before);
}

TEST_F(JournalMachine, ReplaySkipsOtherHeightsAndDropsATornLockRecord) {
  auto live = fresh_machine();
  auto records = run_to_precommit(*live);
  records.insert(records.begin(), vote_record(net_.keys[0], 0, VoteStep::prevote, 0x55, kHeight - 1));
  records.insert(records.begin(), lock_record(kHeight - 1, 0, 0x55));
  auto bytes = journal_of(records);
  bytes[bytes.size() - 1] ^= 0x01;  // the lock record, last, is torn

  auto m = fresh_machine();
  const auto replay = replay_journal(*m, bytes);
  ASSERT_TRUE(replay.has_value()) << replay.error().message();
  EXPECT_EQ(replay.value().records, 4U);
  EXPECT_EQ(replay.value().other_heights, 2U);
  EXPECT_EQ(replay.value().intact_bytes, 4 * kJournalFrameSize);
  EXPECT_EQ(replay.value().torn_bytes, kJournalFrameSize);
  EXPECT_FALSE(replay.value().lock.held) << "no lock record was restored";
  EXPECT_EQ(m->lock(), live->lock()) << "the machine takes the lock from the restored precommit";
}

TEST_F(JournalMachine, ReplayFailsAtACorruptMiddleFrame) {
  auto live = fresh_machine();
  auto bytes = journal_of(run_to_precommit(*live));
  bytes[kJournalFrameSize + 100] ^= 0x10;  // inside the precommit record, with the lock after it

  auto m = fresh_machine();
  std::size_t at = 0;
  const auto replay = replay_journal(*m, bytes, &at);
  ASSERT_FALSE(replay.has_value());
  EXPECT_EQ(replay.error(), journal_errc::corrupt_frame);
  EXPECT_EQ(at, kJournalFrameSize);
}

TEST_F(JournalMachine, ReplayReturnsTheMachinesRefusalAtItsFrame) {
  struct Case {
    const char* name;
    std::vector<JournalRecord> records;
    std::error_code error;
    std::size_t frame;
  };
  const auto as_record = [](const Vote& v) { return JournalRecord{.kind = JournalRecordKind::vote, .vote = v}; };
  Vote tampered = own_vote(0, VoteStep::prevote, 0x33);
  tampered.round = 1;  // the signature was over round 0
  Vote other_chain = test::make_vote(net_.keys[0], test::chain(0xC2), kHeight, 0, VoteStep::prevote, test::block_id(1));
  const std::vector<Case> cases{
      {"another member's vote",
       {as_record(own_vote(0, VoteStep::prevote, 0x33)), as_record(test::make_vote(net_.keys[1], test::chain(), kHeight,
                                                                                   0, VoteStep::prevote, test::block_id(1)))},
       round_errc::not_own_vote, 1},
      {"two different own prevotes",
       {as_record(own_vote(0, VoteStep::prevote, 0x33)), as_record(own_vote(0, VoteStep::prevote, 0x34))},
       round_errc::conflicting_own_vote, 1},
      {"a lock with no precommit", {as_record(own_vote(0, VoteStep::prevote, 0x33)), lock_record(kHeight, 0, 0x33)},
       round_errc::lock_without_precommit, 1},
      {"a bad signature", {as_record(tampered)}, round_errc::bad_signature, 0},
      {"another chain", {as_record(other_chain)}, round_errc::wrong_chain, 0},
  };
  for (const Case& c : cases) {
    auto m = fresh_machine();
    std::size_t at = 999;
    const auto replay = replay_journal(*m, journal_of(c.records), &at);
    ASSERT_FALSE(replay.has_value()) << c.name;
    EXPECT_EQ(replay.error(), c.error) << c.name << ": " << replay.error().message();
    EXPECT_EQ(at, c.frame * kJournalFrameSize) << c.name;
  }

  // The same record twice is not a conflict.
  auto m = fresh_machine();
  const auto twice = replay_journal(*m, journal_of({as_record(own_vote(0, VoteStep::precommit, 0x33)),
                                                    as_record(own_vote(0, VoteStep::precommit, 0x33)),
                                                    lock_record(kHeight, 0, 0x33), lock_record(kHeight, 0, 0x33)}));
  ASSERT_TRUE(twice.has_value()) << twice.error().message();
  EXPECT_EQ(twice.value().lock, (Lock{true, test::block_id(0x33), 0}));

  // After the first round has started it is too late; a bad record is reported too.
  auto started = fresh_machine();
  ASSERT_TRUE(started->on_round_start({kHeight, 0}).has_value());
  std::size_t at = 999;
  auto late = replay_journal(*started, journal_of({as_record(own_vote(0, VoteStep::prevote, 0x33))}), &at);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error(), round_errc::restore_too_late);
  EXPECT_EQ(at, 0U);

  const std::array<std::uint8_t, 1> unknown{9};
  const auto bad = test::concat({journal_of({as_record(own_vote(0, VoteStep::prevote, 0x33))}), frame_with_payload(unknown)});
  auto m2 = fresh_machine();
  auto bad_replay = replay_journal(*m2, bad, &at);
  ASSERT_FALSE(bad_replay.has_value());
  EXPECT_EQ(bad_replay.error(), journal_errc::bad_record);
  EXPECT_EQ(at, kJournalFrameSize);
}

}  // namespace
}  // namespace midnight
