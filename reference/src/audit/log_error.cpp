#include "midnight/audit/log_error.hpp"

namespace midnight {

const char* ErrorTable<audit::log_errc>::message(audit::log_errc e) {
  using audit::log_errc;
  switch (e) {
    case log_errc::cannot_read: return "cannot be read";
    case log_errc::missing_version: return "missing version line (midnight-log 1)";
    case log_errc::unknown_version: return "unknown log version";
    case log_errc::missing_node: return "missing node line";
    case log_errc::duplicate_node: return "a second node line";
    case log_errc::unknown_record: return "unknown record";
    case log_errc::bad_field: return "field not of its form";
    case log_errc::elided_not_allowed: return "a message of this type must be written whole";
    case log_errc::height_not_ascending: return "heights do not ascend";
    case log_errc::member_count: return "member lines do not match the height's count";
    case log_errc::member_order: return "members not in ascending key order";
    case log_errc::invalid_membership: return "not a valid membership";
    case log_errc::record_before_height: return "record before the first height line";
    case log_errc::not_a_member: return "key is not a member of its height";
    case log_errc::line_too_long: return "line too long";
  }
  return "unknown node-log error";
}

}  // namespace midnight
