// One node-host step judged (spec/adapter.md §4): what a host must answer to one event,
// against what the adapter answered. The rounds vectors and the differential rounds both
// judge with it, so a scenario replayed from rounds.json and one played live in the
// simulator are held to the same rules.
#pragma once
#include <optional>
#include <string>

#include "adapter.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli::conform {

// What a scenario's messages are checked against: its membership and chain.
struct ScenarioContext {
  Membership membership;
  ChainId chain;
};

// The first difference between `expected` (an `ok` object in the form of spec/adapter.md
// §3.8, or an error; an error with an empty name accepts any error) and `got`, under the
// comparison rules of §4: the verdict, the stored commits (block exact, certificate
// valid), journal_reset and journal_append, replayed_records, and the proposals, votes,
// re-proposals, polkas and commits sent with their destinations as a multiset. Empty
// when they agree. `expected` is trusted; a malformed `got` is a difference.
// `input` is the type of the message the event delivered, if any: an answer to a fetch
// by reconciliation (body sketch, body transactions) that one side rejects as unsolicited and the
// other takes is no difference, since whether a node asked, and whom, is rule "fetch", a
// SHOULD (protocol.md §5.7).
std::string compare_node_answer(const Answer& expected, const Answer& got, const ScenarioContext& ctx,
                                std::optional<MessageType> input = std::nullopt);

}  // namespace midnight::cli::conform
