// The node host (node/node_host.hpp): one round machine, a chain of heights, the journal
// contract and catch-up. spec/protocol.md section 7.5 states the catch-up rules.
#include "midnight/node/node_host.hpp"

#include <algorithm>

#include "midnight/block/builder.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/core/invariant.hpp"
#include "midnight/node/body_messages.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {

namespace {

MessageBytes shared_or_empty(result<std::vector<std::uint8_t>> r) {
  // Every value the host encodes comes from the machine or was decoded: it encodes.
  MIDNIGHT_INVARIANT(r.has_value() && "the host only encodes values that encode");
  return std::make_shared<const std::vector<std::uint8_t>>(r.has_value() ? std::move(r).value()
                                                                           : std::vector<std::uint8_t>{});
}

MessageBytes encode_decision(const Decision& d) {
  return shared_or_empty(encode_commit_to_vector(*d.certificate, d.header, d.signature, d.txs));
}

}  // namespace

std::uint64_t ChainSchedule::midnight_ms(std::uint64_t height) const {
  const std::uint64_t steps = height >= first_height ? height - first_height : 0;
  return timing_detail::add_saturated(first_midnight_ms, timing_detail::mul_saturated(steps, height_interval_ms));
}

void HostOutput::clear() {
  decided.clear();
  journal_reset = false;
  journal_append.clear();
  actions.clear();
  error = {};
  handler = "";
}

NodeHost::NodeHost(const HostConfig& config)
    : config_(config),
      machine_(std::make_unique<RoundMachine>(config.node)),
      height_(config.schedule.first_height),
      tip_id_(config.schedule.genesis_id),
      budgets_(config.node.membership->size()),
      commit_(std::make_unique<CommitView>()),
      polka_(std::make_unique<CarriedPolka>()),
      reproposal_(std::make_unique<Reproposal>()),
      body_(std::make_unique<BlockView>()),
      body_txs_(std::make_unique<BodyTransactionsView>()) {
  // Decode targets and journal scratch sized once for the membership: a certificate or
  // polka with more entries than there are members is refused at decode (it could never
  // verify), so decoding stays within these reserves.
  const std::size_t n = config.node.membership->size();
  commit_->certificate.reserve_entries(n);
  polka_->polka.reserve_entries(n);
  reproposal_->carried.polka.reserve_entries(n);
  step_frames_.reserve(n);
}

bool NodeHost::past_last_height() const {
  return config_.schedule.last_height != 0 && height_ > config_.schedule.last_height;
}

const MessageBytes* NodeHost::commit_of(std::uint64_t height) const {
  if (height < config_.schedule.first_height || height >= height_) return nullptr;
  return &block_store_[height - config_.schedule.first_height];
}

void NodeHost::reset_output(const char* handler) {
  out_.clear();
  out_.handler = handler;
}

void NodeHost::reject(const std::error_code& ec, const char* handler) {
  out_.error = ec;
  out_.handler = handler;
}

void NodeHost::broadcast(MessageBytes bytes) {
  out_.actions.push_back(HostAction{.kind = HostActionKind::broadcast, .bytes = std::move(bytes)});
}

void NodeHost::set_timer(const HostTimer& t, std::uint64_t at_ms) {
  HostAction a;
  a.kind = HostActionKind::set_timer;
  a.timer = t;
  a.at_ms = at_ms;
  out_.actions.push_back(std::move(a));
}

// ---- restart ------------------------------------------------------------------------

result<JournalReplay> NodeHost::restore(std::span<const MessageBytes> block_store,
                                        std::span<const std::uint8_t> journal) {
  MIDNIGHT_INVARIANT(!begun_ && block_store_.empty() && "restore a fresh host");
  for (const MessageBytes& bytes : block_store) {
    MIDNIGHT_TRY(decode_commit(*bytes, *commit_));
    const HeightStart hs{height_, tip_id_, config_.schedule.midnight_ms(height_), config_.mempool};
    machine_->begin_height(hs);
    MIDNIGHT_TRY(adopted, machine_->on_commit(*commit_));
    (void)adopted;
    const auto d = machine_->decision();
    if (!d) return round_errc::bad_certificate;
    block_store_.push_back(bytes);
    decided_.push_back(Decided{d->block_id, d->round});
    tip_id_ = d->block_id;
    ++height_;
  }
  // The chain's last height is decided: there is no height to vote in, and what the
  // journal holds is of decided heights (it is dropped).
  if (past_last_height()) return JournalReplay{};
  machine_->begin_height({height_, tip_id_, config_.schedule.midnight_ms(height_), config_.mempool});
  begun_ = true;
  auto replay = replay_journal(*machine_, journal);
  if (!replay) {
    refused_ = true;
    return replay.error();
  }
  journaled_lock_ = replay.value().lock;
  return replay;
}

// ---- heights ------------------------------------------------------------------------

const HostOutput& NodeHost::handle_start(std::uint64_t now_ms) {
  reset_output("start");
  if (past_last_height()) return out_;
  if (!begun_) {
    machine_->begin_height({height_, tip_id_, config_.schedule.midnight_ms(height_), config_.mempool});
    begun_ = true;
  }
  start_rounds(now_ms);
  return out_;
}

// The machine has begun height_; start the round the clock is in, or wait for midnight.
// A height begun after its first round is over is one this node is late for: it asks
// for the commit at once, since the others may have decided it long ago.
void NodeHost::start_rounds(std::uint64_t now_ms) {
  if (refused_ || started_) return;
  const std::uint64_t midnight = config_.schedule.midnight_ms(height_);
  if (now_ms < midnight) {
    set_timer(HostTimer{.kind = HostTimerKind::height_start, .height = height_}, midnight);
    return;
  }
  const std::uint32_t round = round_at_ms(midnight, config_.node.timing, now_ms);
  started_ = true;
  if (round > 0) request_commit(now_ms, height_, true);
  after_step(now_ms, machine_->on_round_start({height_, round}), "on_round_start");
}

void NodeHost::begin_height(std::uint64_t now_ms) {
  machine_->begin_height({height_, tip_id_, config_.schedule.midnight_ms(height_), config_.mempool});
  // Set-up with the block: a commit of this height is decoded into views reserved for a
  // block of this node's own content (the honest case); only a larger one allocates.
  commit_->block.reserve_transactions(machine_->own_transactions().size());
  body_->reserve_transactions(machine_->own_transactions().size());
  body_txs_->reserve_transactions(machine_->own_transactions().size());
  begun_ = true;
  started_ = false;
  journaled_lock_ = {};
  start_rounds(now_ms);
}

// The machine decided height_: store the commit (before anything else of this step is
// released, so a restart finds it), then move on to the next height.
void NodeHost::on_decided(std::uint64_t now_ms, bool adopted) {
  const auto d = machine_->decision();
  MIDNIGHT_INVARIANT(d.has_value());
  if (!d) return;
  MessageBytes commit = encode_decision(*d);
  out_.decided.push_back(StoredCommit{height_, commit, adopted});
  block_store_.push_back(commit);
  decided_.push_back(Decided{d->block_id, d->round});
  // Nothing is broadcast (spec/protocol.md 7.3): a member that decided by its own quorum
  // needs no commit, and one that did not shows it, by a message of a later round or a
  // commit request, and is answered then.
  if (config_.version1_commit_traffic) broadcast(commit);
  tip_id_ = d->block_id;
  ++height_;
  begun_ = false;
  started_ = false;
  // The decided height is in the block store: its votes no longer need the journal,
  // those of this very step included (the caller stores the commit before it resets the
  // journal, and releases the votes only after both).
  out_.journal_reset = true;
  out_.journal_append.clear();
  journaled_lock_ = {};
  if (past_last_height()) return;
  begin_height(now_ms);
}

// Journal, then translate: the machine's actions become the host's, in order.
void NodeHost::after_step(std::uint64_t now_ms, const result<Actions>& r, const char* handler, bool from_commit) {
  if (!r) {
    reject(r.error(), handler);
    return;
  }
  append_step_frames(*machine_, r.value(), journaled_lock_, out_.journal_append, step_frames_);
  bool decided = false;
  for (const Action& a : r.value()) {
    switch (a.kind) {
      case ActionKind::broadcast_proposal:
        broadcast(shared_or_empty(encode_to_vector(a.proposal)));
        break;
      case ActionKind::broadcast_vote:
        broadcast(shared_or_empty(encode_to_vector(a.vote)));
        break;
      case ActionKind::broadcast_reproposal:
        if (const Reproposal* rp = machine_->reproposal()) broadcast(shared_or_empty(encode_to_vector(*rp)));
        break;
      case ActionKind::broadcast_polka:
        if (const CarriedPolka* polka = machine_->lock_polka()) broadcast(shared_or_empty(encode_to_vector(*polka)));
        break;
      case ActionKind::set_timer:
        set_timer(HostTimer{.kind = HostTimerKind::round, .round_timer = a.timer}, a.at_ms);
        break;
      case ActionKind::finalize:
        decided = true;
        break;
      case ActionKind::request_body:
      case ActionKind::send_body:
      case ActionKind::request_sketch:
      case ActionKind::request_transactions:
      case ActionKind::send_sketch:
      case ActionKind::send_transactions:
        if (MessageBytes bytes =
                encode_body_action(*machine_, config_.node.chain_id, height_, config_.node.keys, a, serving_)) {
          out_.actions.push_back(HostAction{.kind = HostActionKind::send, .bytes = std::move(bytes), .member = a.member});
        }
        break;
      case ActionKind::send_commit:
        if (const auto d = machine_->decision()) {
          out_.actions.push_back(
              HostAction{.kind = HostActionKind::send, .bytes = encode_decision(*d), .member = a.member});
        }
        break;
    }
  }
  if (decided) on_decided(now_ms, from_commit);
}

const HostOutput& NodeHost::handle_timer(std::uint64_t now_ms, const HostTimer& t) {
  reset_output("on_timer");
  if (t.kind == HostTimerKind::ask_again) {
    if (t.height == height_) request_commit(now_ms, height_, true);
    return out_;
  }
  if (t.kind == HostTimerKind::height_start) {
    if (t.height != height_ || started_) {
      reject(round_errc::stale_timer, "on_timer");
      return out_;
    }
    if (!begun_) begin_height(now_ms); else start_rounds(now_ms);
    return out_;
  }
  if (t.round_timer.height != height_ || !started_) {
    reject(round_errc::stale_timer, "on_timer");
    return out_;
  }
  const std::uint64_t height = height_;
  after_step(now_ms, machine_->on_timer(t.round_timer), "on_timer");
  // Rule "ask": a round ended and this height is still undecided here; someone may have
  // decided it without this node hearing. One small message a round, answered only by
  // decided members.
  if (!out_.error && t.round_timer.kind == TimerKind::round_end && height_ == height) {
    request_commit(now_ms, height, false);
  }
  return out_;
}

// ---- catch-up -----------------------------------------------------------------------

// Rule "ask": a signed request for the commit of `height`, at most once a round-0 length
// per height, so that a node hearing of a height it lacks does not flood its peers.
void NodeHost::request_commit(std::uint64_t now_ms, std::uint64_t height, bool behind) {
  const std::uint64_t interval = round_ms(config_.node.timing, 0);
  if (last_request_height_ == height && now_ms < last_request_ms_ + interval) return;
  if (behind) set_timer(HostTimer{.kind = HostTimerKind::ask_again, .height = height}, now_ms + interval);
  last_request_ms_ = now_ms;
  last_request_height_ = height;
  CommitRequest request;
  request.chain_id = config_.node.chain_id;
  request.height = height;
  request.requester = config_.node.keys.public_key;
  request = sign_commit_request(request, config_.node.keys.secret_key);
  broadcast(shared_or_empty(encode_to_vector(request)));
}

// Rule "answer": the stored commit of `height` to `member`, within its budget.
void NodeHost::answer_with_commit(std::uint64_t now_ms, std::size_t member, std::uint64_t height) {
  const MessageBytes* commit = commit_of(height);
  if (commit == nullptr || member == machine_->member_index() || config_.unsafe_no_catch_up) return;
  AnswerBudget& b = budgets_[member];
  const std::uint64_t window = kCommitAnswerWindowRounds * round_ms(config_.node.timing, 0);
  if (!b.open || now_ms >= b.window_start_ms + window || now_ms < b.window_start_ms) {
    b.open = true;
    b.window_start_ms = now_ms;
    b.used = 0;
  }
  // A height already answered in this window: the answer is on its way already (a node
  // that is behind sends its request and its stale votes together, and asks again for a
  // height whose answer crossed its request).
  const auto answered = std::span(b.heights).first(b.used);
  if (std::find(answered.begin(), answered.end(), height) != answered.end()) return;
  if (b.used >= kCommitAnswersPerWindow) return;
  b.heights[b.used] = height;
  ++b.used;
  out_.actions.push_back(HostAction{.kind = HostActionKind::send, .bytes = *commit, .member = member});
}

// Rule "answer", for a proposal or vote of a height this node has decided: only one of a
// round after the decision's shows that its sender missed the decision (it started a
// later round without it). A vote of the decision's round is most often a precommit of
// the quorum itself, arriving late: its sender decides from the same quorum, and an
// answer would be a commit it does not need (spec/protocol.md 7.3).
void NodeHost::answer_late(std::uint64_t now_ms, std::size_t member, std::uint64_t height, std::uint32_t round) {
  if (height < config_.schedule.first_height) return;
  if (round <= decided_[height - config_.schedule.first_height].round && !config_.version1_commit_traffic) return;
  answer_with_commit(now_ms, member, height);
}

// A valid message of a later height than ours: the others have decided ours.
void NodeHost::note_height(std::uint64_t now_ms, std::uint64_t height) {
  if (height > height_) request_commit(now_ms, height_, true);
}

// ---- messages -----------------------------------------------------------------------

const HostOutput& NodeHost::handle_message(std::uint64_t now_ms, std::span<const std::uint8_t> bytes) {
  reset_output("decode");
  dispatch(now_ms, bytes);
  return out_;
}

void NodeHost::dispatch(std::uint64_t now_ms, std::span<const std::uint8_t> bytes) {
  const auto type = peek_message_type(bytes);
  if (!type) return reject(type.error(), "decode");
  const Membership& m = *config_.node.membership;
  // The machine takes messages from the moment it has begun the height, before its
  // first round and also after a refused journal (it then only never starts a round).
  const bool live = begun_;
  switch (type.value()) {
    case MessageType::proposal: {
      auto p = decode_proposal(bytes);
      if (!p) return reject(p.error(), "decode");
      const std::uint64_t h = p.value().header.height;
      if (h == height_ && live) return after_step(now_ms, machine_->on_proposal(p.value()), "on_proposal");
      const auto proposer = m.index_of(p.value().header.proposer);
      if (!proposer || p.value().header.chain_id != config_.node.chain_id || !verify_proposal(p.value(), verifier())) {
        return reject(round_errc::bad_signature, "on_proposal");
      }
      if (h < height_) return answer_late(now_ms, *proposer, h, p.value().header.round);
      return note_height(now_ms, h);
    }
    case MessageType::vote: {
      auto v = decode_vote(bytes);
      if (!v) return reject(v.error(), "decode");
      const std::uint64_t h = v.value().height;
      if (h == height_ && live) return after_step(now_ms, machine_->on_vote(v.value()), "on_vote");
      const auto voter = m.index_of(v.value().voter);
      if (!voter || v.value().chain_id != config_.node.chain_id || !verify_vote(v.value(), verifier())) {
        return reject(round_errc::bad_signature, "on_vote");
      }
      if (h < height_) return answer_late(now_ms, *voter, h, v.value().round);
      return note_height(now_ms, h);
    }
    case MessageType::polka: {
      if (auto r = decode_polka(bytes, *polka_, nullptr, m.size()); !r) return reject(r.error(), "decode");
      if (polka_->proposal.header.height != height_ || !live) return reject(round_errc::wrong_height, "on_polka");
      return after_step(now_ms, machine_->on_polka(*polka_), "on_polka");
    }
    case MessageType::reproposal: {
      if (auto r = decode_reproposal(bytes, *reproposal_, nullptr, m.size()); !r) return reject(r.error(), "decode");
      if (reproposal_->carried.proposal.header.height != height_ || !live) {
        return reject(round_errc::wrong_height, "on_reproposal");
      }
      return after_step(now_ms, machine_->on_reproposal(*reproposal_), "on_reproposal");
    }
    case MessageType::commit: {
      if (auto r = decode_commit(bytes, *commit_, nullptr, m.size()); !r) return reject(r.error(), "decode");
      const std::uint64_t h = commit_->certificate.height;
      // A commit of the height in progress decides it even before its midnight or after
      // a refused journal: adopting a certified block signs nothing.
      if (h == height_ && begun_) return after_step(now_ms, machine_->on_commit(*commit_), "on_commit", true);
      if (h >= height_) {
        if (h > height_) note_height(now_ms, h);
        return reject(round_errc::wrong_height, "on_commit");
      }
      if (h < config_.schedule.first_height) return reject(round_errc::wrong_height, "on_commit");
      // A commit of a height this node has decided: every member broadcasts its commit,
      // so the same block arrives again and again and is ignored unverified (as the
      // machine does within a height). Another block with a valid certificate would
      // break agreement: it is reported, and never stored.
      MIDNIGHT_INVARIANT(decided_.size() == height_ - config_.schedule.first_height);
      if (commit_->certificate.block_id == decided_[h - config_.schedule.first_height].block_id) return;
      if (verify_certificate(commit_->certificate, m, config_.node.chain_id, verifier()).has_value()) {
        return reject(round_errc::conflicting_commit, "on_commit");
      }
      return reject(round_errc::bad_certificate, "on_commit");
    }
    case MessageType::commit_request: {
      auto c = decode_commit_request(bytes);
      if (!c) return reject(c.error(), "decode");
      const auto requester = m.index_of(c.value().requester);
      if (c.value().chain_id != config_.node.chain_id) return reject(round_errc::wrong_chain, "on_commit_request");
      if (!requester) return reject(round_errc::not_a_member, "on_commit_request");
      if (!verify_commit_request(c.value(), verifier())) return reject(round_errc::bad_signature, "on_commit_request");
      return answer_with_commit(now_ms, *requester, c.value().height);
    }
    case MessageType::block: {
      // A body, answering our body request (spec/protocol.md 5.7).
      if (auto r = decode_block(bytes, *body_); !r) return reject(r.error(), "decode");
      if (body_->header.height != height_ || !live) return reject(round_errc::wrong_height, "on_body");
      return after_step(now_ms, machine_->on_body(*body_), "on_body");
    }
    case MessageType::body_request: {
      auto b = decode_body_request(bytes);
      if (!b) return reject(b.error(), "decode");
      if (b.value().height != height_ || !live) return reject(round_errc::wrong_height, "on_body_request");
      return after_step(now_ms, machine_->on_body_request(b.value()), "on_body_request");
    }
    case MessageType::reconcile_request: {
      auto q = decode_reconcile_request(bytes);
      if (!q) return reject(q.error(), "decode");
      if (q.value().height != height_ || !live) return reject(round_errc::wrong_height, "on_reconcile_request");
      serving_ = &q.value();
      after_step(now_ms, machine_->on_reconcile_request(q.value()), "on_reconcile_request");
      serving_ = nullptr;
      return;
    }
    case MessageType::body_sketch: {
      auto sk = decode_body_sketch(bytes);
      if (!sk) return reject(sk.error(), "decode");
      if (sk.value().height != height_ || !live) return reject(round_errc::wrong_height, "on_body_sketch");
      return after_step(now_ms, machine_->on_body_sketch(sk.value()), "on_body_sketch");
    }
    case MessageType::body_transactions: {
      if (auto r = decode_body_transactions(bytes, *body_txs_); !r) return reject(r.error(), "decode");
      if (body_txs_->height != height_ || !live) return reject(round_errc::wrong_height, "on_body_transactions");
      return after_step(now_ms, machine_->on_body_transactions(*body_txs_), "on_body_transactions");
    }
    default:
      return reject(codec_errc::wrong_message_type, "decode");  // a part, never sent alone
  }
}

}  // namespace midnight
