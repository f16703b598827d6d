#include "midnight/sim/node_log_writer.hpp"

#include "midnight/core/bytes.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::sim {

namespace {

// The certificate's body is the start of a commit's body (encoding.md §3.8): its size is
// read from its count, so the certificate is cut out without decoding the block.
std::size_t certificate_body_size(std::span<const std::uint8_t> commit) {
  constexpr std::size_t count_at = kPrefixSize + kCertificateFixedSize - 2;
  if (commit.size() < count_at + 2) return 0;
  const std::size_t size = kCertificateFixedSize + load_u16(commit.data() + count_at) * kCertificateEntrySize;
  return commit.size() >= kPrefixSize + size ? size : 0;
}

bool elided(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kPrefixSize) return false;
  const std::uint8_t type = bytes[1];
  if (type == static_cast<std::uint8_t>(MessageType::commit)) return bytes.size() > kLoggedCommitMax;
  return type == static_cast<std::uint8_t>(MessageType::block) ||
         (type >= static_cast<std::uint8_t>(MessageType::body_request) &&
          type <= static_cast<std::uint8_t>(MessageType::body_transactions));
}

}  // namespace

void NodeLogWriter::begin(const SimConfig& config, const World& world, const std::vector<bool>& /*honest*/) {
  config_ = &config;
  world_ = &world;
  height_.assign(config.nodes, 0);
  for (std::size_t i = 0; i < config.nodes && i < out_.size(); ++i) {
    *out_[i] << "midnight-log 1\nnode " << to_hex(world.keys[i].public_key) << "\n";
    write_height(i, kSimHeight, world.prev_id);
  }
}

void NodeLogWriter::write_height(std::size_t node, std::uint64_t height, const BlockId& prev) {
  std::ostream& o = *out_[node];
  const ChainSchedule s = sim_schedule(*config_, *world_);
  const RoundTiming& t = config_->timing;
  o << "height " << height << ' ' << to_hex(world_->chain) << ' ' << to_hex(prev) << ' ' << s.midnight_ms(height)
    << ' ' << t.collect_ms << ' ' << t.prevote_ms << ' ' << t.precommit_ms << ' ' << t.increment_ms << ' '
    << config_->reward_per_height << ' ' << world_->membership.size() << '\n';
  for (const Masternode& m : world_->membership.members())
    o << "member " << to_hex(m.key) << ' ' << to_hex(m.vrf_key) << ' ' << to_hex(m.reward_to) << ' ' << m.weight
      << '\n';
  height_[node] = height;
}

void NodeLogWriter::write_message(std::ostream& o, std::span<const std::uint8_t> bytes) {
  if (elided(bytes)) {
    static constexpr char kHex[] = "0123456789abcdef";
    o << '-' << kHex[bytes[1] >> 4] << kHex[bytes[1] & 0xf] << ':' << bytes.size();
  } else {
    o << to_hex(bytes);
  }
}

void NodeLogWriter::on_send(std::uint64_t now_ms, std::size_t from, std::size_t to,
                            std::span<const std::uint8_t> bytes) {
  write_transfer(from, "sent ", now_ms, to, bytes);
}

void NodeLogWriter::on_deliver(std::uint64_t now_ms, std::size_t from, std::size_t to,
                               std::span<const std::uint8_t> bytes) {
  write_transfer(to, "recv ", now_ms, from, bytes);
}

void NodeLogWriter::write_transfer(std::size_t node, const char* record, std::uint64_t now_ms, std::size_t peer,
                                   std::span<const std::uint8_t> bytes) {
  if (node >= out_.size()) return;
  std::ostream& o = *out_[node];
  o << record << now_ms << ' ' << to_hex(world_->keys[peer].public_key) << ' ';
  write_message(o, bytes);
  o << '\n';
}

void NodeLogWriter::on_decide(std::uint64_t now_ms, std::size_t node, std::uint64_t height,
                              std::span<const std::uint8_t> commit) {
  if (node >= out_.size()) return;
  const std::size_t size = certificate_body_size(commit);
  if (size == 0) return;  // not a commit: the judge reports it (simulator.cpp)
  std::ostream& o = *out_[node];
  const std::uint8_t prefix[kPrefixSize] = {commit[0], static_cast<std::uint8_t>(MessageType::certificate)};
  o << "decided " << now_ms << ' ' << to_hex(prefix) << to_hex(commit.subspan(kPrefixSize, size)) << '\n';
  // The block id, the certificate's, is the parent of the next height.
  constexpr std::size_t id_at = kPrefixSize + 32 + 8 + 4;
  BlockId id;
  std::copy(commit.begin() + id_at, commit.begin() + id_at + 32, id.v.begin());
  const std::uint64_t last = kSimHeight + config_->heights - 1;
  if (height == height_[node] && height < last) write_height(node, height + 1, id);
}

void NodeLogWriter::on_restart(std::uint64_t now_ms, std::size_t node) {
  if (node < out_.size()) *out_[node] << "restart " << now_ms << '\n';
}

}  // namespace midnight::sim
