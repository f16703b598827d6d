// NodeHost (node/node_host.hpp): heights one after another, the order of what must be
// durable before anything is released, restart from the block store and the journal,
// catch-up by commit requests, and the bound on what a peer can make a host send.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/node_disk.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "test_support.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {
namespace {

constexpr std::uint64_t kDay = 86'400'000;

Keypair keys_of(std::size_t i) {
  Seed seed{};
  seed.v[0] = std::uint8_t(i + 1);
  seed.v[31] = 0x6e;
  return keypair_from_seed(seed);
}

// n hosts of weight 1 on a FIFO network that delivers every broadcast to every other
// host, with a clock the test moves by hand and a timer table per host.
class HostCluster {
 public:
  explicit HostCluster(std::size_t n, std::uint64_t last_height = 0) {
    crypto_init();
    chain_ = sha256(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("node-host-test"), 14));
    std::vector<Masternode> members;
    for (std::size_t i = 0; i < n; ++i) members.push_back(test::member_of(keys_of(i), Destination{}, 1));
    membership_ = std::make_unique<Membership>(Membership::make(members).value());
    mempool_ = {std::vector<std::uint8_t>{1, 2, 3}, std::vector<std::uint8_t>{4, 5}};
    views_.assign(mempool_.begin(), mempool_.end());
    for (std::size_t i = 0; i < n; ++i) {
      HostConfig c;
      c.node.chain_id = chain_;
      c.node.membership = membership_.get();
      c.node.policy = &policy_;
      c.node.keys = keys_of(i);
      c.node.vrf_keys = test::vrf_keypair_of(c.node.keys);
      c.schedule.genesis_id = sha256(std::span<const std::uint8_t>(chain_.v));
      c.schedule.last_height = last_height;
      c.mempool = views_;
      configs_.push_back(c);
      hosts_.push_back(std::make_unique<NodeHost>(c));
      disks_.emplace_back();
      up_.push_back(true);
    }
  }

  NodeHost& host(std::size_t i) { return *hosts_[i]; }
  std::size_t member_of(std::size_t i) const { return hosts_[i]->member_index(); }
  const Membership& membership() const { return *membership_; }
  const ChainId& chain() const { return chain_; }
  std::vector<std::uint8_t>& journal(std::size_t i) { return disks_[i].journal; }
  std::vector<MessageBytes>& store(std::size_t i) { return disks_[i].block_store; }
  std::uint64_t now() const { return now_; }
  std::size_t sent_by(std::size_t i) const { return sent_[i]; }

  // Carries out one output as the host contract says: store, reset, append, then act.
  void apply(std::size_t i, const HostOutput& out) {
    (void)disks_[i].store(out);
    for (const StoredCommit& d : out.decided) decided_.push_back({i, d.height});
    for (const HostAction& a : out.actions) {
      switch (a.kind) {
        case HostActionKind::broadcast:
          for (std::size_t to = 0; to < hosts_.size(); ++to)
            if (to != i) queue_.push_back({to, a.bytes});
          ++sent_[i];
          break;
        case HostActionKind::send:
          for (std::size_t to = 0; to < hosts_.size(); ++to)
            if (member_of(to) == a.member) queue_.push_back({to, a.bytes});
          ++sent_[i];
          break;
        case HostActionKind::set_timer:
          timers_.push_back({i, a.timer, a.at_ms});
          break;
      }
    }
  }

  void start(std::size_t i) { apply(i, hosts_[i]->handle_start(now_)); }
  void start_all() {
    sent_.assign(hosts_.size(), 0);
    for (std::size_t i = 0; i < hosts_.size(); ++i) start(i);
  }
  void deliver() {
    while (!queue_.empty()) {
      const auto [to, bytes] = queue_.front();
      queue_.erase(queue_.begin());
      if (!up_[to]) continue;
      apply(to, hosts_[to]->handle_message(now_, *bytes));
    }
  }
  // Moves the clock to `t`, firing every timer due on the way, and delivering after each.
  void run_until(std::uint64_t t) {
    for (;;) {
      deliver();
      auto next = std::min_element(timers_.begin(), timers_.end(),
                                   [](const Timer& a, const Timer& b) { return a.at_ms < b.at_ms; });
      if (next == timers_.end() || next->at_ms > t) break;
      const Timer due = *next;
      timers_.erase(next);
      now_ = std::max(now_, due.at_ms);
      if (up_[due.host]) apply(due.host, hosts_[due.host]->handle_timer(now_, due.timer));
    }
    now_ = std::max(now_, t);
  }
  void crash(std::size_t i) {
    up_[i] = false;
    std::erase_if(timers_, [i](const Timer& t) { return t.host == i; });
  }
  result<JournalReplay> restart(std::size_t i) {
    hosts_[i] = std::make_unique<NodeHost>(configs_[i]);
    auto r = disks_[i].restore_into(*hosts_[i]);
    up_[i] = true;
    if (r) start(i);
    return r;
  }
  std::size_t decided_count(std::size_t i) const {
    return std::count_if(decided_.begin(), decided_.end(), [i](const auto& d) { return d.first == i; });
  }

 private:
  struct Timer {
    std::size_t host;
    HostTimer timer;
    std::uint64_t at_ms;
  };
  LowestHashPolicy policy_;
  ChainId chain_;
  std::unique_ptr<Membership> membership_;
  std::vector<std::vector<std::uint8_t>> mempool_;
  std::vector<TxBytes> views_;
  std::vector<HostConfig> configs_;
  std::vector<std::unique_ptr<NodeHost>> hosts_;
  std::vector<NodeDisk> disks_;
  std::vector<bool> up_;
  std::vector<std::pair<std::size_t, MessageBytes>> queue_;
  std::vector<Timer> timers_;
  std::vector<std::pair<std::size_t, std::uint64_t>> decided_;
  std::vector<std::size_t> sent_ = std::vector<std::size_t>(64, 0);
  std::uint64_t now_ = 0;
};

BlockId block_id_of_commit(const MessageBytes& bytes) {
  auto c = std::make_unique<CommitView>();
  EXPECT_TRUE(decode_commit(*bytes, *c).has_value());
  return c->certificate.block_id;
}

BlockHeader header_of_commit(const MessageBytes& bytes) {
  auto c = std::make_unique<CommitView>();
  EXPECT_TRUE(decode_commit(*bytes, *c).has_value());
  return c->block.header;
}

// A commit request of member `requester` (keys_of) for `height`, as bytes.
std::vector<std::uint8_t> commit_request_bytes(const ChainId& chain, std::uint64_t height, std::size_t requester) {
  CommitRequest r;
  r.chain_id = chain;
  r.height = height;
  r.requester = keys_of(requester).public_key;
  return encode_to_vector(sign_commit_request(r, keys_of(requester).secret_key)).value();
}

TEST(NodeHost, HeightsFollowOneAnotherEachBlockTheChildOfTheLast) {
  HostCluster c(4, 3);
  c.start_all();
  c.run_until(3 * kDay);
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(c.store(i).size(), 3U) << "host " << i;
    EXPECT_EQ(c.host(i).decided_height(), 3U);
    BlockId parent = sha256(std::span<const std::uint8_t>(c.chain().v));
    for (std::size_t h = 0; h < 3; ++h) {
      const BlockHeader header = header_of_commit(c.store(i)[h]);
      EXPECT_EQ(header.height, h + 1);
      EXPECT_EQ(header.prev_id, parent) << "height " << h + 1 << " is the child of height " << h;
      EXPECT_EQ(header.timestamp_ms, round_start_ms(h * kDay, RoundTiming{}, header.round)) << "midnight of its height";
      parent = block_id_of_commit(c.store(i)[h]);
      EXPECT_EQ(parent, block_id_of_commit(c.store(0)[h])) << "one block per height";
    }
  }
}

TEST(NodeHost, ADecidingStepStoresTheCommitAndResetsTheJournalBeforeReleasing) {
  HostCluster c(1, 2);
  // A single member decides at its round start: the commit, then the reset, then the
  // next height's frames (none yet: it begins at its midnight). The commit is stored, not
  // broadcast (spec/protocol.md 7.3): a member that missed the decision shows it by a
  // message of a later round or a commit request, and is answered then.
  const HostOutput& out = c.host(0).handle_start(0);
  ASSERT_EQ(out.decided.size(), 1U);
  EXPECT_EQ(out.decided[0].height, 1U);
  EXPECT_FALSE(out.decided[0].adopted);
  EXPECT_TRUE(out.journal_reset);
  EXPECT_TRUE(out.journal_append.empty()) << "the decided height's votes go with the reset";
  const bool sends_commit = std::any_of(out.actions.begin(), out.actions.end(), [&](const HostAction& a) {
    return (a.kind == HostActionKind::broadcast || a.kind == HostActionKind::send) && a.bytes &&
           *a.bytes == *out.decided[0].commit;
  });
  EXPECT_FALSE(sends_commit);
  const bool waits_for_midnight = std::any_of(out.actions.begin(), out.actions.end(), [](const HostAction& a) {
    return a.kind == HostActionKind::set_timer && a.timer.kind == HostTimerKind::height_start && a.at_ms == kDay;
  });
  EXPECT_TRUE(waits_for_midnight) << "height 2 begins at its midnight";
}

// A chain with a last height: once it is decided, a restarted host has no height to begin
// (it would otherwise start height last + 1) and only answers.
TEST(NodeHost, ARestartAfterTheLastHeightBeginsNothingAndStillAnswers) {
  HostCluster c(4, 1);
  c.start_all();
  c.run_until(60'000);
  for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(c.store(i).size(), 1U) << "host " << i;
  ASSERT_TRUE(c.restart(2).has_value());
  EXPECT_TRUE(c.host(2).past_last_height());
  EXPECT_EQ(c.host(2).decided_height(), 1U);
  EXPECT_TRUE(c.journal(2).empty()) << "the decided height's journal is dropped";
  const HostOutput& again = c.host(2).handle_start(c.now());
  EXPECT_FALSE(again.error);
  EXPECT_TRUE(again.actions.empty()) << "no round of height 2 starts, no timer is set";
  const auto request = commit_request_bytes(c.chain(), 1, 0);
  const HostOutput& answer = c.host(2).handle_message(c.now(), request);
  ASSERT_EQ(answer.actions.size(), 1U);
  EXPECT_EQ(answer.actions[0].kind, HostActionKind::send);
  EXPECT_EQ(*answer.actions[0].bytes, *c.store(2)[0]) << "its stored commit";
}

TEST(NodeHost, ANodeDownForDaysCatchesUpByCommitRequestsAndVotesInTheCurrentHeight) {
  HostCluster c(4, 5);
  c.start_all();
  c.crash(3);
  c.run_until(3 * kDay + 1000);  // heights 1-3 decided by the other three; height 4 too
  EXPECT_EQ(c.store(0).size(), 4U);
  EXPECT_EQ(c.store(3).size(), 0U);
  ASSERT_TRUE(c.restart(3).has_value());
  c.run_until(3 * kDay + 20'000);
  EXPECT_EQ(c.store(3).size(), 4U) << "the restarted node adopted heights 1-4 through requests";
  for (std::size_t h = 0; h < 4; ++h) EXPECT_EQ(block_id_of_commit(c.store(3)[h]), block_id_of_commit(c.store(0)[h]));
  c.run_until(5 * kDay);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c.store(i).size(), 5U) << "host " << i;
  // Height 5 needed node 3's votes? No (3 of 4 are a quorum), but it decided with them.
  EXPECT_EQ(block_id_of_commit(c.store(3)[4]), block_id_of_commit(c.store(0)[4]));
}

TEST(NodeHost, RequestsAreAnsweredWithinTheBudgetWhateverTheRequesterSends) {
  HostCluster c(4, 6);
  c.start_all();
  c.run_until(5 * kDay + 10'000);
  ASSERT_EQ(c.store(0).size(), 6U);
  const auto request_for = [&](std::uint64_t height) { return commit_request_bytes(c.chain(), height, 1); };
  const auto answers_to = [&](const HostOutput& out) {
    return std::count_if(out.actions.begin(), out.actions.end(), [&](const HostAction& a) {
      EXPECT_TRUE(a.kind != HostActionKind::send || a.member == c.member_of(1));
      return a.kind == HostActionKind::send;
    });
  };
  // 100 requests in one window: the same height twice in a row is answered once, and
  // all of them together get the budget's worth of commits, whatever heights they name.
  std::size_t answers = 0;
  for (int k = 0; k < 100; ++k) {
    const HostOutput& out = c.host(0).handle_message(c.now(), request_for(1 + k / 2 % 6));
    EXPECT_FALSE(out.error) << out.error.message();
    answers += answers_to(out);
  }
  EXPECT_EQ(answers, kCommitAnswersPerWindow);
  const auto bytes = request_for(1);
  CommitRequest request = decode_commit_request(bytes).value();
  // The next window: the budget again.
  const HostOutput& later = c.host(0).handle_message(c.now() + round_ms(RoundTiming{}, 0), bytes);
  EXPECT_EQ(answers_to(later), 1);
  // A request with a bad signature, or for a height not decided, is answered with nothing.
  CommitRequest forged = request;
  forged.signature.v[0] ^= 1;
  const HostOutput& bad = c.host(0).handle_message(c.now() + 10 * round_ms(RoundTiming{}, 0),
                                                   encode_to_vector(forged).value());
  EXPECT_EQ(bad.error, make_error_code(round_errc::bad_signature));
  EXPECT_TRUE(bad.actions.empty());
  CommitRequest ahead = request;
  ahead.height = 7;
  ahead = sign_commit_request(ahead, keys_of(1).secret_key);
  const HostOutput& none = c.host(0).handle_message(c.now() + 20 * round_ms(RoundTiming{}, 0),
                                                    encode_to_vector(ahead).value());
  EXPECT_TRUE(none.actions.empty());
}

// Rule "answer"'s window (spec/protocol.md 7.5) is fixed, opened by the first answer: a
// height answered in it is not answered again, even after another height in between, and
// the window passes one round-0 length after it opened, not after the last answer.
TEST(NodeHost, AHeightIsAnsweredOncePerFixedWindowWhateverCameBetween) {
  HostCluster c(4, 3);
  c.start_all();
  c.run_until(2 * kDay + 10'000);
  ASSERT_EQ(c.store(0).size(), 3U);
  const auto request_for = [&](std::uint64_t height) { return commit_request_bytes(c.chain(), height, 1); };
  const auto answered = [&](std::uint64_t at_ms, std::uint64_t height) {
    const HostOutput& out = c.host(0).handle_message(at_ms, request_for(height));
    EXPECT_FALSE(out.error) << out.error.message();
    return std::count_if(out.actions.begin(), out.actions.end(),
                         [](const HostAction& a) { return a.kind == HostActionKind::send; });
  };
  const std::uint64_t opened = c.now();
  const std::uint64_t window = round_ms(RoundTiming{}, 0);
  EXPECT_EQ(answered(opened, 1), 1);
  EXPECT_EQ(answered(opened + 1, 2), 1);
  EXPECT_EQ(answered(opened + 2, 1), 0) << "height 1 was answered in this window, before height 2";
  EXPECT_EQ(answered(opened + window - 1, 2), 0) << "still the window opened at the first answer";
  EXPECT_EQ(answered(opened + window, 1), 1) << "a new window opens one round-0 length after the first";
  EXPECT_EQ(answered(opened + window + 1, 1), 0);
}

TEST(NodeHost, ACommitOfADecidedHeightIsIgnoredAndADifferentCertifiedOneIsReported) {
  HostCluster c(4, 2);
  c.start_all();
  c.run_until(10'000);
  ASSERT_EQ(c.store(0).size(), 1U);
  const HostOutput& same = c.host(0).handle_message(c.now(), *c.store(1)[0]);
  EXPECT_FALSE(same.error);
  EXPECT_TRUE(same.actions.empty() && same.decided.empty());
  // Garbage in a commit of a decided height: rejected, nothing stored.
  auto broken = std::make_shared<std::vector<std::uint8_t>>(*c.store(1)[0]);
  (*broken)[kPrefixSize + 32 + 8 + 4 + 5] ^= 0xff;  // the certified block id
  const HostOutput& out = c.host(0).handle_message(c.now(), *broken);
  EXPECT_TRUE(out.error);
  EXPECT_TRUE(out.decided.empty());
  EXPECT_EQ(c.store(0).size(), 1U);
}

TEST(NodeHost, ARestartAdoptsTheBlockStoreAndRefusesToVoteOnABrokenJournal) {
  HostCluster c(4, 3);
  c.start_all();
  c.run_until(kDay + 10'000);
  ASSERT_EQ(c.store(2).size(), 2U);
  c.crash(2);
  ASSERT_TRUE(c.restart(2).has_value());
  EXPECT_EQ(c.host(2).decided_height(), 2U);
  EXPECT_EQ(c.host(2).tip_id(), block_id_of_commit(c.store(2)[1]));
  // A damaged frame followed by another: the host refuses to vote from then on.
  c.crash(2);
  std::vector<std::uint8_t>& j = c.journal(2);
  j.assign(2 * kJournalFrameSize, 0x5a);
  EXPECT_FALSE(c.restart(2).has_value());
  EXPECT_TRUE(c.host(2).refused());
}

}  // namespace
}  // namespace midnight
