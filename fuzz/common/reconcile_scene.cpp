#include "common/reconcile_scene.hpp"

#include <memory>
#include <optional>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/body_messages.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::fuzz {

namespace {

// The single action of `kind` among `actions`, or none.
std::optional<Action> action_of(const result<Actions>& r, ActionKind kind) {
  if (!r) return std::nullopt;
  for (const Action& a : r.value())
    if (a.kind == kind) return a;
  return std::nullopt;
}

// The bytes node `node`'s host sends for action `a` of machine `m` (`serving`: the request
// being answered).
std::vector<std::uint8_t> bytes_of(const RoundMachine& m, std::size_t node, const Action& a,
                                   const ReconcileRequest* serving = nullptr) {
  const FuzzWorld& w = fuzz_world();
  const auto bytes = encode_body_action(m, w.chain, kFuzzHeight, w.keys.at(node), a, serving);
  MIDNIGHT_FUZZ_CHECK(bytes != nullptr, "reconcile scene: an action of the fetch sends nothing");
  return *bytes;
}

ReconcileScene build_scene() {
  const FuzzWorld& w = fuzz_world();
  ReconcileScene s;
  for (std::size_t i = 0; i < kReconcilePool; ++i) {
    // "rc", the index big-endian, four zeros: distinct, and nothing like a coinbase.
    s.pool.push_back({0x72, 0x63, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 0, 0, 0, 0});
  }
  const std::vector<TxBytes> mine = pool_views(s, 0, kReconcileHave);
  const std::vector<TxBytes> theirs = pool_views(s, kReconcileShift, kReconcilePool);
  // The first (requester, server) pair in which the requester fetches the server's body:
  // it does when the server's round-0 block ranks above its own (policy A: a lower id).
  for (std::size_t server = 0; server < kFuzzMembers && !s.awaiting_sketch; ++server) {
    RoundMachine served = make_fuzz_machine(server, true, nullptr, theirs);
    const Proposal* proposal = served.proposal_of(0, w.membership.index_of(w.keys[server].public_key).value());
    MIDNIGHT_FUZZ_CHECK(proposal != nullptr, "reconcile scene: a started machine holds no proposal of its own");
    for (std::size_t requester = 0; requester < kFuzzMembers; ++requester) {
      if (requester == server) continue;
      RoundMachine m = make_fuzz_machine(requester, true, nullptr, mine);
      const auto request = action_of(m.on_proposal(*proposal), ActionKind::request_sketch);
      if (!request) continue;
      s.requester = requester;
      s.server = server;
      s.proposal = *proposal;
      s.block_id = compute_block_id(proposal->header);
      s.sketch_request = bytes_of(m, requester, *request);
      s.awaiting_sketch.emplace(m);
      s.serving.emplace(served);
      break;
    }
  }
  MIDNIGHT_FUZZ_CHECK(s.awaiting_sketch.has_value(), "reconcile scene: no machine fetches another's body");

  // The server answers the sketch request with a sketch, the requester asks for what it
  // lacks, the server sends it: each step on copies, so that the stages stay as they were.
  RoundMachine server = *s.serving;
  RoundMachine requester = *s.awaiting_sketch;
  const auto sketch_request = decode_reconcile_request(s.sketch_request);
  MIDNIGHT_FUZZ_CHECK(sketch_request.has_value(), "reconcile scene: the sketch request does not decode");
  const auto send_sketch = action_of(server.on_reconcile_request(sketch_request.value()), ActionKind::send_sketch);
  MIDNIGHT_FUZZ_CHECK(send_sketch.has_value(), "reconcile scene: the server does not answer with a sketch");
  s.sketch = bytes_of(server, s.server, *send_sketch);
  const auto sketch = decode_body_sketch(s.sketch);
  MIDNIGHT_FUZZ_CHECK(sketch.has_value(), "reconcile scene: the sketch does not decode");
  const auto request_transactions =
      action_of(requester.on_body_sketch(sketch.value()), ActionKind::request_transactions);
  MIDNIGHT_FUZZ_CHECK(request_transactions.has_value(), "reconcile scene: the sketch does not lead to a transactions request");
  s.transactions_request = bytes_of(requester, s.requester, *request_transactions);
  s.awaiting_transactions.emplace(requester);
  const auto transactions_request = decode_reconcile_request(s.transactions_request);
  MIDNIGHT_FUZZ_CHECK(transactions_request.has_value(), "reconcile scene: the transactions request does not decode");
  const auto send_transactions =
      action_of(server.on_reconcile_request(transactions_request.value()), ActionKind::send_transactions);
  MIDNIGHT_FUZZ_CHECK(send_transactions.has_value(), "reconcile scene: the server does not send transactions");
  s.transactions = bytes_of(server, s.server, *send_transactions, &transactions_request.value());
  // The transactions complete the body: the requester holds the server's block after them.
  auto view = std::make_unique<BodyTransactionsView>();
  view->reserve_transactions(kReconcileShift);
  MIDNIGHT_FUZZ_CHECK(decode_body_transactions(s.transactions, *view).has_value(),
                      "reconcile scene: the transactions do not decode");
  MIDNIGHT_FUZZ_CHECK(requester.on_body_transactions(*view).has_value() &&
                          requester.holds_body(s.proposal.header.merkle_root),
                      "reconcile scene: the transactions do not complete the server's body");
  return s;
}

}  // namespace

const ReconcileScene& reconcile_scene() {
  static const ReconcileScene scene = build_scene();
  return scene;
}

std::vector<TxBytes> pool_views(const ReconcileScene& scene, std::size_t first, std::size_t last) {
  std::vector<TxBytes> out;
  for (std::size_t i = first; i < last; ++i) out.emplace_back(scene.pool[i]);
  return out;
}

}  // namespace midnight::fuzz
