// The reference's node hosts behind the adapter protocol (spec/adapter.md §3.8): one
// NodeHost per node the oracle creates, driven by node_event, read by node_state. The
// table is the adapter session's state; it lives as long as the session.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "../json_value.hpp"

namespace midnight::cli::adapter {

struct AdapterNode;  // a NodeHost with the membership, policy and mempool it points to

class NodeTable {
 public:
  NodeTable();
  ~NodeTable();
  NodeTable(const NodeTable&) = delete;
  NodeTable& operator=(const NodeTable&) = delete;

  // Each returns the `ok` object; a rejected event throws Refusal with its error name, a
  // malformed request JsonError.
  Json create(const Json& request);
  Json event(const Json& request);
  Json state(const Json& request);

 private:
  AdapterNode& node(const Json& request);
  std::map<std::int64_t, std::unique_ptr<AdapterNode>> nodes_;
};

}  // namespace midnight::cli::adapter
