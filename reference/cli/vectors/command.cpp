// `midnight vectors [--out DIR]`: the conformance vectors of spec/vectors/.
//
// Every input is fixed and is written into the vectors themselves (seeds, chain id and
// how it is derived, transaction bytes, event scripts), so another implementation can
// recompute every output from the JSON alone. Without --out one JSON document with every
// family goes to standard output; with --out DIR each family is written to
// DIR/<family>.json (the layout of spec/vectors/). The output is the same byte for byte
// on every run and machine: no clock, no randomness, no map iteration order.
//
// The generator checks its own intent as it goes: each encoding must decode and
// re-encode to the same bytes, each rejection must fail with the error the case was
// built for, each RFC 8032 vector must match the RFC. A mismatch throws, so a regression
// in the library cannot quietly become a vector.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../args.hpp"
#include "../commands.hpp"
#include "../vector_rules.hpp"
#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "rules.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/encode_vector.hpp"

namespace midnight::cli {

namespace {

using namespace vectors;

struct Family {
  const char* name;
  void (*write)(JsonWriter&);
};

constexpr Family kFamilies[] = {
    {"hashing", write_hashing},       {"signing", write_signing},     {"encoding", write_encoding},
    {"rejections", write_rejections}, {"quorum", write_quorum},       {"block_building", write_block_building},
    {"selection", write_selection},   {"rounds", write_rounds},       {"vrf", write_vrf},
    {"reconciliation", write_reconciliation},
};

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw UsageError{"vectors: cannot write '" + path.string() + "'"};
}

}  // namespace

std::optional<std::vector<std::vector<std::uint8_t>>> mempool_from_rule(std::string_view rule) {
  if (rule == counted_rule(1'000'000)) return day_mempool().txs;
  if (rule == counted_rule(kMaxBlockTransactions + 5)) return count_cap_mempool().txs;
  if (rule == byte_cap_mempool_rule()) return byte_cap_mempool().txs;
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> encoding_message_from_name(std::string_view name) {
  if (name == kWideCertificateName) return unwrap(encode_to_vector(wide_certificate(make_encoding_fixture(), 10000)));
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> rejection_input_from_rule(std::string_view rule) {
  if (rule == over_count_cap_rule()) return over_count_cap_block(make_encoding_fixture());
  if (rule == over_byte_cap_rule()) return over_byte_cap_block(make_encoding_fixture());
  return std::nullopt;
}

int run_vectors(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  std::optional<std::string_view> out_dir;
  while (!args.done()) {
    const auto a = args.next();
    if (a == "--out" && !out_dir) {
      out_dir = args.value_of(a);
      if (out_dir->empty()) throw UsageError{"vectors: --out needs a directory"};
    } else {
      throw UsageError{"vectors: unexpected argument '" + std::string(a) + "' (usage: midnight vectors [--out DIR])"};
    }
  }
  if (!out_dir) {
    std::string doc;
    JsonWriter w(doc);
    w.begin_object();
    w.field("format_version", kFormatVersion);
    w.key("families").begin_object();
    for (const Family& f : kFamilies) {
      w.key(f.name);
      f.write(w);
    }
    w.end_object();
    w.end_object();
    std::cout << doc;
    return kExitOk;
  }
  const std::filesystem::path dir{std::string(*out_dir)};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw UsageError{"vectors: cannot create directory '" + dir.string() + "'"};
  }
  for (const Family& f : kFamilies) {
    std::string doc;
    JsonWriter w(doc);
    f.write(w);
    write_file(dir / (std::string(f.name) + ".json"), doc);
  }
  return kExitOk;
}

}  // namespace midnight::cli
