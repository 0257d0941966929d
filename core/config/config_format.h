// parse_config: one entry point for both config formats, which it tells apart by content.
#pragma once

#include <expected>
#include <string_view>

#include "core/config/config.h"
#include "core/config/config_check.h"
#include "core/config/config_error.h"

namespace sesame {

// The rule: look at the first line that is neither blank nor a '#' comment (both
// formats share those). knockd requires it to be a section header, "[options]" or
// "[door name]", or it refuses the file; sesame's TOML starts with top-level keys
// ("interfaces = ...") or one of its own tables, [log] or [[door]]. So the text is
// knockd.conf when that line is "[name]" with a single bracket and a name (trimmed) that
// is not one of sesame's tables; otherwise, an empty file included, it is TOML. (A
// knockd door named "log" or "door" in the first section is read as TOML and fails
// there; renaming the section or putting [options] first settles it.)
ConfigFormat detect_config_format(std::string_view text);

// Detects the format of `text` and parses it (parse_toml_config or parse_knockd_conf).
std::expected<ParsedConfig, ConfigError> parse_config(std::string_view text, std::string_view file,
                                                      const ReadFile& read);
// Parses `text` as `format`.
std::expected<ParsedConfig, ConfigError> parse_config_as(ConfigFormat format, std::string_view text,
                                                         std::string_view file,
                                                         const ReadFile& read);

}  // namespace sesame
