// block_building.json: the block content a membership, a reward and a mempool determine,
// and the approval by validity of bodies other members send.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../error_names.hpp"
#include "../vector_rules.hpp"
#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "rules.hpp"
#include "midnight/block/body_check.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"

namespace midnight::cli::vectors {

namespace {

// SHA-256 over the concatenated txids of `txs`, in their order: a long list, checked whole.
Hash32 txids_digest(const ChainId& chain, std::span<const TxBytes> txs) {
  Sha256 h;
  for (const TxBytes& tx : txs) h.update(compute_txid(chain, tx).span());
  return h.finish();
}

void write_content(JsonWriter& w, const ChainId& chain, const BlockContent& c, bool with_txids) {
  w.field("coinbase_hex", to_hex(c.txs.front()));
  w.field("tx_count", c.views.size());
  w.field("mempool_bytes", c.mempool_bytes);
  if (with_txids) {
    w.key("transactions").begin_array();
    for (std::size_t i = 0; i < c.views.size(); ++i) {
      w.begin_object(true);
      w.field("index", i);
      w.field("txid", to_hex(compute_txid(chain, c.views[i])));
      bytes_field(w, "bytes", c.views[i]);
      w.end_object();
    }
    w.end_array();
  } else {
    write_tx_list(w, "transactions", c.views);
  }
  w.field("merkle_root", to_hex(c.merkle_root));
}

// Approval by validity (spec/protocol.md §3.4): bodies another member sends, checked by a
// node whose own mempool differs. Each case's verdict is the library's, and required to
// be the one the case is about.
void write_approvals(JsonWriter& w, const ChainId& chain, const Members& m, std::uint64_t reward) {
  const FirstByteBdIsInvalid validity;
  const std::vector<Buf> own_pool = {bytes_of("alpha"), bytes_of("bravo"), bytes_of("charlie")};
  const std::vector<Buf> their_pool = {bytes_of("alpha"), bytes_of("bravo"), bytes_of("delta"), bytes_of("echo")};
  const std::vector<TxBytes> own_views(own_pool.begin(), own_pool.end());
  const std::vector<TxBytes> their_views(their_pool.begin(), their_pool.end());
  const BlockContent own = build_block_content(chain, kHeight, m.membership, reward, own_views, {}, &validity);
  const BlockContent theirs = build_block_content(chain, kHeight, m.membership, reward, their_views, {}, &validity);
  require(own.merkle_root != theirs.merkle_root, "approvals: the two mempools build different blocks");
  const auto as_bufs = [](std::span<const TxBytes> txs) {
    std::vector<Buf> out;
    for (const TxBytes tx : txs) out.emplace_back(tx.begin(), tx.end());
    return out;
  };
  const auto root_of = [](const std::vector<Buf>& body) {
    const std::vector<TxBytes> v(body.begin(), body.end());
    return merkle_root(v);
  };
  // A body in canonical order (coinbase first, then ascending txid) from transactions.
  const auto canonical = [&](Buf coinbase, std::vector<Buf> rest) {
    sort_by_txid(chain, rest);
    rest.insert(rest.begin(), std::move(coinbase));
    return rest;
  };
  w.key("approvals").begin_array();
  const auto add = [&](std::string_view name, const std::vector<Buf>& body, const Hash32& root,
                       std::optional<body_errc> expected) {
    const std::vector<TxBytes> views(body.begin(), body.end());
    const auto verdict = check_block_body(chain, views, root, own.views[0], &validity);
    require(expected ? (!verdict && verdict.error() == *expected) : verdict.has_value(),
            "approvals: " + std::string(name) + ": the library's verdict is not the case's");
    w.begin_object();
    w.field("name", name);
    w.key("checking_node_mempool").begin_array();
    for (const Buf& tx : own_pool) write_bytes(w, tx);
    w.end_array();
    w.field("checking_node_merkle_root", to_hex(own.merkle_root));
    w.field("reward", reward);
    w.key("body").begin_array();
    for (const Buf& tx : body) write_bytes(w, tx);
    w.end_array();
    w.field("merkle_root", to_hex(root));
    w.key("expected").begin_object(true);
    if (expected) w.field("error", body_errc_name(*expected)); else w.field("holds", true);
    w.end_object();
    w.end_object();
  };
  const std::vector<Buf> valid = as_bufs(theirs.views);
  add("another member's block, built from a mempool that differs from the checking node's", valid, theirs.merkle_root,
      std::nullopt);
  add("the checking node's own block", as_bufs(own.views), own.merkle_root, std::nullopt);
  {
    std::vector<Buf> rest(valid.begin() + 1, valid.end());
    rest.push_back(Buf{0xbd, 0x01});
    const std::vector<Buf> body = canonical(valid[0], rest);
    add("a transaction the predicate rejects (first byte 0xbd), in canonical order, under its own root", body,
        root_of(body), body_errc::invalid_transaction);
  }
  {
    std::vector<Buf> body = valid;
    std::swap(body[1], body[2]);
    add("two transactions out of txid order, under that order's root", body, root_of(body),
        body_errc::not_canonical_order);
  }
  {
    // The coinbase, the first transaction twice, then the rest.
    std::vector<Buf> body(valid.begin(), valid.begin() + 2);
    body.push_back(valid[1]);
    for (std::size_t i = 2; i < valid.size(); ++i) body.push_back(valid[i]);
    add("a transaction twice, under that list's root", body, root_of(body), body_errc::not_canonical_order);
  }
  {
    std::vector<Buf> body = valid;
    body[0] = build_coinbase(chain, kHeight, m.membership, reward + 1);
    add("the coinbase of another reward, under that body's root", body, root_of(body), body_errc::bad_coinbase);
  }
  {
    std::vector<Buf> body = valid;
    body.push_back(Buf{});
    add("an empty transaction after the coinbase", body, root_of(body), body_errc::bad_transaction_size);
  }
  const std::vector<Buf> no_transactions;
  add("no transaction at all", no_transactions, theirs.merkle_root, body_errc::no_coinbase);
  add("a valid body under another header's root (the checking node's own)", valid, own.merkle_root,
      body_errc::bad_merkle_root);
  {
    // The builder drops what the predicate rejects: a node whose mempool holds such a
    // transaction builds the block without it, which every member then holds.
    std::vector<Buf> pool = own_pool;
    pool.push_back(Buf{0xbd, 0x02});
    const std::vector<TxBytes> v(pool.begin(), pool.end());
    const BlockContent built = build_block_content(chain, kHeight, m.membership, reward, v, {}, &validity);
    require(built.merkle_root == own.merkle_root, "approvals: the builder drops what the predicate rejects");
    add("a block built from a mempool holding an invalid transaction: the builder dropped it", as_bufs(built.views),
        built.merkle_root, std::nullopt);
  }
  w.end_array();
}


}  // namespace

void write_block_building(JsonWriter& w) {
  begin_family(w, "block_building",
               "Deterministic block content (spec/protocol.md §3): a membership, a reward and a mempool in any order "
               "give one exact transaction list, coinbase and Merkle root.",
               {"Seed k is 32 bytes of value k; reward destination k is 32 bytes of value 0xd0 + k.",
                "Members are listed in input order; member_index is the canonical index (ascending public key).",
                "Drop empty transactions and those above 65536 bytes; deduplicate by txid; sort ascending by txid; "
                "keep the longest prefix with at most 2097152 transactions and 268435456 bytes (stop at the first that "
                "does not fit); prepend the coinbase.",
                "coinbase = tag_coinbase || chain_id || height u64 || member count u16 || per canonical member "
                "(reward_to 32 || amount u64).",
                "amount of member i = floor(R * w_i / W), and one more unit for members 0 .. r-1 where r = R - sum of "
                "the floors.",
                "transactions lists the block in order: index 0 is the coinbase. merkle_root is RFC 6962 over them.",
                "A mempool too large to list is a mempool_rule; its expected block is given by tx_count, mempool_bytes, "
                "merkle_root and txids_sha256, the SHA-256 over the concatenated txids of the block's transactions in "
                "order (coinbase first).",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "approvals (spec/protocol.md §3.4, approval by validity): a node with its own mempool checks a body "
                "another member sent for a header with merkle_root; expected is {\"holds\": true} or {\"error\": "
                "body_errc name} of the first check that fails, in the order of §3.4. The validity predicate of these "
                "cases: a transaction is invalid exactly when its first byte is 0xbd. The checking node's coinbase "
                "is the one of this file's membership, height and the case's reward."});
  const ChainId chain = test_chain();
  derived_field(w, "chain_id", kChainAscii);
  w.field("height", kHeight);
  const Members m = make_members(kFixtureWeights);
  constexpr std::uint64_t kReward = 1003;

  w.key("cases").begin_array();
  // The main case: a mempool with duplicates, an empty and an oversized transaction.
  {
    const std::vector<Buf> mempool = {bytes_of("hello"),   Buf{},           bytes_of("midnight"),
                                      Buf(kMaxTransactionBytes + 1, 0x5a), bytes_of("hello"),
                                      bytes_of("alpha"),   bytes_of("bravo"), Buf(kMaxTransactionBytes, 0x5b),
                                      bytes_of("bravo"),   Buf{0x00},       bytes_of("charlie")};
    const std::vector<TxBytes> views(mempool.begin(), mempool.end());
    const BlockContent c = build_block_content(chain, kHeight, m.membership, kReward, views);
    const auto shares = split_reward(m.membership, kReward);
    w.begin_object();
    w.field("name", "mempool with duplicates, an empty and an oversized transaction, and one of exactly 65536 bytes");
    write_members(w, m);
    w.field("reward", kReward);
    write_mempool(w, mempool);
    w.key("expected").begin_object();
    w.key("rewards").begin_array();
    for (std::size_t i = 0; i < m.membership.size(); ++i) {
      const Masternode& mn = m.membership.member(i);
      w.begin_object(true);
      w.field("member_index", i);
      w.field("public_key", to_hex(mn.key));
      w.field("reward_to", to_hex(mn.reward_to));
      w.field("weight", mn.weight);
      w.field("amount", shares[i]);
      w.end_object();
    }
    w.end_array();
    write_content(w, chain, c, true);
    w.end_object();
    w.end_object();
  }
  // Mempools too large to list: each is a rule; the result is its count, bytes, Merkle
  // root and the SHA-256 over its txids in block order (coinbase first).
  const auto by_rule = [&](std::string_view name, const std::vector<Buf>& mempool, const std::string& rule,
                           const auto& extra) {
    const std::vector<TxBytes> views(mempool.begin(), mempool.end());
    const BlockContent c = build_block_content(chain, kHeight, m.membership, kReward, views);
    w.begin_object();
    w.field("name", name);
    write_members(w, m);
    w.field("reward", kReward);
    w.field("mempool_rule", rule);
    w.key("expected").begin_object();
    w.field("coinbase_hex", to_hex(c.txs.front()));
    w.field("tx_count", c.views.size());
    w.field("mempool_bytes", c.mempool_bytes);
    w.field("txids_sha256", to_hex(txids_digest(chain, c.views)));
    extra(c);
    w.field("merkle_root", to_hex(c.merkle_root));
    w.end_object();
    w.end_object();
  };
  // A day's block: 1,000,000 four-byte transactions, all kept.
  {
    const RuleMempool day = day_mempool();
    by_rule("a day's block: 1000000 transactions, all kept", day.txs, day.rule, [&](const BlockContent& c) {
      require(c.views.size() == 1'000'001, "a day's block keeps every transaction");
    });
  }
  // The count cap: 2^21 + 5 four-byte transactions; the 2^21 with the lowest txids are kept.
  {
    const RuleMempool over = count_cap_mempool();
    by_rule("count cap: 2097157 transactions, the 2097152 lowest txids are kept", over.txs, over.rule,
            [&](const BlockContent& c) {
              require(c.views.size() == kMaxBlockTransactions + 1, "count cap");
            });
  }
  // The byte cap: 8192 transactions of 65536 bytes (twice what fits) and seven one-byte
  // ones. The prefix stops at the first transaction (in txid order) that would pass
  // 268435456 bytes, about halfway; later ones are not taken even when they would fit.
  {
    const RuleMempool byte_cap = byte_cap_mempool();
    std::vector<Buf> sorted = byte_cap.txs;
    sort_by_txid(chain, sorted);
    by_rule("byte cap: the prefix stops at the first transaction that does not fit, never skipping ahead",
            byte_cap.txs, byte_cap.rule, [&](const BlockContent& c) {
              const std::size_t kept = c.views.size() - 1;
              std::size_t would_fit = 0;
              for (std::size_t i = kept + 1; i < sorted.size(); ++i)
                if (c.mempool_bytes + sorted[i].size() <= kMaxBlockTransactionBytes) ++would_fit;
              require(kept < sorted.size() && c.mempool_bytes + sorted[kept].size() > kMaxBlockTransactionBytes,
                      "byte cap");
              require(would_fit >= 1, "byte cap: a later transaction that would fit shows the prefix never skips ahead");
              w.field("first_excluded_txid", to_hex(compute_txid(chain, sorted[kept])));
              w.field("excluded_that_would_fit_alone", would_fit);
            });
  }
  w.end_array();
  write_approvals(w, chain, m, kReward);
  w.end_object();
}

}  // namespace midnight::cli::vectors
