// The subcommands of `midnight`. Each takes the arguments after its name, writes to
// stdout/stderr, and returns the process exit code (see args.hpp).
#pragma once
#include <string_view>
#include <vector>

namespace midnight::cli {

int run_demo(std::vector<std::string_view> args);
int run_simulate(std::vector<std::string_view> args);
// The Twins enumeration: one member run by two honest nodes, every scenario of a family.
int run_twins(std::vector<std::string_view> args);
int run_decode(std::vector<std::string_view> args);
// Conformance vectors (spec/vectors/): one JSON document, or one file per family in DIR.
int run_vectors(std::vector<std::string_view> args);
// The conformance oracle: drives another implementation's adapter (spec/adapter.md).
int run_conform(std::vector<std::string_view> args);
// The reference behind the adapter protocol (spec/adapter.md), for `conform` to check.
int run_adapter(std::vector<std::string_view> args);
// Node logs (spec/node-log.md) judged: the rules of protocol.md each log shows broken.
int run_check(std::vector<std::string_view> args);
// An ndjson trace (simulate --model-trace) as the TLA+ module TraceData, for TLC.
int run_trace_module(std::vector<std::string_view> args);
// Hidden: prints a valid sample message (for tests and for trying `decode`).
int run_example(std::vector<std::string_view> args);

}  // namespace midnight::cli
