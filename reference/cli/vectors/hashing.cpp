// hashing.json: SHA-256, the domain tags, transaction ids, block ids and RFC 6962 Merkle
// roots.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

constexpr const char* kOtherChainAscii = "midnight-other-chain";

}  // namespace

void write_hashing(JsonWriter& w) {
  begin_family(w, "hashing",
               "SHA-256, domain tags, transaction ids, block ids and RFC 6962 Merkle roots (spec/encoding.md §6).",
               {"All byte strings are lower-case hex; integers are JSON numbers.",
                "txid = SHA-256(tag_txid || chain_id || tx bytes).",
                "block_id = SHA-256(tag_block || header body), the header body being the 150 bytes of §3.3.",
                "Merkle roots are RFC 6962 §2.1 tree hashes over the leaves' bytes (no duplication of an odd node)."});

  w.key("sha256").begin_array();
  for (std::string_view s : {std::string_view(""), std::string_view("abc"),
                             std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                             std::string_view(kChainAscii), std::string_view(kOtherChainAscii),
                             std::string_view(kGenesisAscii), std::string_view(kBlockAscii)}) {
    w.begin_object(true);
    w.field("input_ascii", s);
    w.field("input_hex", to_hex(ascii(s)));
    w.field("sha256", to_hex(sha256(ascii(s))));
    w.end_object();
  }
  {
    Buf all(256);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
    w.begin_object(true).field("input_hex", to_hex(all)).field("sha256", to_hex(sha256(all))).end_object();
  }
  w.end_array();

  w.key("tags").begin_array();
  for (const auto& [name, t] : tag::kAll) {
    w.begin_object(true);
    w.field("name", name);
    w.field("ascii_without_nul", t.substr(0, t.size() - 1));
    w.field("hex", to_hex(ascii(t)));
    w.end_object();
  }
  w.end_array();

  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "other_chain_id", kOtherChainAscii);

  w.key("txid").begin_array();
  const ChainId chain = test_chain();
  const ChainId other = hash_ascii(kOtherChainAscii);
  Buf hundred(100);
  for (std::size_t i = 0; i < hundred.size(); ++i) hundred[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const std::pair<ChainId, Buf> txid_cases[] = {
      {chain, Buf{0x00}}, {chain, bytes_of("hello")}, {other, bytes_of("hello")}, {chain, hundred}};
  for (const auto& [c, tx] : txid_cases) {
    Buf preimage(tag::kTxId.begin(), tag::kTxId.end());
    preimage.insert(preimage.end(), c.v.begin(), c.v.end());
    preimage.insert(preimage.end(), tx.begin(), tx.end());
    const TxId id = compute_txid(c, tx);
    require(id == sha256(preimage), "txid preimage");
    w.begin_object(true);
    w.field("chain_id", to_hex(c));
    w.field("tx_hex", to_hex(tx));
    w.field("preimage_hex", to_hex(preimage));
    w.field("txid", to_hex(id));
    w.end_object();
  }
  w.end_array();

  w.key("block_id").begin_array();
  const BlockHeader headers[] = {
      make_header(chain, kHeight, 0, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs, keys_of(1).public_key),
      make_header(chain, kHeight, 1, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs + 3000,
                  keys_of(1).public_key),
      make_header(other, 1'234'567'890'123ULL, 15, parse_hex<32>(std::string(64, 'f')), Hash32{},
                  0x0011'2233'4455'6677ULL, keys_of(2).public_key)};
  for (const BlockHeader& h : headers) {
    std::array<std::uint8_t, kHeaderBodySize> body{};
    encode_header_body(h, body);
    w.begin_object();
    w.key("header");
    write_header(w, h);
    w.field("header_body_hex", to_hex(body));
    w.field("block_id", to_hex(compute_block_id(h)));
    w.end_object();
  }
  w.end_array();

  // Leaf i: i + 1 bytes of value 0xa0 + i.
  std::vector<Buf> leaves;
  for (std::size_t i = 0; i < 8; ++i) leaves.emplace_back(i + 1, static_cast<std::uint8_t>(0xa0 + i));
  std::vector<TxBytes> views(leaves.begin(), leaves.end());
  w.key("merkle").begin_object();
  w.key("leaves_hex").begin_array(true);
  for (const Buf& l : leaves) w.value(to_hex(l));
  w.end_array();
  w.key("leaf_hashes").begin_array();
  for (const Buf& l : leaves) w.value(to_hex(merkle_leaf_hash(l)));
  w.end_array();
  w.key("roots").begin_array();
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    w.begin_object(true).field("n", n).field("root", to_hex(merkle_root(std::span(views).first(n)))).end_object();
  }
  w.end_array();
  require(to_hex(merkle_root({})) == to_hex(sha256({})), "empty merkle root is SHA-256 of nothing");
  // An odd node is not paired with itself: [a, b, c] and [a, b, c, c] differ.
  const TxBytes abcc[] = {views[0], views[1], views[2], views[2]};
  w.key("no_duplication").begin_array();
  const std::span<const TxBytes> sets[] = {std::span<const TxBytes>(views).first(3), abcc};
  for (const std::span<const TxBytes> set : sets) {
    w.begin_object(true);
    w.key("leaves_hex").begin_array(true);
    for (const TxBytes& l : set) w.value(to_hex(l));
    w.end_array();
    w.field("root", to_hex(merkle_root(set)));
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.end_object();
}

}  // namespace midnight::cli::vectors
