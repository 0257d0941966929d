// Reading sesame's TOML format through toml++, with every key, type and range checked
// here so that an error names its position.
#include "core/config/config_toml.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/config/config_values.h"
#include "core/config/toml_keys.h"
#include "core/config/tomlpp.h"
#include "core/spa/base64.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

using namespace toml_keys;

// Bounds that keep a typo from sizing memory or threads absurdly.
constexpr std::int64_t kMaxTableCapacity = std::int64_t{1} << 28;
constexpr std::int64_t kMaxWorkers = 256;
constexpr std::int64_t kMaxGrantsPerDoor = 4096;  // the helper's kMaxGrants

std::string_view type_word(toml::node_type t) {
  switch (t) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

using Status = std::expected<void, ConfigError>;

// toml++ counts columns in code points; ConfigError counts bytes.
std::size_t byte_column(std::string_view line, std::size_t code_point_column) {
  std::size_t i = 0;
  for (std::size_t cp = 1; cp < code_point_column && i < line.size(); ++cp) {
    do ++i;
    while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xc0) == 0x80);
  }
  return i + 1;
}

class TomlReader {
 public:
  TomlReader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  std::expected<ParsedConfig, ConfigError> read(const ReadFile& read_file) {
    toml::table root;
    try {
      root = toml::parse(text_, file_);
    } catch (const toml::parse_error& e) {
      return std::unexpected(error_at(e.source().begin, "", std::string(e.description())));
    }
    if (auto r = read_root(root); !r) return std::unexpected(r.error());
    if (auto r = check_config(out_.config, spots_, text_, file_, read_file); !r)
      return std::unexpected(r.error());
    return std::move(out_);
  }

 private:
  ConfigError error_at(const toml::source_position& p, std::string field,
                       std::string message) const {
    return config_error_at(file_, text_, p.line, byte_column(nth_line(text_, p.line), p.column),
                           std::move(field), std::move(message));
  }

  std::unexpected<ConfigError> fail(const toml::node& n, std::string field,
                                    std::string message) const {
    return std::unexpected(error_at(n.source().begin, std::move(field), std::move(message)));
  }
  std::unexpected<ConfigError> wrong_type(const toml::node& n, const std::string& field,
                                          std::string_view expected) const {
    return fail(n, field, str_cat("expected ", expected, ", got ", type_word(n.type())));
  }
  SourceSpot spot(const toml::node& n, std::string field) const {
    const toml::source_position& p = n.source().begin;
    return {p.line, byte_column(nth_line(text_, p.line), p.column), std::move(field)};
  }

  // Calls read(K, node, field) for each key of `table` in file order (so the first
  // problem reported is the first in the file), refusing keys not in `keys`.
  template <class K, std::size_t N, class Read>
  Status each_key(const toml::table& table, const std::string& path,
                  const std::array<EnumName<K>, N>& keys, Read&& read) const {
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [name, node] : table) entries.emplace_back(&name, &node);
    std::ranges::sort(entries, {}, [](const auto& e) {
      const toml::source_position& p = e.first->source().begin;
      return std::pair(p.line, p.column);
    });
    for (const auto& [name_ptr, node_ptr] : entries) {
      const toml::key& name = *name_ptr;
      const toml::node& node = *node_ptr;
      const std::string field = path + std::string(name.str());
      const auto k = enum_from_name(keys, name.str());
      if (!k)
        return std::unexpected(error_at(name.source().begin, field,
                                        str_cat("unknown key (expected ", enum_choices(keys), ")")));
      if (auto r = read(*k, node, field); !r) return r;
    }
    return {};
  }

  Status read_root(const toml::table& root) {
    Config& c = out_.config;
    const toml::node* doors = nullptr;
    std::string doors_field;
    auto r = each_key(
        root, "", kRootKeys,
        [&](RootKey k, const toml::node& n, const std::string& field) -> Status {
          switch (k) {
            case RootKey::kInterfaces:
              spots_.interfaces = spot(n, field);
              return read_strings(n, field, c.interfaces);
            case RootKey::kUser:
              if (auto s = read_string(n, field, c.user); !s) return s;
              if (c.user.empty()) return fail(n, field, "expected a user name");
              return {};
            case RootKey::kFirewall: {
              std::string name;
              if (auto s = read_string(n, field, name); !s) return s;
              const auto b = firewall_backend_from_name(name);
              if (!b)
                return fail(n, field,
                            str_cat("unknown firewall '", name, "' (expected ufw, nft or exec)"));
              c.firewall = *b;
              return {};
            }
            case RootKey::kTableCapacity: {
              auto v = read_integer(n, field, 1, kMaxTableCapacity);
              if (v) c.table_capacity = static_cast<std::size_t>(*v);
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kWorkers: {
              auto v = read_integer(n, field, 1, kMaxWorkers);
              if (v) c.workers = static_cast<std::uint32_t>(*v);
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kKeepGrantsOnShutdown:
              return read_bool(n, field, c.keep_grants_on_shutdown);
            case RootKey::kAnyVlan:
              return read_bool(n, field, c.any_vlan);
            case RootKey::kMaxGrantLifetime: {
              auto v = read_duration(n, field, 1);
              if (v) c.max_grant_lifetime = *v;
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kIpv6LimitPrefix: {
              auto v = read_integer(n, field, 1, 128);
              if (v) c.ipv6_limit_prefix = static_cast<std::uint8_t>(*v);
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kRingBlocks: {
              // Two at least: the kernel fills one while the worker reads another.
              auto v = read_integer(n, field, 2, kMaxRingBlocks);
              if (v) c.ring_blocks = static_cast<std::uint32_t>(*v);
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kMaxGrantsPerDoor: {
              auto v = read_integer(n, field, 1, kMaxGrantsPerDoor);
              if (v) c.max_grants_per_door = static_cast<std::uint32_t>(*v);
              return v ? Status{} : std::unexpected(v.error());
            }
            case RootKey::kLog:
              return read_log(n, field);
            case RootKey::kDoor:
              doors = &n;  // after the loop: doors depend on the firewall, whatever the key order
              doors_field = field;
              return {};
            case RootKey::kMatching: {
              std::string name;
              if (auto s = read_string(n, field, name); !s) return s;
              const auto rules = matching_rules_from_name(name);
              if (!rules)
                return fail(n, field,
                            str_cat("unknown matching '", name, "' (expected ",
                                    enum_choices(kMatchingRulesNames), ")"));
              c.matching = *rules;
              return {};
            }
          }
          return {};
        });
    if (!r) return r;
    if (!root.contains(key(RootKey::kInterfaces)))
      return std::unexpected(error_at({0, 0}, std::string(key(RootKey::kInterfaces)),
                                      "missing: expected interfaces = [\"eth0\"] (or another "
                                      "interface) at the top of the file"));
    if (!doors) return {};  // check_config reports the missing doors
    const toml::array* list = doors->as_array();
    if (!list || !list->is_array_of_tables())
      return wrong_type(*doors, doors_field, "[[door]] tables");
    for (std::size_t i = 0; i < list->size(); ++i)
      if (auto d =
              read_door(*(*list)[i].as_table(), str_cat(doors_field, "[", std::to_string(i), "]"));
          !d)
        return d;
    return {};
  }

  Status read_log(const toml::node& n, const std::string& path) {
    const toml::table* t = n.as_table();
    if (!t) return wrong_type(n, path, "a table");
    Logging& log = out_.config.log;
    return each_key(*t, path + ".", kLogKeys,
                    [&](LogKey k, const toml::node& v, const std::string& field) -> Status {
                      switch (k) {
                        case LogKey::kSyslog:
                          return read_bool(v, field, log.syslog);
                        case LogKey::kStderr:
                          return read_bool(v, field, log.to_stderr);
                        case LogKey::kFile:
                          if (auto s = read_string(v, field, log.file); !s) return s;
                          if (log.file.empty())
                            return fail(v, field,
                                        "expected a file path (leave the key out for no log file)");
                          return {};
                        case LogKey::kIdent:
                          if (auto s = read_string(v, field, log.ident); !s) return s;
                          if (log.ident.empty() || std::ranges::any_of(log.ident, [](char c) {
                                return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
                              }))
                            return fail(v, field, "expected a syslog tag such as \"knockd\" (no blanks)");
                          return {};
                      }
                      return {};
                    });
  }

  Status read_door(const toml::table& t, const std::string& path) {
    ConfigDoor d;
    DoorSpots at;
    at.name = spot(t, path);
    bool has_timeout = false;
    auto r =
        each_key(t, path + ".", kDoorKeys,
                 [&](DoorKey k, const toml::node& n, const std::string& field) -> Status {
                   switch (k) {
                     case DoorKey::kName:
                       at.name = spot(n, field);
                       return read_string(n, field, d.door.name);
                     case DoorKey::kSequence:
                       at.sequence = spot(n, field);
                       return read_sequence(n, field, d.door.sequence);
                     case DoorKey::kOneTimeSequences:
                       at.one_time_sequences = spot(n, field);
                       if (auto s = read_string(n, field, d.one_time_sequences); !s) return s;
                       if (d.one_time_sequences.empty())
                         return fail(n, field, "expected the path of a one-time sequence file");
                       return {};
                     case DoorKey::kSeqTimeout: {
                       auto v = read_duration(n, field, 1);
                       if (v) d.door.seq_timeout = *v;
                       return v ? Status{} : std::unexpected(v.error());
                     }
                     case DoorKey::kTcpFlags:
                       return read_tcp_flags(n, field, d.door.tcp_flags);
                     case DoorKey::kTarget: {
                       std::string text;
                       if (auto s = read_string(n, field, text); !s) return s;
                       d.door.target = Address::parse(text);
                       if (!d.door.target)
                         return fail(n, field,
                                     str_cat("expected an IPv4 or IPv6 address, got '", text, "'"));
                       return {};
                     }
                     case DoorKey::kOpen:
                       if (n.is_array()) return read_ports(n, field, d.open_ports);
                       d.open_ports.resize(1);
                       return read_port(n, field, d.open_ports[0]);
                     case DoorKey::kOpenFor: {
                       has_timeout = true;
                       auto v = read_duration(n, field, 0);
                       if (v) d.open_for = *v;
                       return v ? Status{} : std::unexpected(v.error());
                     }
                     case DoorKey::kCloseSequence:
                       at.close_sequence = spot(n, field);
                       return read_sequence(n, field, d.close_sequence);
                     case DoorKey::kStart:
                       return read_command(n, field, d.exec.start);
                     case DoorKey::kStart6:
                       return read_command(n, field, d.exec.start6);
                     case DoorKey::kStop:
                       return read_command(n, field, d.exec.stop);
                     case DoorKey::kStop6:
                       return read_command(n, field, d.exec.stop6);
                     case DoorKey::kScanGuard: {
                       auto v = read_integer(n, field, 0, kMaxScanGuard);
                       if (v) d.door.scan_guard = static_cast<std::uint8_t>(*v);
                       return v ? Status{} : std::unexpected(v.error());
                     }
                     case DoorKey::kSpa:
                       at.spa = spot(n, field);
                       return read_spa(n, field, d.spa.emplace(), at);
                     case DoorKey::kLinkLocalSources:
                       return read_bool(n, field, d.allow_link_local);
                     case DoorKey::kCommandTimeout: {
                       auto v = read_duration(n, field, 1);
                       if (v) d.exec.timeout = *v;
                       return v ? Status{} : std::unexpected(v.error());
                     }
                   }
                   return {};
                 });
    if (!r) return r;
    if (!t.contains(key(DoorKey::kName)))
      return fail(t, path, "missing name (expected name = \"...\")");
    if (auto s = check_backend(t, path, d); !s) return s;
    out_.config.doors.push_back(std::move(d));
    spots_.doors.push_back(std::move(at));
    return {};
  }

  // What opens and closes the door must suit the firewall backend.
  Status check_backend(const toml::table& t, const std::string& path, const ConfigDoor& d) const {
    auto node = [&](DoorKey k) { return t.get(key(k)); };
    auto field = [&](DoorKey k) { return str_cat(path, ".", key(k)); };
    if (d.spa) {
      if (out_.config.firewall == FirewallBackend::kExec)
        return fail(*node(DoorKey::kSpa), field(DoorKey::kSpa),
                    "an SPA door opens the ports its packet asks for: expected firewall = \"ufw\" or \"nft\"");
      // The packet is the whole knock: nothing of a knock sequence applies.
      for (DoorKey k : {DoorKey::kSequence, DoorKey::kOneTimeSequences, DoorKey::kSeqTimeout,
                        DoorKey::kTcpFlags, DoorKey::kTarget, DoorKey::kCloseSequence})
        if (const toml::node* n = node(k))
          return fail(*n, field(k), "an SPA door has no knock sequence; leave this out");
    }
    if (out_.config.firewall != FirewallBackend::kExec) {
      for (DoorKey k : {DoorKey::kStart, DoorKey::kStart6, DoorKey::kStop, DoorKey::kStop6, DoorKey::kCommandTimeout})
        if (const toml::node* n = node(k))
          return fail(*n, field(k),
                      "commands are for firewall = \"exec\"; with " +
                          std::string(firewall_backend_name(out_.config.firewall)) +
                          ", write open = \"PORT/PROTO\"");
      if (d.open_ports.empty())
        return fail(t, path, "missing open (expected the port to open, like open = \"22/tcp\")");
      return {};
    }
    if (const toml::node* n = node(DoorKey::kOpen))
      return fail(
          *n, field(DoorKey::kOpen),
          "open is for the ufw and nft firewalls; with exec, write start and stop commands");
    if (d.exec.has_stop() && !d.open_for && d.close_sequence.empty())
      return fail(*node(d.exec.stop ? DoorKey::kStop : DoorKey::kStop6),
                  field(d.exec.stop ? DoorKey::kStop : DoorKey::kStop6),
                  "a stop command needs open_for or close_sequence to say when it runs");
    if (!d.exec.has_stop() && (d.open_for || !d.close_sequence.empty())) {
      const DoorKey k = d.open_for ? DoorKey::kOpenFor : DoorKey::kCloseSequence;
      return fail(*node(k), field(k),
                  "with firewall = \"exec\", closing runs the stop command: "
                  "expected stop = [...]");
    }
    return {};
  }

  Status read_string(const toml::node& n, const std::string& field, std::string& out) const {
    const auto* s = n.as_string();
    if (!s) return wrong_type(n, field, "a string");
    out = s->get();
    return {};
  }

  Status read_strings(const toml::node& n, const std::string& field,
                      std::vector<std::string>& out) const {
    const toml::array* a = n.as_array();
    if (!a) return wrong_type(n, field, "an array of strings");
    out.clear();
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string item = str_cat(field, "[", std::to_string(i), "]");
      if (auto s = read_string((*a)[i], item, out.emplace_back()); !s) return s;
      if (out.back().find('\0') != std::string::npos)
        return fail((*a)[i], item, "NUL character in a string");
    }
    return {};
  }

  Status read_bool(const toml::node& n, const std::string& field, bool& out) const {
    const auto* b = n.as_boolean();
    if (!b) return wrong_type(n, field, "true or false");
    out = b->get();
    return {};
  }

  std::expected<std::int64_t, ConfigError> read_integer(const toml::node& n,
                                                        const std::string& field, std::int64_t min,
                                                        std::int64_t max) const {
    const auto* i = n.as_integer();
    if (!i) return wrong_type(n, field, "an integer");
    if (i->get() < min || i->get() > max)
      return fail(n, field,
                  str_cat("expected ", std::to_string(min), " to ", std::to_string(max), ", got ",
                          std::to_string(i->get())));
    return i->get();
  }

  std::expected<std::uint32_t, ConfigError> read_duration(const toml::node& n,
                                                          const std::string& field,
                                                          std::uint32_t min) const {
    const auto* s = n.as_string();
    if (!s) return wrong_type(n, field, "a duration string like \"5s\", \"2m\" or \"1h\"");
    const auto v = parse_duration(s->get());
    if (!v)
      return fail(
          n, field,
          str_cat("expected a duration like \"5s\", \"2m\" or \"1h\", got \"", s->get(), "\""));
    if (*v < min) return fail(n, field, str_cat("expected at least ", format_duration(min)));
    return *v;
  }

  Status read_port(const toml::node& n, const std::string& field, KnockStep& out) const {
    constexpr std::string_view kExpected = "a port like 7000, \"7000/tcp\" or \"7000/udp\"";
    if (const auto* i = n.as_integer()) {
      if (i->get() < 1 || i->get() > 65535)
        return fail(
            n, field,
            str_cat("port ", std::to_string(i->get()), " is out of range (expected 1-65535)"));
      out = {Protocol::kTcp, static_cast<std::uint16_t>(i->get())};
      return {};
    }
    const auto* s = n.as_string();
    if (!s) return wrong_type(n, field, kExpected);
    const std::string_view text = s->get();
    const std::size_t slash = text.find('/');
    out.protocol = Protocol::kTcp;
    if (slash != std::string_view::npos) {
      const auto p = protocol_from_name(text.substr(slash + 1));
      if (!p)
        return fail(n, field,
                    str_cat("unknown protocol in \"", s->get(), "\" (expected tcp or udp)"));
      out.protocol = *p;
    }
    const auto port = parse_decimal(text.substr(0, slash), 65535);
    if (!port || *port == 0)
      return fail(n, field,
                  str_cat("expected ", kExpected, " with a port 1-65535, got \"", s->get(), "\""));
    out.port = static_cast<std::uint16_t>(*port);
    return {};
  }

  Status read_ports(const toml::node& n, const std::string& field,
                    std::vector<KnockStep>& out) const {
    const toml::array* a = n.as_array();
    if (!a) return wrong_type(n, field, "an array of ports");
    if (a->empty()) return fail(n, field, "empty array (expected at least one port)");
    out.assign(a->size(), {});
    for (std::size_t i = 0; i < a->size(); ++i)
      if (auto s = read_port((*a)[i], str_cat(field, "[", std::to_string(i), "]"), out[i]); !s)
        return s;
    return {};
  }

  Status read_sequence(const toml::node& n, const std::string& field,
                       std::vector<KnockStep>& out) const {
    if (auto s = read_ports(n, field, out); !s) return s;
    if (out.size() > kMaxSequenceLength)
      return fail(
          n, field,
          str_cat("more than ", std::to_string(kMaxSequenceLength), " knocks (knockd's limit)"));
    return {};
  }

  Status read_tcp_flags(const toml::node& n, const std::string& field, TcpFlagRule& out) const {
    std::vector<std::string> words;
    if (auto s = read_strings(n, field, words); !s) return s;
    out = {};
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string_view w = words[i];
      const bool negated = !w.empty() && w.front() == '!';
      const auto bit = tcp_flag_from_name(negated ? w.substr(1) : w);
      const toml::node& item = *n.as_array()->get(i);
      const std::string item_field = str_cat(field, "[", std::to_string(i), "]");
      if (!bit)
        return fail(item, item_field,
                    str_cat("unknown TCP flag \"", words[i], "\" (expected ", tcp_flag_choices(),
                            ", each optionally after '!')"));
      if ((out.must_set | out.must_clear) & *bit) return fail(item, item_field, "flag given twice");
      (negated ? out.must_clear : out.must_set) |= *bit;
    }
    return {};
  }

  // [door.spa]: the keys are checked for presence and size by check_config, which
  // also reads key_file.
  Status read_spa(const toml::node& n, const std::string& path, SpaDoor& spa, DoorSpots& at) const {
    const toml::table* t = n.as_table();
    if (!t) return wrong_type(n, path, "a table ([door.spa])");
    auto read_key = [&](const toml::node& v, const std::string& field, bool base64,
                        std::vector<std::uint8_t>& out) -> Status {
      std::string text;
      if (auto s = read_string(v, field, text); !s) return s;
      if (!base64) {
        out.assign(text.begin(), text.end());
        return {};
      }
      auto bytes = decode_base64_key(text);
      if (!bytes) return fail(v, field, "expected base64 (as fwknop --key-gen prints it)");
      out = std::move(*bytes);
      return {};
    };
    bool have_key = false;
    bool have_hmac_key = false;
    auto once = [&](bool& seen, const toml::node& v, const std::string& field, std::string_view what) -> Status {
      if (seen) return fail(v, field, str_cat("a second ", what, " (expected one of ", what, ", ", what, "_base64",
                                              what == "key" ? ", key_file" : "", ")"));
      seen = true;
      return {};
    };
    return each_key(*t, path + ".", kSpaKeys, [&](SpaKey k, const toml::node& v, const std::string& field) -> Status {
      switch (k) {
        case SpaKey::kPort: {
          auto p = read_integer(v, field, 1, 65535);
          if (p) spa.port = static_cast<std::uint16_t>(*p);
          return p ? Status{} : std::unexpected(p.error());
        }
        case SpaKey::kKey:
        case SpaKey::kKeyBase64:
          if (auto s = once(have_key, v, field, "key"); !s) return s;
          return read_key(v, field, k == SpaKey::kKeyBase64, spa.keys.key);
        case SpaKey::kKeyFile:
          if (auto s = once(have_key, v, field, "key"); !s) return s;
          at.key_file = spot(v, field);
          if (auto s = read_string(v, field, spa.key_file); !s) return s;
          if (spa.key_file.empty()) return fail(v, field, "expected the path of a key file");
          return {};
        case SpaKey::kHmacKey:
        case SpaKey::kHmacKeyBase64:
          if (auto s = once(have_hmac_key, v, field, "hmac_key"); !s) return s;
          return read_key(v, field, k == SpaKey::kHmacKeyBase64, spa.keys.hmac_key);
        case SpaKey::kHmacDigest: {
          std::string name;
          if (auto s = read_string(v, field, name); !s) return s;
          const auto digest = enum_from_name(kSpaDigestNames, name);
          if (!digest || !is_spa_hmac_digest(*digest))
            return fail(v, field, str_cat("unknown HMAC digest '", name, "' (expected sha256, sha1, sha384, sha512 or md5)"));
          spa.keys.hmac_digest = *digest;
          return {};
        }
        case SpaKey::kLegacyIv:
          return read_bool(v, field, spa.keys.legacy_iv);
        case SpaKey::kMaxAge: {
          auto d = read_duration(v, field, 1);
          if (d) spa.max_age = *d;
          return d ? Status{} : std::unexpected(d.error());
        }
        case SpaKey::kMaxOpenFor: {
          auto d = read_duration(v, field, 1);
          if (d) spa.max_open_for = *d;
          return d ? Status{} : std::unexpected(d.error());
        }
        case SpaKey::kSources: {
          std::vector<std::string> texts;
          if (auto s = read_strings(v, field, texts); !s) return s;
          for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto prefix = AddressPrefix::parse(texts[i]);
            if (!prefix)
              return fail(*v.as_array()->get(i), str_cat(field, "[", std::to_string(i), "]"),
                          str_cat("expected an address or a network like \"198.18.0.0/15\", got '", texts[i], "'"));
            spa.sources.push_back(*prefix);
          }
          return {};
        }
        case SpaKey::kRequireSourceAddress:
          return read_bool(v, field, spa.require_source_address);
        case SpaKey::kExpires: {
          std::string text;
          if (auto s = read_string(v, field, text); !s) return s;
          spa.expires = parse_date(text);
          if (!spa.expires) return fail(v, field, str_cat("expected a date like \"2027-01-31\", got \"", text, "\""));
          return {};
        }
        case SpaKey::kRequireUser:
          if (auto s = read_string(v, field, spa.require_user); !s) return s;
          if (spa.require_user.empty()) return fail(v, field, "expected a user name (leave the key out for any)");
          return {};
      }
      return {};
    });
  }

  Status read_command(const toml::node& n, const std::string& field,
                      std::optional<CommandTemplate>& out) const {
    CommandTemplate c;
    if (auto s = read_strings(n, field, c.argv); !s) return s;
    out = std::move(c);
    return {};
  }

  std::string_view text_;
  std::string_view file_;
  ParsedConfig out_;
  ConfigSpots spots_;
};

}  // namespace

std::expected<ParsedConfig, ConfigError> parse_toml_config(std::string_view text,
                                                           std::string_view file,
                                                           const ReadFile& read) {
  return TomlReader(text, file).read(read);
}

}  // namespace sesame
