#include "midnight/audit/finding.hpp"

namespace midnight::audit {

const char* finding_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::bad_signature: return "bad-signature";
    case FindingKind::equivocation: return "equivocation";
    case FindingKind::lock: return "lock";
    case FindingKind::precommit_without_polka: return "precommit-without-polka";
    case FindingKind::bad_certificate: return "bad-certificate";
    case FindingKind::two_decisions: return "two-decisions";
    case FindingKind::disagreement: return "disagreement";
  }
  return "unknown";
}

const char* finding_rule(FindingKind kind) {
  switch (kind) {
    case FindingKind::bad_signature: return "protocol.md §1.4, §5.3";
    case FindingKind::equivocation: return "protocol.md §5.3, §1.2";
    case FindingKind::lock: return "protocol.md §6";
    case FindingKind::precommit_without_polka: return "protocol.md §5.4";
    case FindingKind::bad_certificate: return "protocol.md §7.1";
    case FindingKind::two_decisions: return "protocol.md §7";
    case FindingKind::disagreement: return "claims.md §2.1";
  }
  return "";
}

}  // namespace midnight::audit
