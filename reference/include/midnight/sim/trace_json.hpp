// The JSON form of a configuration and of a run's result: what `midnight simulate
// --json` prints and what the run's digest is computed over.
#pragma once
#include <string>

#include "midnight/sim/json_writer.hpp"
#include "midnight/sim/result.hpp"

namespace midnight::sim {

const char* to_string(Step step);

void write_config(JsonWriter& w, const SimConfig& config);
// The result's fields, into an object the caller has opened. `trace` adds the per-node
// per-round trace.
void write_result_fields(JsonWriter& w, const SimResult& result, bool trace);
// The whole result, trace included, as one JSON document.
std::string to_json(const SimResult& result);

}  // namespace midnight::sim
