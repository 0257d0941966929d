// Telling sesame's TOML from knockd.conf by the first line that means something.
#include "core/config/config_format.h"

#include <algorithm>

#include "core/config/config_toml.h"
#include "core/config/knockd_conf.h"
#include "core/config/knockd_syntax.h"

namespace sesame {

ConfigFormat detect_config_format(std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = knockd_trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.size() < 2 || line.front() != '[' || line.back() != ']' || line[1] == '[')
      return ConfigFormat::kToml;
    const std::string_view name = knockd_trim(line.substr(1, line.size() - 2));
    return std::ranges::find(kTomlTableNames, name) == kTomlTableNames.end() ? ConfigFormat::kKnockd
                                                                             : ConfigFormat::kToml;
  }
  return ConfigFormat::kToml;
}

std::expected<ParsedConfig, ConfigError> parse_config_as(ConfigFormat format, std::string_view text,
                                                         std::string_view file,
                                                         const ReadFile& read) {
  return format == ConfigFormat::kKnockd ? parse_knockd_conf(text, file, read)
                                         : parse_toml_config(text, file, read);
}

std::expected<ParsedConfig, ConfigError> parse_config(std::string_view text, std::string_view file,
                                                      const ReadFile& read) {
  return parse_config_as(detect_config_format(text), text, file, read);
}

}  // namespace sesame
