// Splitting fwknop's files into keyword lines, shared by the key file and access.conf readers.
#include "core/spa/fwknop_lines.h"

#include <algorithm>

namespace sesame {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<FwknopLine> fwknop_lines(std::string_view text) {
  std::vector<FwknopLine> lines;
  std::size_t number = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    const std::string_view line = trim(text.substr(begin, end - begin));
    begin = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const std::size_t split = std::min(line.find_first_of(": \t"), line.size());
    lines.push_back({number, line.substr(0, split), trim(line.substr(std::min(split + 1, line.size())))});
  }
  return lines;
}

}  // namespace sesame
