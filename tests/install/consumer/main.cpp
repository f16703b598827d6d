// Consumer of an installed midnight: one member is its own quorum, so its RoundMachine
// finalizes at round start. Exits 0 only if it did (and the certificate verifies), and
// if the simulator (midnight::sim) agrees; anything else is a failure of the package.
#include <cstdio>
#include <memory>
#include <span>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/simulator.hpp"

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "consumer: FAILED: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  using namespace midnight;
  if (!crypto_init()) return fail("crypto_init");

  Seed seed{};
  seed.v[0] = 1;
  const Keypair keys = keypair_from_seed(seed);
  seed.v[0] = 2;  // a VRF key apart from the signing key (spec/vrf.md section 6)
  const VrfKeypair vrf_keys = vrf_keypair_from_seed(seed);
  const Masternode member{keys.public_key, vrf_keys.public_key, Destination{}, 1};
  auto membership = Membership::make(std::span<const Masternode>(&member, 1));
  if (!membership) return fail("Membership::make");

  const LowestHashPolicy policy;
  NodeConfig config;
  config.chain_id = sha256(std::span<const std::uint8_t>());
  config.membership = &membership.value();
  config.policy = &policy;
  config.keys = keys;
  config.vrf_keys = vrf_keys;
  config.reward_per_height = 1000;

  // The machine holds fixed-size buffers for every round of its window: keep it off the stack.
  auto node = std::make_unique<RoundMachine>(config);
  const std::vector<std::uint8_t> tx{1, 2, 3};
  const TxBytes mempool[] = {TxBytes(tx)};
  node->begin_height(HeightStart{1, BlockId{}, 0, mempool});

  const auto actions = node->on_round_start(RoundStart{1, 0});
  if (!actions) return fail("on_round_start returned an error");
  bool finalize_action = false;
  for (const Action& a : actions.value()) finalize_action = finalize_action || a.kind == ActionKind::finalize;
  if (!finalize_action) return fail("no finalize action");
  const auto decision = node->decision();
  if (!decision || node->step() != Step::decided) return fail("not decided");
  if (decision->height != 1 || decision->round != 0) return fail("decided at the wrong height or round");
  if (!verify_certificate(*decision->certificate, membership.value(), config.chain_id)) {
    return fail("certificate does not verify");
  }

  sim::SimConfig sc;
  sc.nodes = 1;
  const sim::SimResult run = sim::run_simulation(sc);
  if (!run.error.empty()) return fail("simulation configuration rejected");
  if (!run.agreement || !run.all_honest_finalized) return fail("simulated single node did not finalize");

  std::printf("consumer: finalized height %llu round %u with %u signature(s); simulator agrees\n",
              static_cast<unsigned long long>(decision->height), decision->round,
              static_cast<unsigned>(decision->certificate->count()));
  return 0;
}
