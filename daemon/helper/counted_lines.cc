// Counted lines within their budget.
#include "daemon/helper/counted_lines.h"

#include "core/str_cat.h"

namespace sesame {

void CountedLines::event(std::string_view line, std::uint64_t now_ms) {
  ++since_line_;
  if (!budget_.take(now_ms)) return;
  log_.line(since_line_ == 1
                ? std::string(line)
                : str_cat(line, " (", std::to_string(since_line_), " ", events_, " since the last line)"));
  since_line_ = 0;
}

}  // namespace sesame
