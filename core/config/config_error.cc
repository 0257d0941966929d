// Formatting config errors the way compilers print them, so editors can jump to them.
#include "core/config/config_error.h"

#include <utility>

#include "core/str_cat.h"

namespace sesame {

std::string_view nth_line(std::string_view text, std::size_t line) {
  if (line == 0) return {};
  for (std::size_t n = 1; n < line; ++n) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return {};
    text.remove_prefix(nl + 1);
  }
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

namespace {

std::string format(const ConfigError& e, std::string_view severity) {
  std::string out = e.file;
  if (e.line != 0) out += str_cat(":", std::to_string(e.line));
  out += ": ";
  out += severity;
  if (!e.field.empty()) out += e.field + ": ";
  out += e.message + "\n";
  if (e.line == 0 || e.source_line.empty()) return out;
  out += str_cat("  ", e.source_line, "\n");
  if (e.column == 0) return out;
  // Copy tabs so the caret lines up in any tab width; UTF-8 continuation bytes take
  // no column on screen.
  out += "  ";
  for (std::size_t i = 0; i + 1 < e.column && i < e.source_line.size(); ++i) {
    const auto c = static_cast<unsigned char>(e.source_line[i]);
    if (c == '\t')
      out += '\t';
    else if ((c & 0xc0) != 0x80)
      out += ' ';
  }
  out += "^\n";
  return out;
}

}  // namespace

ConfigError config_error_at(std::string_view file, std::string_view text, std::size_t line,
                            std::size_t column, std::string field, std::string message) {
  return {std::string(file),
          line,
          column,
          std::move(field),
          std::move(message),
          std::string(nth_line(text, line))};
}

std::string format_config_error(const ConfigError& e) { return format(e, ""); }

std::string format_config_warning(const ConfigError& e) { return format(e, "warning: "); }

}  // namespace sesame
