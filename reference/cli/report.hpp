// Human-readable rendering of a simulated run: the proposals of each round, each honest
// node's canonical choice and vote tallies against the quorum, what was finalized, and
// the network's counters. Shared by `demo` and `simulate`.
#pragma once
#include <ostream>

#include "midnight/sim/result.hpp"

namespace midnight::cli {

// One line per round with every proposal seen by any honest node, then one line per
// honest node with its choice and the tallies it counted.
void print_rounds(std::ostream& out, const sim::SimResult& r);
// Each finalization: node, block, round, time, via own quorum or adopted commit.
void print_finalized(std::ostream& out, const sim::SimResult& r);
// Agreement and certificate verdicts, with any violation.
void print_verdict(std::ostream& out, const sim::SimResult& r);
void print_messages(std::ostream& out, const sim::SimResult& r);
// A one-line description of the configuration.
void print_config_line(std::ostream& out, const sim::SimConfig& c);

}  // namespace midnight::cli
