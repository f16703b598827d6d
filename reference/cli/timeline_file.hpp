// A timeline picture (view/timeline_svg.hpp) written to the file a command was given.
#pragma once
#include <string>

#include "midnight/view/timeline.hpp"

namespace midnight::cli {

// Renders `timeline` to SVG at `path`; throws UsageError naming `option` when the file
// cannot be written.
void write_timeline_svg(const std::string& path, const view::Timeline& timeline, const char* option);

}  // namespace midnight::cli
