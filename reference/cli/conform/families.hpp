// The vector families, each driven through the adapter (spec/adapter.md §3) case by case.
// A family driver takes every list of its file (VectorFile::take), so the oracle can tell
// when a vector file holds a list that nothing exercised.
#pragma once
#include <functional>
#include <set>
#include <string>

#include "adapter.hpp"
#include "../json_value.hpp"
#include "ledger.hpp"

namespace midnight::cli::conform {

struct VectorFile {
  std::string family;
  std::string path;
  Json doc;
  std::set<std::string> taken;

  const Json& take(const std::string& key);
  // Lists of the file that no driver took: a vector nobody checks.
  std::vector<std::string> untaken_lists() const;
};

struct Driver {
  Adapter& adapter;
  Ledger& ledger;
  std::function<void(const std::string&)> progress;  // one line per step of a long family
  std::int64_t adapter_version = 1;                  // from hello: 2 drives node hosts
};

// The families, in the reading order of spec/README.md. Each returns after every case of
// its file has a verdict in the ledger.
void drive_hashing(Driver& d, VectorFile& f);
void drive_signing(Driver& d, VectorFile& f);
void drive_encoding(Driver& d, VectorFile& f);
void drive_rejections(Driver& d, VectorFile& f);
void drive_quorum(Driver& d, VectorFile& f);
void drive_block_building(Driver& d, VectorFile& f);
void drive_selection(Driver& d, VectorFile& f);
void drive_vrf(Driver& d, VectorFile& f);
void drive_reconciliation(Driver& d, VectorFile& f);
void drive_rounds(Driver& d, VectorFile& f);

}  // namespace midnight::cli::conform
