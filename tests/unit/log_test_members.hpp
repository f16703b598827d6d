// The members the node-log tests write logs for: three, in ascending key order, with
// signing and VRF keys a membership accepts (distinct, valid), from fixed seeds.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"

namespace midnight::audit::testing {

struct LogTestMember {
  Keypair keys;
  std::string key;  // keys.public_key in hex, as a log writes it
  std::string vrf;  // the VRF public key in hex
};

inline std::vector<LogTestMember> log_test_members() {
  std::vector<LogTestMember> out;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    Seed s;
    s.v.fill(i);
    Seed vs;
    vs.v.fill(static_cast<std::uint8_t>(i + 100));
    const Keypair keys = keypair_from_seed(s);
    out.push_back({keys, to_hex(keys.public_key), to_hex(vrf_keypair_from_seed(vs).public_key)});
  }
  std::sort(out.begin(), out.end(), [](const LogTestMember& a, const LogTestMember& b) { return a.key < b.key; });
  return out;
}

}  // namespace midnight::audit::testing
