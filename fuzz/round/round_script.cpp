#include "round/round_script.hpp"

namespace midnight::fuzz::round {

ScriptWriter::ScriptWriter(std::size_t preset, Options options) : preset_(preset % kPresetCount) {
  bytes_.push_back(static_cast<std::uint8_t>(preset_));
  bytes_.push_back(static_cast<std::uint8_t>((options.late_start ? 1U : 0U) | (options.first_to_quorum ? 2U : 0U) |
                                             (unsigned(options.mempool_order & 0x0FU) << 2) |
                                             (options.divergent ? 0x40U : 0U) |
                                             (options.vrf ? 0x80U : 0U)));
}

ScriptWriter& ScriptWriter::op(Op o, std::initializer_list<std::uint8_t> args) {
  bytes_.push_back(static_cast<std::uint8_t>(o));
  bytes_.insert(bytes_.end(), args.begin(), args.end());
  return *this;
}

ScriptWriter& ScriptWriter::deliver(std::uint8_t index) { return op(Op::deliver, {index}); }
ScriptWriter& ScriptWriter::deliver_all() { return op(Op::deliver_all, {}); }
ScriptWriter& ScriptWriter::drop(std::uint8_t index) { return op(Op::drop, {index}); }
ScriptWriter& ScriptWriter::duplicate(std::uint8_t index) { return op(Op::duplicate, {index}); }
ScriptWriter& ScriptWriter::fire_timer(std::uint8_t node, std::uint8_t index) {
  return op(Op::fire_timer, {node, index});
}
ScriptWriter& ScriptWriter::tick() { return op(Op::tick, {}); }
ScriptWriter& ScriptWriter::start_round(std::uint8_t node) { return op(Op::start_round, {node}); }
ScriptWriter& ScriptWriter::partition(std::uint8_t side_mask) { return op(Op::partition, {side_mask}); }
ScriptWriter& ScriptWriter::heal() { return op(Op::heal, {}); }
ScriptWriter& ScriptWriter::crash(std::uint8_t node, std::uint8_t point, std::uint8_t cut) {
  return op(Op::crash, {node, point, cut});
}
ScriptWriter& ScriptWriter::restart(std::uint8_t node, std::uint8_t round_offset, bool deferred) {
  return op(Op::restart, {node, static_cast<std::uint8_t>(round_offset % 3 + (deferred ? 3 : 0))});
}
ScriptWriter& ScriptWriter::byz_propose(std::uint8_t target, std::uint8_t round, bool forged, bool now,
                                         bool bad_proof) {
  return op(Op::byz_propose, {target, static_cast<std::uint8_t>((round & 3U) | (forged ? 4U : 0U) | (now ? 8U : 0U) |
                                                                (bad_proof ? 16U : 0U))});
}
ScriptWriter& ScriptWriter::byz_vote(std::uint8_t target, std::uint8_t round, ByzStep step, std::uint8_t choice,
                                     bool approve, bool now) {
  const unsigned flags = (round & 3U) | (unsigned(step) << 2) | (approve ? 0U : 16U) | (now ? 32U : 0U);
  return op(Op::byz_vote, {target, static_cast<std::uint8_t>(flags), choice});
}
ScriptWriter& ScriptWriter::byz_replay(std::uint8_t target, std::uint8_t index) {
  return op(Op::byz_replay, {target, index});
}
ScriptWriter& ScriptWriter::byz_garbage(std::uint8_t target, GarbageKind kind, std::uint8_t pick) {
  return op(Op::byz_garbage, {target, static_cast<std::uint8_t>(unsigned(kind) + kGarbageKinds * (pick % (256U / kGarbageKinds)))});
}
ScriptWriter& ScriptWriter::byz_mirror(std::uint8_t round) { return op(Op::byz_mirror, {round}); }
ScriptWriter& ScriptWriter::byz_repropose(std::uint8_t target, std::uint8_t round, std::uint8_t choice,
                                          bool own_prevote, bool leave_one_out, bool now, bool round_message) {
  const unsigned flags = (round & 3U) | (own_prevote ? 4U : 0U) | (leave_one_out ? 8U : 0U) | (now ? 16U : 0U) |
                         (round_message ? 32U : 0U);
  return op(Op::byz_repropose, {target, static_cast<std::uint8_t>(flags), choice});
}

}  // namespace midnight::fuzz::round
