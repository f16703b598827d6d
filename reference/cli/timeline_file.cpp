#include "timeline_file.hpp"

#include <fstream>

#include "args.hpp"
#include "midnight/view/timeline_svg.hpp"

namespace midnight::cli {

void write_timeline_svg(const std::string& path, const view::Timeline& timeline, const char* option) {
  const std::string svg = view::render_svg(timeline);
  std::ofstream f(path, std::ios::binary);
  f << svg;
  f.close();
  if (!f) throw UsageError{std::string(option) + ": cannot write " + path};
}

}  // namespace midnight::cli
