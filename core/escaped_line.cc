// Escaping untrusted text for a log line.
#include "core/escaped_line.h"

#include <algorithm>

namespace sesame {

std::string escaped_line(std::string_view text, std::size_t max_bytes, bool cut) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + kCutMark.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    char escape[4] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 15]};
    std::string_view piece(escape, 4);
    if (byte == '\\')
      piece = "\\\\";
    else if ((byte >= 0x20 && byte < 0x7f) || byte == '\t')
      piece = std::string_view(text).substr(i, 1);
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out += piece;
  }
  if (cut) out += kCutMark;
  return out;
}

}  // namespace sesame
