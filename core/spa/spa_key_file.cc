// fwknop's key lines, strictly: a line sesame cannot read is an error, not a default.
#include "core/spa/spa_key_file.h"

#include <optional>

#include "core/spa/base64.h"
#include "core/spa/fwknop_lines.h"
#include "core/str_cat.h"

namespace sesame {

std::expected<void, std::string> read_spa_key_file(std::string_view text, SpaKeys& keys) {
  bool have_key = false;
  bool have_hmac = false;
  for (const FwknopLine& line : fwknop_lines(text)) {
    const std::string_view name = line.keyword;
    const std::string_view value = line.value;
    const auto fail = [&](std::string_view why) {
      return std::unexpected(str_cat("line ", std::to_string(line.number), ": ", why));
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
