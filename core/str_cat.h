// str_cat: one string from pieces, for messages.
#pragma once

#include <string>
#include <string_view>

namespace sesame {

// Appends every piece to one string. Besides saving temporaries, it avoids
// `"literal" + std::string(...)`, for which GCC 12 at -O2 reports a false -Wrestrict.
template <class... Pieces>
std::string str_cat(const Pieces&... pieces) {
  std::string out;
  out.reserve((std::string_view(pieces).size() + ... + 0));
  (out.append(std::string_view(pieces)), ...);
  return out;
}

}  // namespace sesame
