// Why a node log (spec/node-log.md) cannot be read: the errors of its §3, one code each.
// A checker refuses such a log whole, naming the file and the line.
#pragma once
#include "midnight/core/error_category.hpp"

namespace midnight::audit {

enum class log_errc {
  cannot_read = 1,       // the file cannot be opened or read
  missing_version,       // the first line that is not a comment is not a version line
  unknown_version,       // a version line of another version than 1
  missing_node,          // the second line that is not a comment is not a node line
  duplicate_node,        // a second node line
  unknown_record,        // a line of no known kind
  bad_field,             // a field not of its form, or a wrong number of fields
  elided_not_allowed,    // a message written as -TT:N of a type that must be whole
  height_not_ascending,  // a height line whose height is not above the previous one
  member_count,          // fewer or more member lines than the height line's count
  member_order,          // member lines not in ascending key order
  invalid_membership,    // the members do not form a valid membership (protocol.md §1.1)
  record_before_height,  // a record before the first height line
  not_a_member,          // a KEY that is not a member of its height
  line_too_long,         // a line longer than kMaxLogLine characters
};

}  // namespace midnight::audit

namespace midnight {
template <>
struct ErrorTable<audit::log_errc> {
  static constexpr const char* name = "midnight.node-log";
  static const char* message(audit::log_errc e);
};
}  // namespace midnight

namespace midnight::audit {
inline std::error_code make_error_code(log_errc e) noexcept { return {static_cast<int>(e), error_category_of<log_errc>()}; }
}  // namespace midnight::audit
template <>
struct std::is_error_code_enum<midnight::audit::log_errc> : std::true_type {};
