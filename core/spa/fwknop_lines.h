// fwknop_lines: the line syntax of fwknop's files (access.conf, key files): one
// "KEYWORD value" per line, '#' comments and blank lines skipped.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace sesame {

struct FwknopLine {
  std::size_t number = 0;    // 1-based
  std::string_view keyword;  // up to the first blank or ':' ("KEY_BASE64: ..." as --key-gen writes)
  std::string_view value;    // the rest, without surrounding blanks (or a '\r')
};

// Views into `text`.
std::vector<FwknopLine> fwknop_lines(std::string_view text);

}  // namespace sesame
