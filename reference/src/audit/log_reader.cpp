#include "midnight/audit/log_reader.hpp"

#include <fstream>
#include <string_view>

namespace midnight::audit {

namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t sp = s.find(' ', at);
    out.push_back(s.substr(at, sp == std::string_view::npos ? std::string_view::npos : sp - at));
    if (sp == std::string_view::npos) return out;
    at = sp + 1;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // capitals are not of the form
}

// Unsigned decimal, no leading zero (0 itself excepted), at most 2^64 - 1.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

bool parse_hex(std::string_view s, std::span<std::uint8_t> out) {
  if (s.size() != 2 * out.size()) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(s[2 * i]);
    const int lo = hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

template <std::size_t N>
bool parse_bytes_n(std::string_view s, Bytes<N>& out) {
  return parse_hex(s, std::span<std::uint8_t>(out.v));
}

// The types a writer may elide (spec/node-log.md §2): bodies and commits.
bool may_elide(std::uint8_t type) { return type == 0x07 || type == 0x08 || (type >= 0x0b && type <= 0x0e); }

}  // namespace

std::error_code LogReader::fail(log_errc e, std::string detail) {
  detail_ = std::move(detail);
  return make_error_code(e);
}

result<bool> LogReader::read_line() {
  std::streambuf* buf = in_.rdbuf();
  while (true) {
    text_.clear();
    line_offset_ = offset_;
    int c = buf == nullptr ? std::char_traits<char>::eof() : buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      ++line_;  // the line that is missing, for the errors that need one
      return false;
    }
    ++line_;
    while (c != std::char_traits<char>::eof() && c != '\n') {
      if (text_.size() >= max_line_) return fail(log_errc::line_too_long);
      text_.push_back(static_cast<char>(c));
      c = buf->sbumpc();
    }
    offset_ += text_.size() + (c == '\n' ? 1 : 0);
    if (text_.empty() || text_[0] == '#') continue;
    return true;
  }
}

result<void> LogReader::read_header() {
  auto got = read_line();
  if (!got) return got.error();
  if (!got.value() || !text_.starts_with("midnight-log")) return fail(log_errc::missing_version);
  if (text_ != "midnight-log 1") {
    if (text_.starts_with("midnight-log ")) return fail(log_errc::unknown_version, text_.substr(13));
    return fail(log_errc::missing_version);
  }
  got = read_line();
  if (!got) return got.error();
  if (!got.value() || !text_.starts_with("node ")) return fail(log_errc::missing_node);
  const auto f = split(text_);
  if (f.size() != 2 || !parse_bytes_n(f[1], node_)) return fail(log_errc::bad_field, "KEY");
  header_ = true;
  return outcome::success();
}

result<void> LogReader::read_height(LogRecord& out) {
  const auto f = split(text_);
  if (f.size() != 11) return fail(log_errc::bad_field, "a height line has 10 fields");
  auto in = std::make_shared<HeightInputs>();
  std::uint64_t count = 0;
  if (!parse_u64(f[1], in->height)) return fail(log_errc::bad_field, "H");
  if (!parse_bytes_n(f[2], in->chain)) return fail(log_errc::bad_field, "CHAIN");
  if (!parse_bytes_n(f[3], in->prev)) return fail(log_errc::bad_field, "PREV");
  if (!parse_u64(f[4], in->midnight_ms)) return fail(log_errc::bad_field, "MIDNIGHT");
  if (!parse_u64(f[5], in->collect_ms)) return fail(log_errc::bad_field, "TC");
  if (!parse_u64(f[6], in->prevote_ms)) return fail(log_errc::bad_field, "TP");
  if (!parse_u64(f[7], in->precommit_ms)) return fail(log_errc::bad_field, "TQ");
  if (!parse_u64(f[8], in->increment_ms)) return fail(log_errc::bad_field, "TINC");
  if (!parse_u64(f[9], in->reward)) return fail(log_errc::bad_field, "REWARD");
  if (!parse_u64(f[10], count)) return fail(log_errc::bad_field, "COUNT");
  if (inputs_ && in->height <= inputs_->height) return fail(log_errc::height_not_ascending);
  if (count == 0 || count > kMaxMembers) return fail(log_errc::invalid_membership, "member count");
  out.kind = RecordKind::height;
  out.line = line_;
  out.offset = line_offset_;
  std::vector<Masternode> members;
  members.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto got = read_line();
    if (!got) return got.error();
    if (!got.value() || !text_.starts_with("member ")) return fail(log_errc::member_count);
    const auto m = split(text_);
    Masternode node;
    if (m.size() != 5) return fail(log_errc::bad_field, "a member line has 4 fields");
    if (!parse_bytes_n(m[1], node.key)) return fail(log_errc::bad_field, "KEY");
    if (!parse_bytes_n(m[2], node.vrf_key)) return fail(log_errc::bad_field, "VRFKEY");
    if (!parse_bytes_n(m[3], node.reward_to)) return fail(log_errc::bad_field, "REWARDTO");
    if (!parse_u64(m[4], node.weight)) return fail(log_errc::bad_field, "WEIGHT");
    if (!members.empty() && !(members.back().key < node.key)) return fail(log_errc::member_order);
    members.push_back(node);
  }
  auto made = Membership::make(members);
  if (!made) return fail(log_errc::invalid_membership, made.error().message());
  in->membership = std::move(made.value());
  inputs_ = std::move(in);
  return outcome::success();
}

result<bool> LogReader::next(LogRecord& out) {
  detail_.clear();
  if (!header_) {
    if (auto h = read_header(); !h) return h.error();
  }
  auto got = read_line();
  if (!got) return got.error();
  if (!got.value()) return false;
  const auto f = split(text_);
  const std::string_view kind = f[0];
  if (kind == "height") {
    if (auto h = read_height(out); !h) return h.error();
    return true;
  }
  if (kind == "member") return fail(log_errc::member_count);
  if (kind == "node") return fail(log_errc::duplicate_node);
  const bool message = kind == "sent" || kind == "recv";
  if (!message && kind != "decided" && kind != "restart") return fail(log_errc::unknown_record, std::string(kind));
  const std::size_t fields = message ? 4 : kind == "decided" ? 3 : 2;
  if (f.size() != fields) return fail(log_errc::bad_field, "wrong number of fields");
  if (!inputs_) return fail(log_errc::record_before_height);
  out.kind = kind == "sent" ? RecordKind::sent : kind == "recv" ? RecordKind::recv
             : kind == "decided" ? RecordKind::decided : RecordKind::restart;
  out.line = line_;
  out.offset = line_offset_;
  out.bytes.clear();
  out.elided = false;
  if (!parse_u64(f[1], out.time_ms)) return fail(log_errc::bad_field, "T");
  if (out.kind == RecordKind::restart) return true;
  if (message) {
    if (!parse_bytes_n(f[2], out.peer)) return fail(log_errc::bad_field, "KEY");
    if (!inputs_->membership.index_of(out.peer)) return fail(log_errc::not_a_member);
  }
  const std::string_view bytes = f.back();
  if (bytes.starts_with('-')) {
    const std::size_t colon = bytes.find(':');
    std::uint8_t type = 0;
    if (colon != 3 || !parse_hex(bytes.substr(1, 2), std::span<std::uint8_t>(&type, 1)) ||
        !parse_u64(bytes.substr(4), out.elided_size))
      return fail(log_errc::bad_field, "BYTES (-TT:N)");
    if (out.kind == RecordKind::decided || !may_elide(type)) return fail(log_errc::elided_not_allowed);
    out.elided = true;
    out.elided_type = type;
    return true;
  }
  if (bytes.empty() || bytes.size() % 2 != 0) return fail(log_errc::bad_field, "BYTES");
  out.bytes.resize(bytes.size() / 2);
  if (!parse_hex(bytes, out.bytes)) return fail(log_errc::bad_field, "BYTES");
  return true;
}

result<std::string> message_field_at(const std::string& path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error_code(log_errc::cannot_read);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  if (!std::getline(in, line)) return make_error_code(log_errc::cannot_read);
  const std::size_t sp = line.rfind(' ');
  return sp == std::string::npos ? std::string() : line.substr(sp + 1);
}

}  // namespace midnight::audit
