// The eight points of edwards25519 whose order divides the cofactor 8, canonically
// encoded: the identity (order 1), (0, -1) (order 2), the two of order 4 and the four of
// order 8. Test data only: the unit tests, the fuzz targets, the seed generator and the
// property tests build small-order keys and torsion components of proofs from it
// (spec/vrf.md section 5).
#pragma once
#include <array>
#include <string_view>

namespace midnight::testkit {

inline constexpr std::array<std::string_view, 8> kSmallOrderPointsHex{{
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
}};

}  // namespace midnight::testkit
