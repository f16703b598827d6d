#include "midnight/audit/log_timeline.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "midnight/audit/log_reader.hpp"
#include "midnight/audit/log_sections.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/view/timeline_svg.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::audit {

void ViolationCollector::on_finding(const Finding& f) {
  if (next_ != nullptr) next_->on_finding(f);
  if (kept_.size() >= kMaxViolationMarks) {
    ++left_out_;
    return;
  }
  Violation v;
  v.kind = f.kind;
  v.has_member = f.member.has_value();
  v.key = f.key;
  if (!f.evidence.empty()) v.at = f.evidence.back();
  kept_.push_back(v);
}

namespace {

using view::TimeMs;

TimeMs time_of(std::uint64_t ms) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<TimeMs>::max());
  return static_cast<TimeMs>(std::min(ms, kMax));
}

// The time field of the record at `offset` of the file at `path` (a record's second
// field), read again rather than kept for every record; none when no record starts there.
std::optional<std::uint64_t> record_time_at(const std::string& path, std::uint64_t offset) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  f.seekg(static_cast<std::streamoff>(offset));
  char buf[64];
  f.read(buf, sizeof buf);
  const std::string_view line(buf, static_cast<std::size_t>(f.gcount()));
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view kind = line.substr(0, space);
  if (kind != "sent" && kind != "recv" && kind != "decided" && kind != "restart") return std::nullopt;
  std::uint64_t t = 0;
  bool any = false;
  for (std::size_t i = space + 1; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    if (t > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
    t = t * 10 + static_cast<std::uint64_t>(line[i] - '0');
    any = true;
  }
  return any ? std::optional<std::uint64_t>(t) : std::nullopt;
}

// One message from one lane to another: when it was sent and when it was received, with
// the last section height that logged either (the entry is judged two sections later).
struct Traffic {
  std::vector<TimeMs> sent;
  std::vector<TimeMs> received;
  std::uint64_t section = 0;
};
using TrafficKey = std::tuple<std::size_t, std::size_t, Hash32>;  // (sender lane, recipient lane, bytes)

struct HeightRounds {
  std::uint64_t midnight_ms = 0;
  RoundTiming timing;
  std::uint64_t last_ms = 0;  // the latest record of the height's sections
};

struct DrawnLock {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  BlockId block;
};

struct TimelineSource {
  std::string path;
  PublicKey node;           // its node's key
  std::set<Hash32> marked;  // this section's messages already drawn (a copy to another peer is not)
  std::optional<DrawnLock> lock;
};

class Builder final : public SectionVisitor {
 public:
  Builder(const ViolationCollector& violations, std::string title) : violations_(violations) {
    t_.title = std::move(title);
    reproposal_ = std::make_unique<Reproposal>();
    cert_ = std::make_unique<Certificate>();
  }
  result<view::Timeline> run(std::span<const std::string> paths, LogFailure& failure);

  void on_open(std::size_t lane, const LogReader& reader) override;
  void on_height(std::uint64_t height, const std::shared_ptr<const HeightInputs>& inputs) override;
  void on_record(std::size_t lane, std::uint64_t height, const LogRecord& r) override { record(lane, r, height); }
  void on_section_end(std::size_t lane) override { logs_[lane].marked.clear(); }
  // Every log has read h: a receipt of a message sent at h - 1 or before is in by now.
  void on_height_read(std::uint64_t height) override {
    if (height >= 1) settle(height - 1);
  }

 private:
  void record(std::size_t lane, const LogRecord& r, std::uint64_t section);
  void sent(std::size_t lane, const LogRecord& r, std::uint64_t section);
  void decided(std::size_t lane, const LogRecord& r, std::uint64_t section);
  void add_mark(view::Mark m);
  std::uint32_t block_index(const BlockId& id, std::uint64_t section);
  std::optional<std::size_t> lane_of(const PublicKey& key) const;
  Hash32 message_id(const LogRecord& r) const;
  // Judges and drops every entry no later section can complete: those last logged at or
  // before `upto`.
  void settle(std::uint64_t upto);
  void violations();

  const ViolationCollector& violations_;
  view::Timeline t_;
  std::vector<TimelineSource> logs_;
  std::map<PublicKey, std::size_t> lanes_;  // node key -> its log's lane
  std::map<TrafficKey, Traffic> traffic_;
  std::map<std::uint64_t, HeightRounds> rounds_;
  std::map<BlockId, std::pair<std::uint32_t, std::uint64_t>> blocks_;  // -> (index, last section)
  std::uint32_t next_block_ = 0;
  std::optional<TimeMs> first_, last_;
  std::uint64_t marks_left_out_ = 0;
  std::unique_ptr<Reproposal> reproposal_;
  std::unique_ptr<Certificate> cert_;
};

std::optional<std::size_t> Builder::lane_of(const PublicKey& key) const {
  const auto it = lanes_.find(key);
  return it == lanes_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
}

Hash32 Builder::message_id(const LogRecord& r) const {
  if (!r.elided) return Sha256().update(r.bytes).finish();
  // An elided message is known by its type and length only: enough to pair a send with
  // its receipt, as bodies of one type and length between two nodes are rare.
  std::uint8_t e[9] = {r.elided_type};
  for (int i = 0; i < 8; ++i) e[1 + i] = static_cast<std::uint8_t>(r.elided_size >> (56 - 8 * i));
  return Sha256().update(std::span<const std::uint8_t>(e, sizeof e)).finish();
}

std::uint32_t Builder::block_index(const BlockId& id, std::uint64_t section) {
  const auto [it, fresh] = blocks_.emplace(id, std::make_pair(next_block_, section));
  if (fresh) ++next_block_;
  it->second.second = std::max(it->second.second, section);
  return it->second.first;
}

void Builder::add_mark(view::Mark m) {
  if (t_.marks.size() >= view::kMaxMarks) {
    ++marks_left_out_;
    return;
  }
  t_.marks.push_back(std::move(m));
}

void Builder::sent(std::size_t lane, const LogRecord& r, std::uint64_t section) {
  TimelineSource& src = logs_[lane];
  const TimeMs at = time_of(r.time_ms);
  const Hash32 id = message_id(r);
  if (const auto to = lane_of(r.peer)) {
    Traffic& tr = traffic_[{lane, *to, id}];
    tr.sent.push_back(at);
    tr.section = std::max(tr.section, section);
  }
  if (r.elided || r.bytes.size() < kPrefixSize) return;
  const auto type = peek_message_type(r.bytes);
  if (!type) return;
  const PublicKey& self = src.node;
  view::Mark m;
  m.lane = lane;
  m.time_ms = at;
  switch (type.value()) {
    case MessageType::vote: {
      const auto v = decode_vote(r.bytes);
      if (!v || v.value().voter != self || !src.marked.insert(id).second) return;
      const Vote& vote = v.value();
      m.kind = vote.step == VoteStep::prevote ? view::MarkKind::prevote : view::MarkKind::precommit;
      m.choice = vote.approve ? view::VoteChoice::approve : view::VoteChoice::nil;
      if (vote.approve) m.block = block_index(vote.block_id, section);
      add_mark(m);
      if (vote.step != VoteStep::precommit || !vote.approve) return;
      // The lock is the highest-round approving precommit, as check_logs reads it.
      if (src.lock && src.lock->height != vote.height) src.lock.reset();
      if (src.lock && (vote.round < src.lock->round ||
                       (vote.round == src.lock->round && vote.block_id == src.lock->block)))
        return;
      src.lock = DrawnLock{vote.height, vote.round, vote.block_id};
      m.kind = view::MarkKind::lock;
      add_mark(m);
      return;
    }
    case MessageType::proposal: {
      const auto p = decode_proposal(r.bytes);
      if (!p || p.value().header.proposer != self || !src.marked.insert(id).second) return;
      m.kind = view::MarkKind::proposal;
      m.block = block_index(compute_block_id(p.value().header), section);
      add_mark(m);
      return;
    }
    case MessageType::reproposal: {
      if (!decode_reproposal(r.bytes, *reproposal_) || reproposal_->reproposer != self || !src.marked.insert(id).second)
        return;
      m.kind = view::MarkKind::reproposal;
      m.block = block_index(compute_block_id(reproposal_->carried.proposal.header), section);
      add_mark(m);
      return;
    }
    default:
      return;
  }
}

void Builder::decided(std::size_t lane, const LogRecord& r, std::uint64_t section) {
  view::Mark m;
  m.lane = lane;
  m.time_ms = time_of(r.time_ms);
  m.kind = view::MarkKind::decision;
  if (decode_certificate(r.bytes, *cert_)) {
    m.block = block_index(cert_->block_id, section);
    m.label = "h" + std::to_string(cert_->height);
  }
  add_mark(m);
}

void Builder::record(std::size_t lane, const LogRecord& r, std::uint64_t section) {
  const TimeMs at = time_of(r.time_ms);
  first_ = first_ ? std::min(*first_, at) : at;
  last_ = last_ ? std::max(*last_, at) : at;
  HeightRounds& hr = rounds_[section];
  hr.last_ms = std::max(hr.last_ms, r.time_ms);
  switch (r.kind) {
    case RecordKind::sent:
      sent(lane, r, section);
      return;
    case RecordKind::recv:
      if (const auto from = lane_of(r.peer)) {
        Traffic& tr = traffic_[{*from, lane, message_id(r)}];
        tr.received.push_back(at);
        tr.section = std::max(tr.section, section);
      }
      return;
    case RecordKind::decided:
      decided(lane, r, section);
      return;
    case RecordKind::restart: {
      view::Mark m;
      m.lane = lane;
      m.time_ms = at;
      m.kind = view::MarkKind::restart;
      add_mark(m);
      return;
    }
    case RecordKind::height:
      return;
  }
}

void Builder::settle(std::uint64_t upto) {
  for (auto it = traffic_.begin(); it != traffic_.end();) {
    Traffic& tr = it->second;
    if (tr.section > upto) {
      ++it;
      continue;
    }
    // Each receipt pays for the latest send before it not yet paid for (a message resent
    // unchanged, as a commit request is each round, arrives after its latest sending);
    // the sends left unpaid never arrived.
    std::sort(tr.sent.begin(), tr.sent.end());
    std::sort(tr.received.begin(), tr.received.end());
    std::vector<bool> paid(tr.sent.size(), false);
    for (const TimeMs got : tr.received) {
      for (std::size_t i = static_cast<std::size_t>(std::upper_bound(tr.sent.begin(), tr.sent.end(), got) -
                                                    tr.sent.begin());
           i-- > 0;) {
        if (!paid[i]) {
          paid[i] = true;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < tr.sent.size(); ++i) {
      if (paid[i]) continue;
      view::Mark m;
      m.lane = std::get<0>(it->first);
      m.to_lane = std::get<1>(it->first);
      m.time_ms = tr.sent[i];
      m.kind = view::MarkKind::drop;
      add_mark(m);
    }
    it = traffic_.erase(it);
  }
  for (auto it = rounds_.begin(); it != rounds_.end() && it->first <= upto;) {
    const HeightRounds& hr = it->second;
    // A height's rounds end at the next height's midnight: a log that keeps one section
    // for every height (a Byzantine node's) would otherwise stretch them over the run.
    std::uint64_t end = hr.last_ms;
    if (const auto after = std::next(it); after != rounds_.end()) end = std::min(end, after->second.midnight_ms);
    if (end >= hr.midnight_ms) {
      const std::uint32_t last = round_at_ms(hr.midnight_ms, hr.timing, end);
      for (std::uint32_t r = 0; r <= last && t_.rounds.size() < view::kMaxRounds; ++r)
        t_.rounds.push_back({r, time_of(round_start_ms(hr.midnight_ms, hr.timing, r)),
                             time_of(round_start_ms(hr.midnight_ms, hr.timing, r + 1))});
    }
    it = rounds_.erase(it);
  }
  for (auto it = blocks_.begin(); it != blocks_.end();)
    it = it->second.second <= upto ? blocks_.erase(it) : std::next(it);
}

void Builder::violations() {
  for (const Violation& v : violations_.violations()) {
    if (v.at.log >= logs_.size()) continue;
    const auto at = record_time_at(logs_[v.at.log].path, v.at.offset);
    if (!at) continue;
    view::Mark m;
    const auto own = v.has_member ? lane_of(v.key) : std::nullopt;
    m.lane = own ? *own : v.at.log;
    m.time_ms = time_of(*at);
    m.kind = view::MarkKind::violation;
    m.label = finding_name(v.kind);
    add_mark(m);
  }
}

void Builder::on_open(std::size_t lane, const LogReader& reader) {
  view::Lane l;
  l.label = "n?";
  if (reader.inputs()) {
    const HeightInputs& in = *reader.inputs();
    const PublicKey& key = reader.node_key();
    logs_[lane].node = key;
    lanes_.emplace(key, lane);
    const auto m = in.membership.index_of(key);
    l.label = m ? "n" + std::to_string(*m) + " (w " + std::to_string(in.membership.member(*m).weight) + ")"
                : std::string("not a member");
    const TimeMs midnight = time_of(in.midnight_ms);
    first_ = first_ ? std::min(*first_, midnight) : midnight;
  }
  t_.lanes.push_back(std::move(l));
}

void Builder::on_height(std::uint64_t height, const std::shared_ptr<const HeightInputs>& inputs) {
  if (rounds_.contains(height)) return;
  HeightRounds& hr = rounds_[height];
  hr.midnight_ms = inputs->midnight_ms;
  hr.timing = RoundTiming{inputs->collect_ms, inputs->prevote_ms, inputs->precommit_ms, inputs->increment_ms};
  hr.last_ms = inputs->midnight_ms;
}

result<view::Timeline> Builder::run(std::span<const std::string> paths, LogFailure& failure) {
  logs_.resize(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) logs_[i].path = paths[i];
  if (auto read = read_by_height(paths, *this, failure); !read) return read.error();
  settle(std::numeric_limits<std::uint64_t>::max());
  violations();
  t_.from_ms = first_.value_or(0);
  const TimeMs last = last_.value_or(t_.from_ms);
  // A margin after the last record, so that its marks are not drawn on the plot's edge.
  t_.to_ms = last + std::max<TimeMs>(1, (last - t_.from_ms) / 50);
  // The range in the title: what the time axis spans, readable without a ruler.
  t_.title += " [" + std::to_string(t_.from_ms) + " .. " + std::to_string(t_.to_ms) + " ms]";
  const std::uint64_t left_out = marks_left_out_ + violations_.left_out();
  if (left_out != 0) t_.title += " (" + std::to_string(left_out) + " marks left out)";
  return std::move(t_);
}

}  // namespace

result<view::Timeline> timeline_of_logs(std::span<const std::string> paths, const ViolationCollector& violations,
                                        std::string title, LogFailure& failure) {
  Builder b(violations, std::move(title));
  return b.run(paths, failure);
}

}  // namespace midnight::audit
