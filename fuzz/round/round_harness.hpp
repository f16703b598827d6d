// round_fuzzer's harness: runs one script (round/round_script.hpp) against honest nodes,
// each a NodeHost (node/node_host.hpp) as the simulator and a real node run it, with its
// output carried out in the host contract's order (node/node_disk.hpp: store, then act;
// a crash inside the journal append keeps a prefix and releases nothing) and restarted
// from its block store and journal; one scripted Byzantine member; and checks the
// protocol's promises after every host step:
//   agreement     no two honest nodes finalize different blocks, and no node ever
//                 changes its decision, across crashes (adopted commits included); every
//                 decision carries a certificate that verifies as a quorum for it
//   no double vote, lock kept
//                 sim::VoteMonitor, fed every send, finds none broken
//   journal       a block store and journal this host wrote (torn appends included)
//                 always restore
//   errors        an event the host rejects returns an error value, asks for nothing and
//                 leaves the host unchanged (see RoundHarness::checked_call for how it is sampled)
//   bounded       whatever the Byzantine member sends, a host answers it with at most
//                 kCommitAnswersPerWindow commits per window
// A broken promise is a MIDNIGHT_FUZZ_CHECK failure: the message, then abort.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/sim/config.hpp"

namespace midnight::fuzz::round {

// The check message of a disagreement, for the negative control's test to look for.
inline constexpr const char* kAgreementViolation = "agreement: two honest nodes finalized different blocks";

// `control` is none (the protocol) or quorum_ceil (the negative control: membership with
// QuorumRule::unsafe_at_least_two_thirds, as sim::make_world builds it). With the
// environment variable MIDNIGHT_FUZZ_VERBOSE set, prints a one-line summary to stderr.
void run_round_script(std::span<const std::uint8_t> script, sim::NegativeControl control);

}  // namespace midnight::fuzz::round
