// Liveness with Byzantine members that send (spec/claims.md §3.4), shared by its property
// and its negative control: under policy B, after the network stabilises, every honest node
// finalizes by the end of the first round whose leader (the member of lowest VRF output for
// the round) is honest, whatever members under a third of the weight do: release their
// best-ranked proposals to some nodes only (selective), withhold prevotes that complete a
// polka and release them later (late-polka), equivocate, back each node's own choice
// (mirror), withhold their bodies or votes, send invalid bodies or garbage, alone or as a
// mixed coalition.
#pragma once
#include <rapidcheck.h>

#include "generators.hpp"
#include "midnight/sim/config.hpp"

namespace midnight::prop {

// A configuration of the property (its conditions in properties/README.md), with
// `control` as its negative control.
rc::Gen<sim::SimConfig> gen_byzantine_liveness_config(sim::NegativeControl control = sim::NegativeControl::none);
// Runs it and asserts the claim's bound (byzantine_liveness.cpp says how it is derived).
void check_byzantine_liveness(const sim::SimConfig& config);

}  // namespace midnight::prop
