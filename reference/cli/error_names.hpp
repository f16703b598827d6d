// The names the vectors and the adapter protocol give the library's enumerators: the
// reference's enumerator names, spelled as in the source (spec/README.md). Switches
// without a default, so a new enumerator is a compile error (-Wswitch, -Werror).
#pragma once
#include <system_error>

#include "midnight/block/body_check.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli {

const char* codec_errc_name(codec_errc e);
const char* round_errc_name(round_errc e);
const char* body_errc_name(body_errc e);
const char* timer_name(TimerKind k);
const char* membership_errc_name(membership_errc e);
const char* vrf_errc_name(vrf_errc e);
const char* journal_errc_name(journal_errc e);
// The name of an error a node host can reject an event with (round_errc, codec_errc or
// body_errc: spec/adapter.md §3.8; journal_errc for a restart whose replay fails), or
// nullptr for an error of another category.
const char* host_error_name(const std::error_code& ec);

}  // namespace midnight::cli
