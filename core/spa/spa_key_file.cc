// fwknop's key lines, strictly: a line sesame cannot read is an error, not a default.
#include "core/spa/spa_key_file.h"

#include <optional>

#include "core/spa/base64.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::expected<void, std::string> read_spa_key_file(std::string_view text, SpaKeys& keys) {
  bool have_key = false;
  bool have_hmac = false;
  std::size_t number = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    const std::string_view line = trim(text.substr(begin, end - begin));
    begin = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const std::size_t split = line.find_first_of(": \t");
    const std::string_view name = line.substr(0, split);
    const std::string_view value = split == std::string_view::npos ? "" : trim(line.substr(split + 1));
    const auto fail = [&](std::string_view why) {
      return std::unexpected(str_cat("line ", std::to_string(number), ": ", why));
    };
    const bool is_key = name == "KEY" || name == "KEY_BASE64";
    if (!is_key && name != "HMAC_KEY" && name != "HMAC_KEY_BASE64")
      return fail(str_cat("unknown keyword '", name, "' (expected KEY, KEY_BASE64, HMAC_KEY or HMAC_KEY_BASE64)"));
    if (value.empty()) return fail(str_cat(name, " has no value"));
    bool& seen = is_key ? have_key : have_hmac;
    if (seen) return fail(str_cat("a second ", is_key ? "KEY" : "HMAC_KEY"));
    seen = true;
    std::vector<std::uint8_t>& target = is_key ? keys.key : keys.hmac_key;
    if (name.ends_with("_BASE64")) {
      auto bytes = decode_base64_key(value);
      if (!bytes) return fail(str_cat(name, " is not base64"));
      target = std::move(*bytes);
    } else {
      target.assign(value.begin(), value.end());
    }
  }
  if (!have_key) return std::unexpected("no KEY or KEY_BASE64 line");
  return {};
}

}  // namespace sesame
