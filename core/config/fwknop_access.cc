// fwknop's access.conf: "KEYWORD value" lines ('#' comments), a SOURCE line opening
// each stanza (server/access.conf in fwknop's sources documents every keyword).
#include "core/config/fwknop_access.h"

#include <algorithm>
#include <optional>

#include "core/config/config_values.h"
#include "core/config/knockd_syntax.h"
#include "core/spa/fwknop_lines.h"
#include "core/spa/base64.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

// "tcp/22, udp/53": fwknop's port lists.
std::optional<std::vector<KnockStep>> port_list(std::string_view text) {
  std::vector<KnockStep> out;
  for (std::size_t begin = 0; begin <= text.size();) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string_view item = knockd_trim(text.substr(begin, end - begin));
    begin = end + 1;
    const std::size_t slash = item.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto protocol = protocol_from_name(item.substr(0, slash));
    const auto port = parse_decimal(item.substr(slash + 1), 65535);
    if (!protocol || !port || *port == 0) return std::nullopt;
    out.push_back({*protocol, static_cast<std::uint16_t>(*port)});
  }
  return out;
}

std::optional<bool> yes_no(std::string_view text) {
  if (iequals(text, "Y") || iequals(text, "yes")) return true;
  if (iequals(text, "N") || iequals(text, "no")) return false;
  return std::nullopt;
}

// ACCESS_EXPIRE's "MM/DD/YYYY".
std::optional<std::int64_t> us_date(std::string_view text) {
  if (text.size() != 10 || text[2] != '/' || text[5] != '/') return std::nullopt;
  return parse_date(str_cat(text.substr(6, 4), "-", text.substr(0, 2), "-", text.substr(3, 2)));
}

class AccessReader {
 public:
  AccessReader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  std::expected<Config, ConfigError> read(std::string_view interface) {
    config_.interfaces = {std::string(interface)};
    config_.firewall = FirewallBackend::kUfw;
    for (const FwknopLine& line : fwknop_lines(text_))
      if (auto ok = keyword_line(line.number, line.keyword, line.value); !ok) return std::unexpected(ok.error());
    if (auto ok = finish_stanza(); !ok) return std::unexpected(ok.error());
    if (config_.doors.empty()) return std::unexpected(error(0, "", "no SOURCE stanza: nothing to import"));
    return std::move(config_);
  }

 private:
  using Status = std::expected<void, ConfigError>;

  ConfigError error(std::size_t line, std::string field, std::string message) const {
    return config_error_at(file_, text_, line, 0, std::move(field), std::move(message));
  }

  Status keyword_line(std::size_t line, std::string_view keyword, std::string_view value) {
    const std::string field(keyword);
    auto fail = [&](std::string message) -> Status { return std::unexpected(error(line, field, std::move(message))); };
    if (value.empty()) return fail("no value");
    if (keyword == "SOURCE") {
      if (auto ok = finish_stanza(); !ok) return ok;
      config_.doors.emplace_back();
      ConfigDoor& d = config_.doors.back();
      d.door.name = str_cat("fwknop-", std::to_string(config_.doors.size()));
      d.spa.emplace();
      stanza_line_ = line;
      restrict_.clear();
      if (iequals(value, "ANY")) return {};
      for (std::size_t begin = 0; begin <= value.size();) {
        const std::size_t end = std::min(value.find(',', begin), value.size());
        const std::string_view item = knockd_trim(value.substr(begin, end - begin));
        begin = end + 1;
        const auto prefix = AddressPrefix::parse(item);
        if (!prefix) return fail(str_cat("expected ANY or addresses and networks like 198.18.0.0/15, got '", item, "'"));
        d.spa->sources.push_back(*prefix);
      }
      return {};
    }
    if (config_.doors.empty()) return fail("before the first SOURCE line (each stanza starts with SOURCE)");
    ConfigDoor& d = config_.doors.back();
    SpaDoor& spa = *d.spa;
    auto key = [&](std::vector<std::uint8_t>& out, bool base64) -> Status {
      if (!out.empty()) return fail("a second key of this kind in the stanza");
      if (!base64) {
        out.assign(value.begin(), value.end());
        return {};
      }
      auto bytes = decode_base64_key(value);
      if (!bytes) return fail("not base64");
      out = std::move(*bytes);
      return {};
    };
    auto seconds = [&](std::uint32_t& out) -> Status {
      const auto v = parse_decimal(value, 0xffffffff);
      if (!v || *v == 0) return fail(str_cat("expected seconds, got '", value, "'"));
      out = *v;
      return {};
    };
    if (keyword == "KEY") return key(spa.keys.key, false);
    if (keyword == "KEY_BASE64") return key(spa.keys.key, true);
    if (keyword == "HMAC_KEY") return key(spa.keys.hmac_key, false);
    if (keyword == "HMAC_KEY_BASE64") return key(spa.keys.hmac_key, true);
    if (keyword == "OPEN_PORTS" || keyword == "RESTRICT_PORTS") {
      auto ports = port_list(value);
      if (!ports) return fail(str_cat("expected ports like tcp/22, udp/53, got '", value, "'"));
      (keyword == "OPEN_PORTS" ? d.open_ports : restrict_) = std::move(*ports);
      return {};
    }
    if (keyword == "HMAC_DIGEST_TYPE") {
      std::string name(value);
      std::ranges::transform(name, name.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
      const auto digest = enum_from_name(kSpaDigestNames, name);
      if (!digest || !is_spa_hmac_digest(*digest))
        return fail(str_cat("unknown HMAC digest '", value, "' (expected MD5, SHA1, SHA256, SHA384 or SHA512)"));
      spa.keys.hmac_digest = *digest;
      return {};
    }
    if (keyword == "ENCRYPTION_MODE") {
      if (iequals(value, "legacy")) spa.keys.legacy_iv = true;
      else if (!iequals(value, "CBC")) return fail(str_cat("sesame decodes CBC and legacy only, not '", value, "'"));
      return {};
    }
    if (keyword == "FW_ACCESS_TIMEOUT") {
      std::uint32_t s = 0;
      if (auto ok = seconds(s); !ok) return ok;
      d.open_for = s;
      return {};
    }
    if (keyword == "MAX_FW_TIMEOUT") return seconds(spa.max_open_for);
    if (keyword == "REQUIRE_USERNAME") {
      spa.require_user = value;
      return {};
    }
    if (keyword == "REQUIRE_SOURCE_ADDRESS") {
      const auto yes = yes_no(value);
      if (!yes) return fail(str_cat("expected Y or N, got '", value, "'"));
      spa.require_source_address = *yes;
      return {};
    }
    if (keyword == "ACCESS_EXPIRE") {
      spa.expires = us_date(value);
      if (!spa.expires) return fail(str_cat("expected a date like 01/31/2027, got '", value, "'"));
      return {};
    }
    return fail("sesame cannot honour this keyword (it reads SOURCE, OPEN_PORTS, RESTRICT_PORTS, KEY, KEY_BASE64, "
                "HMAC_KEY, HMAC_KEY_BASE64, HMAC_DIGEST_TYPE, ENCRYPTION_MODE, FW_ACCESS_TIMEOUT, MAX_FW_TIMEOUT, "
                "REQUIRE_USERNAME, REQUIRE_SOURCE_ADDRESS and ACCESS_EXPIRE)");
  }

  // The stanza just read must open something sesame can name.
  Status finish_stanza() {
    if (config_.doors.empty()) return {};
    ConfigDoor& d = config_.doors.back();
    auto fail = [&](std::string message) -> Status {
      return std::unexpected(error(stanza_line_, "SOURCE", str_cat("the stanza from this line ", message)));
    };
    if (d.spa->keys.key.empty()) return fail("has no KEY or KEY_BASE64");
    if (d.spa->keys.hmac_key.empty())
      return fail("has no HMAC_KEY or HMAC_KEY_BASE64 (sesame requires fwknop --use-hmac)");
    if (d.open_ports.empty())
      return fail("has no OPEN_PORTS (sesame opens only the ports a door lists, so it cannot honour "
                  "RESTRICT_PORTS alone)");
    if (auto problem = spa_keys_error(d.spa->keys)) return fail(str_cat("has keys fwknop itself refuses: ", *problem));
    std::erase_if(d.open_ports, [&](const KnockStep& p) { return std::ranges::find(restrict_, p) != restrict_.end(); });
    if (d.open_ports.empty()) return fail("restricts every port it opens");
    return {};
  }

  std::string_view text_;
  std::string_view file_;
  Config config_;
  std::vector<KnockStep> restrict_;  // of the stanza being read
  std::size_t stanza_line_ = 0;
};

}  // namespace

std::expected<Config, ConfigError> parse_fwknop_access(std::string_view text, std::string_view file,
                                                       std::string_view interface) {
  return AccessReader(text, file).read(interface);
}

}  // namespace sesame
