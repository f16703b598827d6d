// `midnight`: the reference implementation's command. Dispatches to a subcommand and
// guarantees that nothing escapes main: any exception is reported and exits non-zero.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/crypto/hash.hpp"

namespace {

constexpr const char* kUsage =
    "usage: midnight <command> [options]\n"
    "\n"
    "commands:\n"
    "  demo [--policy P] [--json]\n"
    "                         run the design's five scenarios under each selection policy\n"
    "                         (lowest-hash, vrf, first-to-quorum; or only P), as stated and\n"
    "                         with mempools 1 % apart, and check them\n"
    "  simulate --nodes N [--byzantine K]\n"
    "           [--byzantine-mode equivocate|mirror|withhold|garbage|withhold-body|bad-body|\n"
    "                             selective|grind|late-polka|lock-split[,...]]\n"
    "           [--weights W,...] [--latency MIN-MAX] [--mempool M] [--mempool-divergence P]\n"
    "           [--timing C,P,Q[,INC]]\n"
    "           [--partition A|B@START-HEAL | NODE,...@START-HEAL] [--slow NODE] [--slow-ms MS]\n"
    "           [--drop P] [--duplicate P]\n"
    "           [--crash NODE@T[:RESTART[:before-step|torn-append|after-sync]]]\n"
    "           [--policy vrf|lowest-hash|first-to-quorum] [--rounds R] [--seed S] [--key-seed K]\n"
    "           [--heights H] [--height-interval MS] [--time-limit MS]\n"
    "           [--json] [--trace] [--model-trace DIR] [--log DIR] [--timeline FILE.svg]\n"
    "           [--negative-control quorum-ceil|no-lock|restart-without-journal|no-catch-up|\n"
    "                              lock-without-polka|hold-unchecked-body|no-announce]\n"
    "                         run one deterministic simulation of H heights (default 1), MS\n"
    "                         apart (default 86400000: a day) under a policy (default vrf, B);\n"
    "                         rounds are unbounded unless\n"
    "                         --rounds R; the run ends when nothing is left to do, or at the\n"
    "                         time limit (default 3600000 ms after the last midnight); a comma-separated\n"
    "                         --byzantine-mode list gives each Byzantine node its own mode (one\n"
    "                         per node, in node order); selective releases a proposal that\n"
    "                         ranks first to at most half the honest weight just before the\n"
    "                         collect deadline, grind does so with content ground for the\n"
    "                         lowest block id (policy A), late-polka keeps a prevote that\n"
    "                         completes a polka and releases the polka to at most half the\n"
    "                         honest weight in the next round, lock-split releases as\n"
    "                         selective and then sends the prevote that completes a polka\n"
    "                         to one honest node only, which locks alone; --key-seed K\n"
    "                         (default 0: each node's key from its index alone) gives the\n"
    "                         nodes other keys, so other VRF ranks and block ids; a\n"
    "                         --partition of listed nodes cuts them off from the rest; --timing\n"
    "                         sets the round-0 collect, prevote and precommit steps in ms and\n"
    "                         what every step grows by per round (default 500);\n"
    "                         --mempool-divergence P: each honest node lacks each of the M pool\n"
    "                         transactions with probability P and holds about P*M of its own;\n"
    "                         --model-trace DIR writes each height's model trace,\n"
    "                         DIR/height-H.ndjson, for TLC (tla/README.md, trace validation);\n"
    "                         --log DIR writes each node's log, DIR/node-I.log (spec/node-log.md);\n"
    "                         --timeline FILE.svg draws the run from its node logs: one lane per\n"
    "                         node, rounds, votes, locks, decisions, drops, partitions, findings\n"
    "  twins [--members M] [--rounds R] [--negative-control C] [--seed S]\n"
    "        [--mempool-divergence P] [--shard K/N] [--limit L] [--first] [--json]\n"
    "        [--windows flight|schedule] [--scenario INDEX] [--no-reuse]\n"
    "  twins --merge REPORT.json ... [--json]\n"
    "                         the Twins enumeration: M members (default 4), one run by two\n"
    "                         honest nodes; every leader of each of R rounds (default 2) and\n"
    "                         every partition of each step (everyone together, or the twins\n"
    "                         apart and each other node with one of them); --shard runs the\n"
    "                         indices i with i % N == K, --limit the first L of them, --first\n"
    "                         stops at the first violation; --merge joins shards' --json reports;\n"
    "                         --no-reuse (measurement) builds each scenario's world anew;\n"
    "                         --windows: a step's partition lasts for the round's message\n"
    "                         flight of that step (default; fixed 100 ms latency) or for the\n"
    "                         schedule's step\n"
    "  decode [--hex] [--vrf-key HEX] FILE|-  print one encoded message as JSON\n"
    "  vectors [--out DIR]    write the conformance vectors (spec/vectors/): one JSON document\n"
    "                         to standard output, or DIR/<family>.json for each family\n"
    "  conform [--vectors DIR] [--corpus DIR] [--mutations N] [--seed S] [--family F,...]\n"
    "          [--timeout SECONDS] [--fail-fast] [--json] [--json-file PATH] [--quiet]\n"
    "          -- CMD [ARGS...]\n"
    "                         the conformance oracle: start CMD, an adapter of another\n"
    "                         implementation (spec/adapter.md), drive every vector of\n"
    "                         spec/vectors/ and N mutations (default 8) of each fuzz corpus\n"
    "                         input through it; exit 0 when it conforms, 1 when it diverges\n"
    "                         or leaves a case uncovered, 2 when the adapter breaks\n"
    "  check [--json] [--timeline FILE.svg] LOG...\n"
    "                         judge node logs (spec/node-log.md): each finding with its rule,\n"
    "                         the member blamed (or the two logs that disagree) and the\n"
    "                         evidence; exit 0 no finding, 1 findings, 2 unreadable log;\n"
    "                         --timeline draws the logs with the findings marked\n"
    "  trace-module FILE      a model trace (FILE.ndjson) as the TLA+ module TraceData\n"
    "  adapter                the reference implementation as an adapter (spec/adapter.md):\n"
    "                         requests on standard input, answers on standard output\n"
    "\n"
    "exit codes: 0 success, 1 safety violation or failed expectation, 2 bad input or usage\n";

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return midnight::cli::kExitUsage;
  }
  const std::string_view command = argv[1];
  std::vector<std::string_view> rest(argv + 2, argv + argc);
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return midnight::cli::kExitOk;
  }
  if (!midnight::crypto_init()) {
    std::cerr << "midnight: libsodium failed to initialise\n";
    return midnight::cli::kExitFailed;
  }
  if (command == "demo") return midnight::cli::run_demo(std::move(rest));
  if (command == "simulate") return midnight::cli::run_simulate(std::move(rest));
  if (command == "twins") return midnight::cli::run_twins(std::move(rest));
  if (command == "decode") return midnight::cli::run_decode(std::move(rest));
  if (command == "vectors") return midnight::cli::run_vectors(std::move(rest));
  if (command == "adapter") return midnight::cli::run_adapter(std::move(rest));
  if (command == "conform") return midnight::cli::run_conform(std::move(rest));
  if (command == "check") return midnight::cli::run_check(std::move(rest));
  if (command == "trace-module") return midnight::cli::run_trace_module(std::move(rest));
  if (command == "example") return midnight::cli::run_example(std::move(rest));
  std::cerr << "midnight: unknown command '" << command << "'\n" << kUsage;
  return midnight::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int code = dispatch(argc, argv);
    std::cout.flush();
    return code;
  } catch (const midnight::cli::UsageError& e) {
    std::cerr << "midnight: " << e.message << "\n";
    return midnight::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "midnight: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "midnight: internal error\n";
  }
  return midnight::cli::kExitFailed;
}
