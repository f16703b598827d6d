#include "midnight/audit/log_checker.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "midnight/audit/log_reader.hpp"
#include "midnight/audit/log_sections.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::audit {

namespace {

struct Seen {  // the first signed vote or proposal of a member for one slot
  BlockId block;
  bool approve = true;
  Evidence ev;
};

// Approving prevotes of one round for one block, as one node has seen them.
struct Tally {
  std::vector<bool> voted;
  std::uint64_t weight = 0;
};

struct Lock {
  std::uint32_t round = 0;
  BlockId block;
  Evidence ev;  // the precommit that took it
};

// What one log's node has shown at one height: the polkas it knows, its lock (its
// highest-round approving precommit, as sent), its first decision.
struct NodeView {
  std::map<std::pair<std::uint32_t, BlockId>, Tally> prevotes;
  std::set<std::pair<std::uint32_t, BlockId>> polkas;
  std::optional<Lock> lock;
  std::optional<std::pair<BlockId, Evidence>> decided;
  std::set<std::pair<std::uint32_t, std::uint8_t>> judged;  // (round, step) its sends were judged at
};

struct Decision {
  std::size_t log = 0;
  BlockId block;
  Evidence ev;
  std::vector<std::size_t> signers;  // member indices, ascending
};

// The signature verdicts kept per height (about 100 bytes each).
constexpr std::size_t kVerdictMemoEntries = 1 << 16;

struct HeightState {
  std::shared_ptr<const HeightInputs> in;
  std::map<std::tuple<std::size_t, std::uint32_t, std::uint8_t>, Seen> votes;     // (member, round, step)
  std::map<std::pair<std::size_t, std::uint32_t>, Seen> proposals;                // (member, round)
  std::set<std::tuple<std::size_t, std::uint32_t, std::uint8_t>> equivocations;   // reported; step 0: proposal
  std::map<Hash32, bool> verified;  // signature verdicts, by what was signed, its signer and signature
  std::map<std::size_t, NodeView> views;  // by log
  std::vector<Decision> decisions;        // each log's first valid decision
  std::set<std::pair<BlockId, BlockId>> disagreements;  // reported
};


class Checker final : public SectionVisitor {
 public:
  Checker(FindingSink& sink, const SignatureVerifier& verifier) : sink_(sink), verifier_(verifier) {
    polka_ = std::make_unique<CarriedPolka>();
    reproposal_ = std::make_unique<Reproposal>();
    cert_ = std::make_unique<Certificate>();
  }

  result<CheckSummary> run(std::span<const std::string> paths, LogFailure& failure);

  void on_open(std::size_t log, const LogReader& reader) override;
  void on_height(std::uint64_t height, const std::shared_ptr<const HeightInputs>& inputs) override;
  void on_record(std::size_t log, std::uint64_t height, const LogRecord& record) override;
  void on_section_end(std::size_t) override {}
  void on_height_read(std::uint64_t height) override;

 private:
  void record(std::size_t log, const LogRecord& r);
  void message(std::size_t log, const LogRecord& r);
  void decided(std::size_t log, const LogRecord& r);
  HeightState* state_of(std::uint64_t height);
  std::optional<std::size_t> member_of(const HeightState& s, const PublicKey& key) const;
  bool verified(HeightState& s, std::span<const std::uint8_t> what, const PublicKey& key, const Signature& sig,
                bool (*check)(const void*, const SignatureVerifier&), const void* message);
  bool vote_ok(HeightState& s, const Vote& v);
  void seen_vote(HeightState& s, std::size_t member, const Vote& v, const Evidence& ev);
  void seen_proposal(HeightState& s, std::size_t member, std::uint32_t round, const BlockId& block,
                     const Evidence& ev);
  // A polka's entries (prevotes of polka.round for polka.block_id): false if one does not verify.
  bool polka_entries(HeightState& s, const Certificate& c, VoteStep step, const Evidence& ev);
  void own_vote(std::size_t log, HeightState& s, std::size_t member, const Vote& v, const Evidence& ev);
  void count_prevote(HeightState& s, NodeView& view, std::size_t member, const Vote& v);
  void blame(FindingKind kind, const HeightState& s, const PublicKey& key, std::string detail,
             std::vector<Evidence> ev);
  Evidence here(std::size_t log, const LogRecord& r) const { return {log, r.line, r.offset}; }

  FindingSink& sink_;
  const SignatureVerifier& verifier_;
  std::vector<PublicKey> node_keys_;  // by log
  std::uint64_t section_ = 0;         // the height of the section being read
  std::map<std::uint64_t, HeightState> heights_;
  CheckSummary summary_;
  std::unique_ptr<CarriedPolka> polka_;
  std::unique_ptr<Reproposal> reproposal_;
  std::unique_ptr<Certificate> cert_;
};

const char* step_name(VoteStep s) { return s == VoteStep::prevote ? "prevote" : "precommit"; }

std::string block_text(const BlockId& id, bool approve) {
  return approve ? short_hex(id) : id.is_zero() ? std::string("nil") : "reject " + short_hex(id);
}

HeightState* Checker::state_of(std::uint64_t height) {
  const auto it = heights_.find(height);
  return it == heights_.end() ? nullptr : &it->second;
}

std::optional<std::size_t> Checker::member_of(const HeightState& s, const PublicKey& key) const {
  return s.in->membership.index_of(key);
}

bool Checker::verified(HeightState& s, std::span<const std::uint8_t> what, const PublicKey& key,
                       const Signature& sig, bool (*check)(const void*, const SignatureVerifier&),
                       const void* message) {
  const Hash32 id = Sha256().update(what).update(key.span()).update(sig.span()).finish();
  const auto it = s.verified.find(id);
  if (it != s.verified.end()) return it->second;
  const bool ok = check(message, verifier_);
  // A memo, not state: forgetting a verdict only costs a second verification. Invalid
  // signatures are free to make, so the memo is emptied when it reaches its bound rather
  // than grow with whatever a peer sent.
  if (s.verified.size() >= kVerdictMemoEntries) s.verified.clear();
  s.verified.emplace(id, ok);
  return ok;
}

bool Checker::vote_ok(HeightState& s, const Vote& v) {
  const auto input = vote_signing_input(v);
  return verified(s, input, v.voter, v.signature,
                  [](const void* m, const SignatureVerifier& ver) { return verify_vote(*static_cast<const Vote*>(m), ver); },
                  &v);
}

void Checker::blame(FindingKind kind, const HeightState& s, const PublicKey& key, std::string detail,
                    std::vector<Evidence> ev) {
  Finding f;
  f.kind = kind;
  f.height = s.in->height;
  f.member = member_of(s, key);
  f.key = key;
  f.detail = std::move(detail);
  f.evidence = std::move(ev);
  ++summary_.findings;
  sink_.on_finding(f);
}

void Checker::seen_vote(HeightState& s, std::size_t member, const Vote& v, const Evidence& ev) {
  const auto slot = std::make_tuple(member, v.round, static_cast<std::uint8_t>(v.step));
  const auto [it, first] = s.votes.emplace(slot, Seen{v.block_id, v.approve, ev});
  if (first || (it->second.block == v.block_id && it->second.approve == v.approve)) return;
  if (!s.equivocations.insert(slot).second) return;
  blame(FindingKind::equivocation, s, v.voter,
        std::string("signed two ") + step_name(v.step) + "s at height " + std::to_string(v.height) + " round " +
            std::to_string(v.round) + ": " + block_text(it->second.block, it->second.approve) + " and " +
            block_text(v.block_id, v.approve),
        {it->second.ev, ev});
}

void Checker::seen_proposal(HeightState& s, std::size_t member, std::uint32_t round, const BlockId& block,
                            const Evidence& ev) {
  const auto [it, first] = s.proposals.emplace(std::make_pair(member, round), Seen{block, true, ev});
  if (first || it->second.block == block) return;
  if (!s.equivocations.insert({member, round, 0}).second) return;
  blame(FindingKind::equivocation, s, s.in->membership.member(member).key,
        "signed two proposals at height " + std::to_string(s.in->height) + " round " + std::to_string(round) + ": " +
            short_hex(it->second.block) + " and " + short_hex(block),
        {it->second.ev, ev});
}

bool Checker::polka_entries(HeightState& s, const Certificate& c, VoteStep step, const Evidence& ev) {
  bool all = true;
  Vote v;
  v.chain_id = c.chain_id;
  v.height = c.height;
  v.round = c.round;
  v.step = step;
  v.block_id = c.block_id;
  v.approve = true;
  for (const CertificateSignature& e : c.used()) {
    v.voter = e.voter;
    v.signature = e.signature;
    const auto m = member_of(s, e.voter);
    if (!m || !vote_ok(s, v)) {
      all = false;
      continue;
    }
    seen_vote(s, *m, v, ev);
  }
  return all;
}

void Checker::count_prevote(HeightState& s, NodeView& view, std::size_t member, const Vote& v) {
  if (v.step != VoteStep::prevote || !v.approve) return;
  Tally& t = view.prevotes[{v.round, v.block_id}];
  if (t.voted.empty()) t.voted.assign(s.in->membership.size(), false);
  if (t.voted[member]) return;
  t.voted[member] = true;
  t.weight += s.in->membership.member(member).weight;
  if (s.in->membership.reaches_quorum(t.weight)) view.polkas.insert({v.round, v.block_id});
}

// The log's own node's approving votes, against what its log showed before them.
void Checker::own_vote(std::size_t log, HeightState& s, std::size_t /*member*/, const Vote& v, const Evidence& ev) {
  if (!v.approve) return;
  NodeView& view = s.views[log];
  if (!view.judged.insert({v.round, static_cast<std::uint8_t>(v.step)}).second) return;  // a copy to another peer
  if (v.step == VoteStep::precommit) {
    if (!view.polkas.contains({v.round, v.block_id})) {
      blame(FindingKind::precommit_without_polka, s, v.voter,
            "precommitted " + short_hex(v.block_id) + " at height " + std::to_string(v.height) + " round " +
                std::to_string(v.round) + " with no polka for it in that round before",
            {ev});
    }
    if (!view.lock || v.round >= view.lock->round) view.lock = Lock{v.round, v.block_id, ev};
    return;
  }
  if (!view.lock || view.lock->block == v.block_id || view.lock->round >= v.round) return;
  const Lock& lock = *view.lock;
  for (auto it = view.polkas.lower_bound({lock.round, BlockId{}}); it != view.polkas.end() && it->first < v.round;
       ++it)
    if (it->second == v.block_id) return;
  blame(FindingKind::lock, s, v.voter,
        "prevoted " + short_hex(v.block_id) + " at height " + std::to_string(v.height) + " round " +
            std::to_string(v.round) + " while locked on " + short_hex(lock.block) + " in round " +
            std::to_string(lock.round) + " with no polka for it since",
        {lock.ev, ev});
}

void Checker::message(std::size_t log, const LogRecord& r) {
  if (r.elided) return;
  const auto undecodable = [&] { ++summary_.not_judged; };
  if (r.bytes.size() < kPrefixSize) return undecodable();
  const auto type = peek_message_type(r.bytes);
  // Bytes that do not decode show no rule broken (spec/node-log.md §3): counted, not judged.
  if (!type) return undecodable();
  const bool received = r.kind == RecordKind::recv;
  const Evidence ev = here(log, r);
  const PublicKey& node = node_keys_[log];
  // A message that names a height no log gave (or the checker still holds) is not judged.
  const auto judge = [&](std::uint64_t height, const ChainId& chain) -> HeightState* {
    HeightState* s = state_of(height);
    if (s == nullptr || s->in->chain != chain) {
      ++summary_.not_judged;
      return nullptr;
    }
    return s;
  };
  // A received message whose signature does not verify blames the link's peer.
  const auto bad_signature = [&](HeightState& s, const char* what) {
    if (!received) return;
    blame(FindingKind::bad_signature, s, r.peer,
          std::string("sent a ") + what + " at height " + std::to_string(s.in->height) +
              " whose signature does not verify",
          {ev});
  };
  switch (type.value()) {
    case MessageType::vote: {
      const auto v = decode_vote(r.bytes);
      if (!v) return undecodable();
      HeightState* s = judge(v.value().height, v.value().chain_id);
      if (s == nullptr) return;
      const auto m = member_of(*s, v.value().voter);
      if (!m || !vote_ok(*s, v.value())) return bad_signature(*s, "vote");
      seen_vote(*s, *m, v.value(), ev);
      NodeView& view = s->views[log];
      const bool own = r.kind == RecordKind::sent && v.value().voter == node;
      if (own) own_vote(log, *s, *m, v.value(), ev);
      count_prevote(*s, view, *m, v.value());
      return;
    }
    case MessageType::proposal: {
      const auto p = decode_proposal(r.bytes);
      if (!p) return undecodable();
      HeightState* s = judge(p.value().header.height, p.value().header.chain_id);
      if (s == nullptr) return;
      const auto m = member_of(*s, p.value().header.proposer);
      if (!m || !verify_proposal(p.value(), verifier_)) return bad_signature(*s, "proposal");
      seen_proposal(*s, *m, p.value().header.round, compute_block_id(p.value().header), ev);
      return;
    }
    case MessageType::polka:
    case MessageType::reproposal: {
      const bool repro = type.value() == MessageType::reproposal;
      CarriedPolka* carried = nullptr;
      if (repro) {
        if (!decode_reproposal(r.bytes, *reproposal_)) return undecodable();
        carried = &reproposal_->carried;
      } else {
        if (!decode_polka(r.bytes, *polka_)) return undecodable();
        carried = polka_.get();
      }
      const BlockHeader& h = carried->proposal.header;
      HeightState* s = judge(h.height, h.chain_id);
      if (s == nullptr) return;
      const char* what = repro ? "reproposal" : "polka";
      if (repro && (!member_of(*s, reproposal_->reproposer) || !verify_reproposal(*reproposal_, verifier_)))
        return bad_signature(*s, what);
      const auto proposer = member_of(*s, h.proposer);
      if (!proposer || !verify_proposal(carried->proposal, verifier_)) return bad_signature(*s, what);
      seen_proposal(*s, *proposer, h.round, compute_block_id(h), ev);
      const Certificate& c = carried->polka;
      if (c.height != h.height || c.chain_id != h.chain_id) return bad_signature(*s, what);
      if (!polka_entries(*s, c, VoteStep::prevote, ev)) return bad_signature(*s, what);
      if (c.block_id == compute_block_id(h) && verify_polka(c, s->in->membership, s->in->chain, verifier_))
        s->views[log].polkas.insert({c.round, c.block_id});
      return;
    }
    case MessageType::commit_request: {
      const auto c = decode_commit_request(r.bytes);
      if (!c) return undecodable();
      HeightState* s = judge(c.value().height, c.value().chain_id);
      if (s == nullptr) return;
      if (!member_of(*s, c.value().requester) || !verify_commit_request(c.value(), verifier_))
        return bad_signature(*s, "commit request");
      return;
    }
    case MessageType::commit: {
      // Its certificate's entries are signed precommits; the block is not read.
      constexpr std::size_t count_at = kPrefixSize + kCertificateFixedSize - 2;
      if (r.bytes.size() < count_at + 2) return undecodable();
      const std::size_t size = kCertificateFixedSize + load_u16(r.bytes.data() + count_at) * kCertificateEntrySize;
      if (r.bytes.size() < kPrefixSize + size) return undecodable();
      std::vector<std::uint8_t> cert(r.bytes.begin(), r.bytes.begin() + static_cast<std::ptrdiff_t>(kPrefixSize + size));
      cert[1] = static_cast<std::uint8_t>(MessageType::certificate);
      if (!decode_certificate(cert, *cert_)) return undecodable();
      HeightState* s = judge(cert_->height, cert_->chain_id);
      if (s == nullptr) return;
      (void)polka_entries(*s, *cert_, VoteStep::precommit, ev);
      return;
    }
    default:
      return;
  }
}

void Checker::decided(std::size_t log, const LogRecord& r) {
  const PublicKey& node = node_keys_[log];
  const Evidence ev = here(log, r);
  const auto type = peek_message_type(r.bytes);
  if (!type || type.value() != MessageType::certificate || !decode_certificate(r.bytes, *cert_)) {
    // Nothing in it names a height: it is judged with the height of its section.
    HeightState* s = state_of(section_);
    if (s != nullptr) blame(FindingKind::bad_certificate, *s, node, "decided on bytes that are not a certificate", {ev});
    return;
  }
  const Certificate& c = *cert_;
  HeightState* s = state_of(c.height);
  if (s == nullptr) {
    ++summary_.not_judged;
    return;
  }
  NodeView& view = s->views[log];
  if (view.decided && view.decided->first != c.block_id) {
    blame(FindingKind::two_decisions, *s, node,
          "decided height " + std::to_string(c.height) + " twice: " + short_hex(view.decided->first) + " and " +
              short_hex(c.block_id),
          {view.decided->second, ev});
  }
  if (!view.decided) view.decided = {c.block_id, ev};
  const auto weight = verify_certificate(c, s->in->membership, s->in->chain, verifier_);
  if (!weight) {
    blame(FindingKind::bad_certificate, *s, node,
          "decided height " + std::to_string(c.height) + " on a certificate that does not verify: " +
              weight.error().message(),
          {ev});
    return;
  }
  (void)polka_entries(*s, c, VoteStep::precommit, ev);
  for (const Decision& d : s->decisions)
    if (d.log == log) return;
  Decision mine{log, c.block_id, ev, {}};
  for (const auto& e : c.used()) mine.signers.push_back(*member_of(*s, e.voter));
  for (const Decision& d : s->decisions) {
    if (d.block == c.block_id) continue;
    const auto pair = std::minmax(d.block, c.block_id);
    if (!s->disagreements.insert({pair.first, pair.second}).second) continue;
    Finding f;
    f.kind = FindingKind::disagreement;
    f.height = c.height;
    f.logs = {d.log, log};
    std::set_intersection(d.signers.begin(), d.signers.end(), mine.signers.begin(), mine.signers.end(),
                          std::back_inserter(f.both_signers));
    f.detail = "two logs decided height " + std::to_string(c.height) + " on different blocks: " + short_hex(d.block) +
               " and " + short_hex(c.block_id);
    f.evidence = {d.ev, ev};
    ++summary_.findings;
    sink_.on_finding(f);
  }
  s->decisions.push_back(std::move(mine));
}

void Checker::record(std::size_t log, const LogRecord& r) {
  ++summary_.records;
  if (r.kind == RecordKind::sent || r.kind == RecordKind::recv) message(log, r);
  if (r.kind == RecordKind::decided) decided(log, r);
}

void Checker::on_open(std::size_t log, const LogReader& reader) { node_keys_[log] = reader.node_key(); }

void Checker::on_height(std::uint64_t height, const std::shared_ptr<const HeightInputs>& inputs) {
  HeightState& s = heights_[height];
  if (!s.in) s.in = inputs;
}

void Checker::on_record(std::size_t log, std::uint64_t height, const LogRecord& r) {
  section_ = height;
  record(log, r);
}

// Every log has passed h - 1: late messages of h are still judged while h + 1 is read.
void Checker::on_height_read(std::uint64_t height) {
  heights_.erase(heights_.begin(), heights_.lower_bound(height));
}

result<CheckSummary> Checker::run(std::span<const std::string> paths, LogFailure& failure) {
  summary_.logs = paths.size();
  node_keys_.resize(paths.size());
  if (auto read = read_by_height(paths, *this, failure); !read) return read.error();
  return summary_;
}

}  // namespace

result<CheckSummary> check_logs(std::span<const std::string> paths, FindingSink& sink, LogFailure& failure,
                                const SignatureVerifier& verifier) {
  Checker c(sink, verifier);
  return c.run(paths, failure);
}

}  // namespace midnight::audit
