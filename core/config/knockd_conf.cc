// knockd.conf, line by line as knockd's parseconfig() walks it (see knockd_conf.h).
#include "core/config/knockd_conf.h"

#include <array>
#include <climits>
#include <optional>

#include "core/config/command_template.h"
#include "core/config/config_values.h"
#include "core/config/knockd_syntax.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

// knockd's CMD_TIMEOUT: seconds between start and stop command.
constexpr std::uint32_t kDefaultCmdTimeout = 10;
// knockd stores its timeouts from an int.
constexpr std::uint32_t kMaxSeconds = INT_MAX;

enum class Key : std::uint8_t {
  kUseSyslog,
  kLogFile,
  kPidFile,
  kInterface,  // [options]
  kSequence,
  kOneTimeSequences,
  kSeqTimeout,
  kTcpFlags,
  kTarget,
  kStart,
  kStart6,
  kCmdTimeout,
  kStop,
  kStop6,  // doors
};

struct KeyName {
  Key key;
  std::string_view name;  // the spelling knockd's man page uses; any case matches
  bool door;              // a door key, else an [options] key
};

// Every key knockd knows, aliases included.
constexpr std::array<KeyName, 17> kKeys{{
    {Key::kUseSyslog, "UseSyslog", false},
    {Key::kLogFile, "LogFile", false},
    {Key::kPidFile, "PidFile", false},
    {Key::kInterface, "Interface", false},
    {Key::kSequence, "Sequence", true},
    {Key::kOneTimeSequences, "One_Time_Sequences", true},
    {Key::kSeqTimeout, "Seq_Timeout", true},
    {Key::kSeqTimeout, "Timeout", true},
    {Key::kTcpFlags, "TCPFlags", true},
    {Key::kTarget, "Target", true},
    {Key::kStart, "Start_Command", true},
    {Key::kStart, "Command", true},
    {Key::kStart6, "Start_Command_6", true},
    {Key::kStart6, "Command_6", true},
    {Key::kCmdTimeout, "Cmd_Timeout", true},
    {Key::kStop, "Stop_Command", true},
    {Key::kStop6, "Stop_Command_6", true},
}};

std::optional<Key> key_from_name(std::string_view name, bool door) {
  for (const KeyName& k : kKeys)
    if (k.door == door && iequals(name, k.name)) return k.key;
  return std::nullopt;
}

std::string key_choices(bool door) {
  std::string out;
  for (const KeyName& k : kKeys) {
    if (k.door != door) continue;
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

class KnockdReader {
 public:
  KnockdReader(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  std::expected<ParsedConfig, ConfigError> read(const ReadFile& read_file) {
    auto lines = knockd_lines(text_, file_);
    if (!lines) return std::unexpected(lines.error());
    out_.format = ConfigFormat::kKnockd;
    Config& c = out_.config;
    c.firewall = FirewallBackend::kExec;
    c.log.syslog = false;
    c.interfaces = {"eth0"};
    for (const KnockdLine& line : *lines)
      if (auto r = read_line(line); !r) return std::unexpected(r.error());
    for (std::size_t i = 0; i < c.doors.size(); ++i)
      if (c.doors[i].exec.has_stop()) c.doors[i].open_for = cmd_timeouts_[i];
    if (auto r = check_config(c, spots_, text_, file_, read_file); !r)
      return std::unexpected(r.error());
    return std::move(out_);
  }

 private:
  enum class Section : std::uint8_t { kNone, kOptions, kDoor };

  ConfigError error(const KnockdLine& line, std::string_view at, std::string field,
                    std::string message) const {
    return config_error_at(file_, text_, line.number, column(line, at), std::move(field),
                           std::move(message));
  }
  static std::size_t column(const KnockdLine& line, std::string_view at) {
    return static_cast<std::size_t>(at.data() - line.text.data()) + 1;
  }
  SourceSpot spot(const KnockdLine& line, std::string_view at, std::string_view field) const {
    return {line.number, column(line, at), std::string(field)};
  }

  std::expected<void, ConfigError> read_line(const KnockdLine& line) {
    const std::string_view t = knockd_trim(line.text);
    if (t.empty() || t.front() == '#') return {};
    if (t.size() >= 2 && t.front() == '[' && t.back() == ']') return read_section(line, t);
    if (section_ == Section::kNone)
      return std::unexpected(error(line, t, "",
                                   "a setting before any section (expected a section header such "
                                   "as [options] or [openSSH] first)"));
    const std::size_t eq = t.find('=');
    const std::string_view key = knockd_trim(t.substr(0, eq));
    if (eq == std::string_view::npos) {
      if (iequals(key, "UseSyslog")) {
        out_.config.log.syslog = true;
        return {};
      }
      return std::unexpected(
          error(line, t, std::string(key), "expected 'key = value' (only UseSyslog stands alone)"));
    }
    const std::string_view value = knockd_trim(t.substr(eq + 1));
    // Point at where the value would be even when it is empty.
    const std::string_view at = value.empty() ? t.substr(eq + 1, 0) : value;
    const bool door = section_ == Section::kDoor;
    const auto k = key_from_name(key, door);
    if (!k) {
      std::string message = str_cat("unknown ", door ? "door" : "[options]", " key '", key,
                                    "' (expected ", key_choices(door), ")");
      if (!door && key_from_name(key, true)) message += "; door keys belong in a door section";
      if (door && key_from_name(key, false)) message += "; this key belongs in [options]";
      // knockd compares section names exactly: [Options] is a door.
      if (door && iequals(out_.config.doors.back().door.name, "options"))
        message += "; the options section is spelled [options], in lower case";
      return std::unexpected(error(line, key.empty() ? t : key, std::string(key), message));
    }
    return door ? read_door_key(line, *k, key, value, at) : read_option(line, *k, key, value, at);
  }

  std::expected<void, ConfigError> read_section(const KnockdLine& line, std::string_view t) {
    const std::string_view name = t.substr(1, t.size() - 2);
    if (name.empty())
      return std::unexpected(
          error(line, t, "", "empty section name (expected [options] or [door name])"));
    if (name == "options") {
      section_ = Section::kOptions;
      return {};
    }
    section_ = Section::kDoor;
    ConfigDoor d;
    d.door.name = std::string(name);
    out_.config.doors.push_back(std::move(d));
    cmd_timeouts_.push_back(kDefaultCmdTimeout);
    DoorSpots at;
    at.name = spot(line, name, str_cat("[", name, "]"));
    spots_.doors.push_back(std::move(at));
    return {};
  }

  std::expected<void, ConfigError> read_option(const KnockdLine& line, Key k, std::string_view key,
                                               std::string_view value, std::string_view at) {
    Config& c = out_.config;
    switch (k) {
      case Key::kUseSyslog:
        return std::unexpected(
            error(line, at, std::string(key), "UseSyslog takes no value (write just UseSyslog)"));
      case Key::kLogFile:
        c.log.file = std::string(value);
        return {};
      case Key::kPidFile:
        out_.warnings.push_back(error(line, at, std::string(key),
                                      "ignored: sesamed writes no pid file (systemd tracks it)"));
        return {};
      case Key::kInterface:
        // knockd keeps its default (eth0) when the value is empty.
        if (value.empty()) return {};
        c.interfaces = {std::string(value)};
        spots_.interfaces = spot(line, at, key);
        return {};
      default:
        return {};  // key_from_name only returns [options] keys here
    }
  }

  std::expected<void, ConfigError> read_door_key(const KnockdLine& line, Key k,
                                                 std::string_view key, std::string_view value,
                                                 std::string_view at) {
    ConfigDoor& d = out_.config.doors.back();
    DoorSpots& spots = spots_.doors.back();
    const std::string field(key);
    auto seconds = [&](std::uint32_t min) -> std::expected<std::uint32_t, ConfigError> {
      const auto n = parse_decimal(value, kMaxSeconds);
      if (!n || *n < min)
        return std::unexpected(error(line, at, field,
                                     str_cat("expected a whole number of seconds, at least ",
                                             std::to_string(min), " (got '", value, "')")));
      return *n;
    };
    switch (k) {
      case Key::kSequence: {
        auto steps = parse_knockd_sequence(value);
        if (!steps)
          return std::unexpected(error(
              line, value.substr(steps.error().offset), field,
              str_cat(steps.error().message, " (expected ports like 7000,8000:udp,9000:tcp)")));
        d.door.sequence = std::move(*steps);
        spots.sequence = spot(line, at, key);
        return {};
      }
      case Key::kOneTimeSequences:
        if (value.empty())
          return std::unexpected(
              error(line, at, field, "expected the path of a one-time sequence file"));
        d.one_time_sequences = std::string(value);
        spots.one_time_sequences = spot(line, at, key);
        return {};
      case Key::kSeqTimeout: {
        auto n = seconds(1);
        if (!n) return std::unexpected(n.error());
        d.door.seq_timeout = *n;
        return {};
      }
      case Key::kCmdTimeout: {
        auto n = seconds(0);
        if (!n) return std::unexpected(n.error());
        cmd_timeouts_.back() = *n;
        return {};
      }
      case Key::kTcpFlags:
        return read_tcp_flags(line, field, value, d.door.tcp_flags);
      case Key::kTarget: {
        const auto a = Address::parse(value);
        if (!a)
          return std::unexpected(error(
              line, at, field, str_cat("expected an IPv4 or IPv6 address (got '", value, "')")));
        d.door.target = *a;
        return {};
      }
      case Key::kStart:
        return read_command(line, field, value, at, d.exec.start);
      case Key::kStart6:
        return read_command(line, field, value, at, d.exec.start6);
      case Key::kStop:
        return read_command(line, field, value, at, d.exec.stop);
      case Key::kStop6:
        return read_command(line, field, value, at, d.exec.stop6);
      default:
        return {};  // key_from_name only returns door keys here
    }
  }

  // knockd upper-cases the value and splits it at ',' without trimming the words.
  std::expected<void, ConfigError> read_tcp_flags(const KnockdLine& line, const std::string& field,
                                                  std::string_view value, TcpFlagRule& rule) {
    std::size_t start = 0;
    for (bool last = false; !last;) {
      const std::size_t comma = value.find(',', start);
      last = comma == std::string_view::npos;
      const std::string_view word = value.substr(start, last ? value.npos : comma - start);
      const bool negated = !word.empty() && word.front() == '!';
      const auto bit = tcp_flag_from_name(negated ? word.substr(1) : word);
      if (!bit)
        return std::unexpected(
            error(line, word.empty() ? value.substr(start, 0) : word, field,
                  str_cat("unknown TCP flag '", word, "' (expected ", tcp_flag_choices(),
                          ", each optionally after '!', separated by ',' without spaces)")));
      rule.must_set = static_cast<std::uint8_t>(rule.must_set & ~*bit);
      rule.must_clear = static_cast<std::uint8_t>(rule.must_clear & ~*bit);
      (negated ? rule.must_clear : rule.must_set) |= *bit;
      start = comma + 1;
    }
    return {};
  }

  std::expected<void, ConfigError> read_command(const KnockdLine& line, const std::string& field,
                                                std::string_view value, std::string_view at,
                                                std::optional<CommandTemplate>& out) {
    KnockdCommand c = command_from_knockd(value);
    if (!c.shell_reason.empty()) {
      // As in knockd: the line runs under /bin/sh -c, with %IP% replaced by the
      // formatted address only. Noted, so an operator sees which doors use a shell.
      out_.shell_commands.push_back(error(line, at, field,
                                          str_cat("uses shell syntax (", c.shell_reason,
                                                  "), so it runs through /bin/sh -c, as in knockd; %IP% "
                                                  "becomes the knocker's address, formatted by sesame")));
      out_.warnings.push_back(out_.shell_commands.back());
    }
    out = std::move(c.command);
    return {};
  }

  std::string_view text_;
  std::string_view file_;
  ParsedConfig out_;
  ConfigSpots spots_;
  std::vector<std::uint32_t> cmd_timeouts_;  // per door: applies once all lines are read
  Section section_ = Section::kNone;
};

}  // namespace

std::expected<ParsedConfig, ConfigError> parse_knockd_conf(std::string_view text,
                                                           std::string_view file,
                                                           const ReadFile& read) {
  return KnockdReader(text, file).read(read);
}

}  // namespace sesame
