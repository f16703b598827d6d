// Text safe to put inside an SVG element or attribute value, whatever bytes a label holds:
// node labels and titles come from users and logs, and one stray '<' or invalid byte would
// make the whole picture unreadable.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace midnight::view {

// `text` with & < > " ' escaped as entities, each byte that XML 1.0 does not allow (control
// characters other than tab, newline, carriage return) and each byte that is not part of
// well-formed UTF-8 replaced by '?', and cut to at most `max_bytes` bytes of input at a
// character boundary, with "..." appended when it was cut.
[[nodiscard]] std::string xml_text(std::string_view text, std::size_t max_bytes);

}  // namespace midnight::view
