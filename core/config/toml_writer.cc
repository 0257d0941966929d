// Writing a Config back as sesame's TOML (sesame import-knockd), with the reader's key
// names.
#include "core/config/config_toml.h"

#include <string>
#include <utility>

#include "core/config/config_values.h"
#include "core/config/toml_keys.h"
#include "core/spa/base64.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

using namespace toml_keys;

// A TOML basic string: escapes for '"', '\' and control characters; other UTF-8 as is.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string port_value(KnockStep s) {
  return s.protocol == Protocol::kTcp ? std::to_string(s.port) : quoted(format_port(s));
}

// Opened ports name their protocol even for TCP: "22/tcp" reads as a firewall rule.
std::string open_value(KnockStep s) {
  return quoted(str_cat(std::to_string(s.port), "/", protocol_name(s.protocol)));
}

template <class T, class Format>
std::string array(const std::vector<T>& items, Format&& format) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + format(items[i]);
  return out + "]";
}

std::string line(std::string_view k, const std::string& value) {
  return str_cat(k, " = ", value, "\n");
}

std::string base64_key(const std::vector<std::uint8_t>& k) { return quoted(encode_base64_key(k)); }

// [door.spa]; keys from a key file stay there, and defaults are left out.
std::string spa_table(const SpaDoor& spa) {
  const SpaDoor defaults;
  std::string out = str_cat("\n[", key(RootKey::kDoor), ".", key(DoorKey::kSpa), "]\n");
  if (spa.port != defaults.port) out += line(key(SpaKey::kPort), std::to_string(spa.port));
  if (!spa.key_file.empty()) {
    out += line(key(SpaKey::kKeyFile), quoted(spa.key_file));
  } else {
    out += line(key(SpaKey::kKeyBase64), base64_key(spa.keys.key));
    if (!spa.keys.hmac_key.empty()) out += line(key(SpaKey::kHmacKeyBase64), base64_key(spa.keys.hmac_key));
  }
  if (spa.keys.hmac_digest != defaults.keys.hmac_digest)
    out += line(key(SpaKey::kHmacDigest), quoted(enum_name(kSpaDigestNames, spa.keys.hmac_digest)));
  if (spa.keys.legacy_iv) out += line(key(SpaKey::kLegacyIv), "true");
  if (spa.max_age != defaults.max_age) out += line(key(SpaKey::kMaxAge), quoted(format_duration(spa.max_age)));
  if (spa.max_open_for != defaults.max_open_for)
    out += line(key(SpaKey::kMaxOpenFor), quoted(format_duration(spa.max_open_for)));
  if (!spa.sources.empty())
    out += line(key(SpaKey::kSources), array(spa.sources, [](const AddressPrefix& p) { return quoted(p.to_string()); }));
  if (!spa.require_user.empty()) out += line(key(SpaKey::kRequireUser), quoted(spa.require_user));
  if (spa.require_source_address) out += line(key(SpaKey::kRequireSourceAddress), "true");
  if (spa.expires) out += line(key(SpaKey::kExpires), quoted(format_date(*spa.expires)));
  return out;
}

}  // namespace

std::string write_toml_config(const Config& c) {
  const Config defaults;
  std::string out = line(key(RootKey::kInterfaces), array(c.interfaces, quoted));
  if (c.user != defaults.user) out += line(key(RootKey::kUser), quoted(c.user));
  if (c.firewall != defaults.firewall)
    out += line(key(RootKey::kFirewall), quoted(firewall_backend_name(c.firewall)));
  if (c.table_capacity != defaults.table_capacity)
    out += line(key(RootKey::kTableCapacity), std::to_string(c.table_capacity));
  if (c.workers != defaults.workers) out += line(key(RootKey::kWorkers), std::to_string(c.workers));
  if (c.keep_grants_on_shutdown != defaults.keep_grants_on_shutdown)
    out += line(key(RootKey::kKeepGrantsOnShutdown), c.keep_grants_on_shutdown ? "true" : "false");
  if (c.matching != defaults.matching)
    out += line(key(RootKey::kMatching), quoted(matching_rules_name(c.matching)));
  if (c.any_vlan != defaults.any_vlan) out += line(key(RootKey::kAnyVlan), c.any_vlan ? "true" : "false");
  if (c.max_grant_lifetime != defaults.max_grant_lifetime)
    out += line(key(RootKey::kMaxGrantLifetime), quoted(format_duration(c.max_grant_lifetime)));
  if (c.max_grants_per_door != defaults.max_grants_per_door)
    out += line(key(RootKey::kMaxGrantsPerDoor), std::to_string(c.max_grants_per_door));
  if (c.ipv6_limit_prefix != defaults.ipv6_limit_prefix)
    out += line(key(RootKey::kIpv6LimitPrefix), std::to_string(c.ipv6_limit_prefix));
  if (c.ring_blocks != defaults.ring_blocks) out += line(key(RootKey::kRingBlocks), std::to_string(c.ring_blocks));
  out += str_cat("\n[", key(RootKey::kLog), "]\n");
  out += line(key(LogKey::kSyslog), c.log.syslog ? "true" : "false");
  out += line(key(LogKey::kStderr), c.log.to_stderr ? "true" : "false");
  if (!c.log.file.empty()) out += line(key(LogKey::kFile), quoted(c.log.file));
  if (!c.log.ident.empty()) out += line(key(LogKey::kIdent), quoted(c.log.ident));
  for (const ConfigDoor& d : c.doors) {
    out += str_cat("\n[[", key(RootKey::kDoor), "]]\n");
    out += line(key(DoorKey::kName), quoted(d.door.name));
    if (!d.one_time_sequences.empty())
      out += line(key(DoorKey::kOneTimeSequences), quoted(d.one_time_sequences));
    else if (!d.spa)
      out += line(key(DoorKey::kSequence), array(d.door.sequence, port_value));
    if (!d.spa) out += line(key(DoorKey::kSeqTimeout), quoted(format_duration(d.door.seq_timeout)));
    if (d.door.tcp_flags != TcpFlagRule{})
      out += line(key(DoorKey::kTcpFlags), array(tcp_flag_words(d.door.tcp_flags), quoted));
    if (d.door.target) out += line(key(DoorKey::kTarget), quoted(d.door.target->to_string()));
    if (d.door.scan_guard != kDefaultScanGuard)
      out += line(key(DoorKey::kScanGuard), std::to_string(d.door.scan_guard));
    if (!d.open_ports.empty()) out += line(key(DoorKey::kOpen), array(d.open_ports, open_value));
    if (d.open_for) out += line(key(DoorKey::kOpenFor), quoted(format_duration(*d.open_for)));
    if (!d.close_sequence.empty())
      out += line(key(DoorKey::kCloseSequence), array(d.close_sequence, port_value));
    const std::pair<DoorKey, const std::optional<CommandTemplate>*> commands[] = {
        {DoorKey::kStart, &d.exec.start},
        {DoorKey::kStart6, &d.exec.start6},
        {DoorKey::kStop, &d.exec.stop},
        {DoorKey::kStop6, &d.exec.stop6},
    };
    for (const auto& [k, command] : commands)
      if (*command) out += line(key(k), array((*command)->argv, quoted));
    if (d.exec.timeout != kDefaultCommandTimeout)
      out += line(key(DoorKey::kCommandTimeout), quoted(format_duration(d.exec.timeout)));
    if (d.spa) out += spa_table(*d.spa);
    if (d.allow_link_local) out += line(key(DoorKey::kLinkLocalSources), "true");
  }
  return out;
}

}  // namespace sesame
