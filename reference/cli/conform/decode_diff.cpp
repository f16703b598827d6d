#include "decode_diff.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../decode_as.hpp"
#include "../error_names.hpp"
#include "../message_json.hpp"
#include "check.hpp"

namespace midnight::cli::conform {

namespace {

using Buf = std::vector<std::uint8_t>;

// The corpora of the decoding fuzz targets and the type each target's inputs are meant
// as. An input whose type byte names another type is decoded as that one instead, as a
// receiver dispatching on the byte would.
struct Corpus {
  const char* dir;
  MessageType type;
};
constexpr Corpus kCorpora[] = {
    {"vote_fuzzer", MessageType::vote},           {"proposal_fuzzer", MessageType::proposal},
    {"certificate_fuzzer", MessageType::certificate}, {"block_fuzzer", MessageType::block},
    {"reproposal_fuzzer", MessageType::reproposal},
};

// The largest input sent: a corpus input above it is skipped (the block limits have
// their own vectors).
constexpr std::size_t kMaxInput = std::size_t{1} << 20;

// splitmix64: a seeded, portable sequence, so a run is reproduced by its seed.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

// One mutation of the kinds a decoder's rules are about: a flipped bit, a boundary byte, a
// cut, an extra byte, a repeated chunk, another type byte.
Buf mutate(Buf in, Rng& rng) {
  const std::size_t kind = rng.below(6);
  if (in.empty()) in.push_back(static_cast<std::uint8_t>(rng.next()));
  const std::size_t at = rng.below(in.size());
  switch (kind) {
    case 0: in[at] ^= static_cast<std::uint8_t>(1u << rng.below(8)); break;
    case 1: {
      constexpr std::uint8_t kBoundary[] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff};
      in[at] = kBoundary[rng.below(std::size(kBoundary))];
      break;
    }
    case 2: in.resize(at); break;
    case 3: in.push_back(static_cast<std::uint8_t>(rng.next())); break;
    case 4: {
      const std::size_t len = std::min<std::size_t>(1 + rng.below(16), in.size() - at);
      const Buf chunk(in.begin() + static_cast<std::ptrdiff_t>(at), in.begin() + static_cast<std::ptrdiff_t>(at + len));
      in.insert(in.begin() + static_cast<std::ptrdiff_t>(at), chunk.begin(), chunk.end());
      break;
    }
    default:
      if (in.size() >= 2) in[1] = static_cast<std::uint8_t>(1 + rng.below(16));
      break;
  }
  return in;
}

MessageType type_of(const Buf& input, MessageType fallback) {
  if (input.size() >= 2 && input[1] >= 0x01 && input[1] <= 0x0f) return static_cast<MessageType>(input[1]);
  return fallback;
}

Buf read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Buf(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void compare_one(Driver& d, const std::string& name, MessageType type, const Buf& input) {
  const DecodeOutcome ref = decode_as(type, input);
  Case c(d.adapter, d.ledger, "decode", name);
  const Json request = [&] {
    Json r = Json::object();
    r.set("type", message_type_name(type));
    r.set("message", bytes_json(input));
    return r;
  }();
  if (ref.error) {
    c.expect_error("decode", request, codec_errc_name(static_cast<codec_errc>(ref.error.value())));
    return;
  }
  if (ref.reencoded != input) throw JsonError{"decode: the reference does not re-encode '" + name + "' to itself"};
  std::optional<Json> got = c.expect_ok("decode", request, Json::object());
  if (!got) return;
  const Json* fields = got->find("fields");
  if (fields == nullptr) {
    c.fail("decode", "ok.fields: missing from the answer");
    return;
  }
  Json encode = Json::object();
  encode.set("type", message_type_name(type));
  encode.set("fields", *fields);
  Json expected = Json::object();
  expected.set("message", bytes_json(input));
  (void)c.expect_ok("encode", encode, expected);
}

}  // namespace

void drive_decode_diff(Driver& d, const DecodeDiffOptions& options) {
  namespace fs = std::filesystem;
  Rng rng{options.seed};
  for (const Corpus& corpus : kCorpora) {
    const fs::path dir = fs::path(options.corpus_dir) / corpus.dir;
    if (!fs::is_directory(dir)) throw JsonError{"decode: no corpus directory '" + dir.string() + "'"};
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());  // the order, and so the mutations, do not depend on the file system
    d.progress("decode: " + std::string(corpus.dir) + ", " + std::to_string(files.size()) + " inputs and " +
               std::to_string(options.mutations) + " mutations of each");
    for (const fs::path& p : files) {
      const Buf input = read_file(p);
      if (input.size() > kMaxInput) continue;
      const std::string base = std::string(corpus.dir) + "/" + p.filename().string();
      compare_one(d, base, type_of(input, corpus.type), input);
      for (std::uint32_t m = 0; m < options.mutations; ++m) {
        const Buf mutant = mutate(input, rng);
        compare_one(d, base + " mutation " + std::to_string(m + 1), type_of(mutant, corpus.type), mutant);
      }
    }
  }
}

}  // namespace midnight::cli::conform
