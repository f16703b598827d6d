// The helpers every vector family shares (common.hpp): fixed inputs, keys, the JSON
// helpers and the membership of seeds 1..n.
#include "common.hpp"

#include <stdexcept>
#include <utility>

#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

// ---- errors of the generator itself --------------------------------------------------------
[[noreturn]] void broken(const std::string& what) { throw std::logic_error("vectors: " + what); }
void require(bool ok, const std::string& what) {
  if (!ok) broken(what);
}

// ---- fixed inputs ------------------------------------------------------------------------------
std::span<const std::uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
Buf bytes_of(std::string_view s) { return Buf(s.begin(), s.end()); }
Hash32 hash_ascii(std::string_view s) { return sha256(ascii(s)); }
ChainId test_chain() { return hash_ascii(kChainAscii); }
BlockId genesis() { return hash_ascii(kGenesisAscii); }

Seed seed_of(std::uint8_t k) {
  Seed s;
  s.v.fill(k);
  return s;
}
Keypair keys_of(std::uint8_t k) { return keypair_from_seed(seed_of(k)); }
Seed vrf_seed_of(std::uint8_t k) {
  Seed s;
  s.v.fill(k);
  s.v[0] = 0x76;
  s.v[1] = 0x72;
  return s;
}
VrfKeypair vrf_keys_of(std::uint8_t k) { return vrf_keypair_from_seed(vrf_seed_of(k)); }

PublicKey identity_encoding() {
  PublicKey k{};
  k.v[0] = 0x01;
  return k;
}
PublicKey y_equal_p_encoding() {
  PublicKey k;
  k.v.fill(0xff);
  k.v[0] = 0xed;
  k.v[31] = 0x7f;
  return k;
}
PublicKey first_off_curve_encoding() {
  for (std::uint8_t y = 2; y < 255; ++y) {
    PublicKey p{};
    p.v[0] = y;
    if (ecvrf_detail::string_to_point(p) == ecvrf_detail::point_decoding::not_on_curve) return p;
  }
  broken("no off-curve y below 255");
}
Destination destination_of(std::uint8_t k) {
  Destination d;
  d.v.fill(static_cast<std::uint8_t>(0xd0 + k));
  return d;
}

Vote spec_example_vote(VoteStep step, bool approve, bool nil) {
  const Keypair k = keys_of(1);
  Vote v;
  v.chain_id = test_chain();
  v.height = kHeight;
  v.round = 0;
  v.step = step;
  v.block_id = nil ? BlockId{} : hash_ascii(kBlockAscii);
  v.approve = approve;
  v.voter = k.public_key;
  return sign_vote(v, k.secret_key);
}

// ---- byte strings --------------------------------------------------------------------------------
Buf append(Buf b, std::span<const std::uint8_t> more) {
  b.insert(b.end(), more.begin(), more.end());
  return b;
}
void put_u32(Buf& b, std::size_t at, std::uint32_t x) { store_u32(b.data() + at, x); }

// ---- JSON helpers ------------------------------------------------------------------------------
namespace {

// Byte strings longer than this are written as segments (see write_bytes).
constexpr std::size_t kInlineBytes = 4096;
// Runs of one repeated byte at least this long become one segment.
constexpr std::size_t kMinRun = 32;


}  // namespace

void write_bytes(JsonWriter& w, std::span<const std::uint8_t> b) {
  if (b.size() <= kInlineBytes) {
    w.value(to_hex(b));
    return;
  }
  w.begin_object(true);
  w.field("size", b.size());
  w.field("sha256", to_hex(sha256(b)));
  w.key("segments").begin_array(true);
  std::size_t i = 0;
  std::size_t literal = 0;  // start of the pending literal stretch
  const auto flush_literal = [&](std::size_t end) {
    if (end > literal) {
      w.begin_object(true).field("hex", to_hex(b.subspan(literal, end - literal))).field("repeat", 1).end_object();
    }
  };
  while (i < b.size()) {
    std::size_t j = i;
    while (j < b.size() && b[j] == b[i]) ++j;
    if (j - i >= kMinRun) {
      flush_literal(i);
      w.begin_object(true).field("hex", to_hex(b.subspan(i, 1))).field("repeat", j - i).end_object();
      literal = j;
    }
    i = j;
  }
  flush_literal(b.size());
  w.end_array();
  w.end_object();
}
void bytes_field(JsonWriter& w, std::string_view key, std::span<const std::uint8_t> b) {
  w.key(key);
  write_bytes(w, b);
}

// {"sha256_of_ascii": S, "hex": H}: a 32-byte value derived from an ASCII string.
void derived_field(JsonWriter& w, std::string_view key, std::string_view source) {
  w.key(key).begin_object(true);
  w.field("sha256_of_ascii", source);
  w.field("hex", to_hex(hash_ascii(source)));
  w.end_object();
}

void begin_family(JsonWriter& w, std::string_view name, std::string_view description,
                  std::initializer_list<std::string_view> notes) {
  w.begin_object();
  w.field("family", name);
  w.field("format_version", kFormatVersion);
  w.field("description", description);
  w.key("notes").begin_array();
  for (std::string_view n : notes) w.value(n);
  w.end_array();
}

CaseFlags::CaseFlags(std::string_view family, std::initializer_list<FlagDefinition> definitions)
    : family_(family), definitions_(definitions), used_(definitions_.size(), false) {
  for (std::size_t i = 0; i < definitions_.size(); ++i) {
    require(!definitions_[i].name.empty() && !definitions_[i].meaning.empty(),
            family_ + ": a flag without a name or meaning");
    for (std::size_t j = 0; j < i; ++j)
      require(definitions_[j].name != definitions_[i].name,
              family_ + ": flag '" + std::string(definitions_[i].name) + "' defined twice");
  }
}
void CaseFlags::write_definitions(JsonWriter& w) const {
  w.key("flags").begin_object();
  for (const FlagDefinition& d : definitions_) w.field(d.name, d.meaning);
  w.end_object();
}
void CaseFlags::write_case(JsonWriter& w, bool valid, std::span<const std::string_view> flags) {
  require(!flags.empty(), family_ + ": a case without flags");
  w.field("result", valid ? "valid" : "invalid");
  w.key("flags").begin_array(true);
  for (std::size_t i = 0; i < flags.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      require(flags[j] != flags[i], family_ + ": flag '" + std::string(flags[i]) + "' twice on one case");
    std::size_t k = 0;
    while (k < definitions_.size() && definitions_[k].name != flags[i]) ++k;
    require(k < definitions_.size(), family_ + ": flag '" + std::string(flags[i]) + "' used but not defined");
    used_[k] = true;
    w.value(flags[i]);
  }
  w.end_array();
}
void CaseFlags::require_all_used() const {
  for (std::size_t k = 0; k < definitions_.size(); ++k)
    require(used_[k], family_ + ": flag '" + std::string(definitions_[k].name) + "' defined but used by no case");
}

void write_tx_list(JsonWriter& w, std::string_view key, std::span<const TxBytes> txs) {
  w.key(key).begin_array();
  for (const TxBytes& tx : txs) write_bytes(w, tx);
  w.end_array();
}

void write_timing(JsonWriter& w, const RoundTiming& t) {
  w.key("timing").begin_object(true);
  w.field("collect_ms", t.collect_ms).field("prevote_ms", t.prevote_ms).field("precommit_ms", t.precommit_ms);
  w.field("increment_ms", t.increment_ms);
  w.end_object();
}

void write_mempool(JsonWriter& w, std::span<const Buf> mempool) {
  w.key("mempool").begin_array();
  for (const Buf& tx : mempool) write_bytes(w, tx);
  w.end_array();
}

// ---- encoding and decoding helpers ---------------------------------------------------------------
Buf unwrap(result<Buf> encoded) {
  require(encoded.has_value(), encoded ? "" : "encode failed: " + encoded.error().message());
  return std::move(encoded).value();
}

Members make_members(std::span<const std::uint64_t> weights) {
  Members m;
  std::vector<Masternode> nodes;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto k = static_cast<std::uint8_t>(i + 1);
    m.seeds.push_back(k);
    m.keys.push_back(keys_of(k));
    m.weights.push_back(weights[i]);
    nodes.push_back({m.keys.back().public_key, vrf_keys_of(k).public_key, destination_of(k), weights[i]});
  }
  auto made = Membership::make(nodes);
  require(made.has_value(), "membership");
  m.membership = made.value();
  return m;
}

// The membership in input order (seed k), then its canonical order.
void write_members(JsonWriter& w, const Members& m) {
  w.key("members").begin_array();
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    const auto k = m.seeds[i];
    w.begin_object(true);
    w.field("seed", to_hex(seed_of(k)));
    w.field("public_key", to_hex(m.keys[i].public_key));
    w.field("vrf_seed", to_hex(vrf_seed_of(k)));
    w.field("vrf_key", to_hex(vrf_keys_of(k).public_key));
    w.field("reward_to", to_hex(destination_of(k)));
    w.field("weight", m.weights[i]);
    w.field("member_index", *m.membership.index_of(m.keys[i].public_key));
    w.end_object();
  }
  w.end_array();
  w.field("total_weight", m.membership.total_weight());
  w.field("quorum_threshold", m.membership.quorum());
}

}  // namespace midnight::cli::vectors
