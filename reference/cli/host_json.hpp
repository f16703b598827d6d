// A node host's inputs and outputs in the JSON of the adapter protocol (spec/adapter.md
// §3.8), both ways, once for every caller: the reference's adapter answers node_event
// with them, and the oracle's differential rounds send the simulator's inputs to another
// implementation and carry out what it answers.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "json_value.hpp"
#include "midnight/node/node_host.hpp"

namespace midnight::cli {

// A timer of a node_event input ({"timer": T, "height": H[, "round": R]}); JsonError names
// an unknown timer.
HostTimer timer_from(const Json& input);
// The node_event input of one host call.
Json start_input_json();
Json message_input_json(std::span<const std::uint8_t> message);
Json timer_input_json(const HostTimer& timer);
Json restart_input_json(std::span<const MessageBytes> block_store, std::span<const std::uint8_t> journal);

// The `ok` object of an accepted event: stored, journal_reset, journal_append, output.
Json host_output_json(const HostOutput& out);
// The other way: what an adapter answered, as a HostOutput the simulator can carry out.
// JsonError names what is malformed (a message that is not hex, an unknown action).
// `decided` heights are read from each stored commit's certificate.
HostOutput host_output_from(const Json& ok);

// The node_state answer of a host: decided_height, block_id (null before the first
// decision), lock at the height being decided.
Json node_state_json(const NodeHost& host);

}  // namespace midnight::cli
