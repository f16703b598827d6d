// The vector families of spec/vectors/, one source file each: each writes its family's
// whole JSON document (spec/vectors/<family>.json) to the writer.
#pragma once
#include "midnight/sim/json_writer.hpp"

namespace midnight::cli::vectors {

void write_hashing(sim::JsonWriter& w);
void write_signing(sim::JsonWriter& w);
void write_encoding(sim::JsonWriter& w);
void write_rejections(sim::JsonWriter& w);
void write_quorum(sim::JsonWriter& w);
void write_block_building(sim::JsonWriter& w);
void write_selection(sim::JsonWriter& w);
void write_rounds(sim::JsonWriter& w);
// The scenarios of rounds.json recorded from simulator runs (recorded.cpp): elements of
// its "scenarios" array.
void write_recorded_scenarios(sim::JsonWriter& w);
void write_vrf(sim::JsonWriter& w);
void write_reconciliation(sim::JsonWriter& w);

}  // namespace midnight::cli::vectors
