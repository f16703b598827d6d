// Chains of heights (chain_props.cpp): the generator of a chain run and its check, shared
// by the property and its negative control.
#pragma once
#include <rapidcheck.h>

#include "midnight/sim/config.hpp"
#include "midnight/sim/result.hpp"

namespace midnight::prop {

// 2-6 heights, 1-7 honest members, a synchronous network, crashes of up to three nodes
// restarting before the last height's midnight (some across midnights), half the time a
// partition that heals before it; `control` is the protocol variant.
rc::Gen<sim::SimConfig> gen_chain_config(sim::NegativeControl control = sim::NegativeControl::none);

// Safety, then: honest chains are prefixes of one another, and every node (all are up
// and connected from before the last midnight on) ends with every height, unless a node
// crashed inside a journaling step (see chain_props.cpp: then safety only).
void check_chains(const sim::SimConfig& config, const sim::SimResult& r);

}  // namespace midnight::prop
