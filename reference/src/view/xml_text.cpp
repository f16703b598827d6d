#include "midnight/view/xml_text.hpp"

#include <cstdint>

namespace midnight::view {
namespace {

// The length of the well-formed UTF-8 sequence starting at text[i] whose code point XML
// 1.0 allows, or 0 when there is none (the byte is then replaced).
std::size_t allowed_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<std::uint8_t>(text[i]);
  if (lead < 0x80) {
    const bool allowed = lead >= 0x20 || lead == '\t' || lead == '\n' || lead == '\r';
    return allowed ? 1 : 0;
  }
  std::size_t length = 0;
  std::uint32_t code = 0;
  std::uint32_t smallest = 0;  // below it the sequence is overlong
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code = lead & 0x1fu, smallest = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code = lead & 0x0fu, smallest = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code = lead & 0x07u, smallest = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<std::uint8_t>(text[i + k]);
    if ((next & 0xc0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3fu);
  }
  const bool surrogate = code >= 0xd800 && code <= 0xdfff;
  const bool non_character = code == 0xfffe || code == 0xffff;
  if (code < smallest || code > 0x10ffff || surrogate || non_character) return 0;
  return length;
}

}  // namespace

std::string xml_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = allowed_sequence_length(text, i);
    const std::size_t consumed = length == 0 ? 1 : length;
    if (i + consumed > max_bytes) {
      out += "...";
      break;
    }
    if (length == 0) {
      out.push_back('?');
    } else if (length == 1) {
      switch (text[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out.push_back(text[i]);
      }
    } else {
      out.append(text.substr(i, length));
    }
    i += consumed;
  }
  return out;
}

}  // namespace midnight::view
