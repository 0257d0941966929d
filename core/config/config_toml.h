// sesame's TOML configuration format: reading it, and writing a Config back as TOML
// (sesame import-knockd). systemd/sesame.toml.example shows every key.
//
//   interfaces = ["eth0"]          required: where knocks are sniffed
//   user = "sesame"                sesamed's user once set up
//   firewall = "ufw"               "ufw" (default), "nft" or "exec"
//   table_capacity = 524288        knock sources tracked at once
//   workers = 1                    packet-reading threads
//   [log]  syslog = true, stderr = false, file = "/var/log/sesame.log" (none by default)
//   [[door]]                       one per door, in matching order
//   name = "ssh"                   required, unique
//   sequence = [7000, 8000, "9000/udp"]   or one_time_sequences = "/path" (knockd's file)
//   seq_timeout = "5s"             default 25s; durations are "30s", "2m", "1h"
//   tcp_flags = ["syn", "!ack"]    TCP knocks must have / must not have these flags
//   target = "192.0.2.1"           knocks go to this address (default: the interface's)
//   open = "55555/tcp"             ufw, nft: port(s) opened to the knocking address only
//   open_for = "1h"                close again after this long
//   close_sequence = [9000, 8000, 7000]   or close on this sequence (or both)
//   start, start6, stop, stop6     exec: argv arrays, "%IP%" is the knocking address;
//                                  the 6 variants serve IPv6 knockers (default: start,
//                                  stop); stop runs after open_for or on close_sequence
//   [door.spa]                     an fwknop SPA door instead of a sequence (ufw, nft):
//   port = 62201                   UDP; key, key_base64 or key_file; hmac_key or
//                                  hmac_key_base64; hmac_digest = "sha256"; legacy_iv;
//                                  max_age = "2m"; max_open_for = "5m"; sources = [...];
//                                  require_user; require_source_address; expires = "2027-01-31"
//
// A port is an integer (TCP) or a string "7000", "7000/tcp" or "7000/udp". Unknown keys,
// wrong types and values out of range are errors with their position.
#pragma once

#include <array>
#include <expected>
#include <string>
#include <string_view>

#include "core/config/config.h"
#include "core/config/config_check.h"
#include "core/config/config_error.h"

namespace sesame {

// The tables a sesame TOML file may hold at its top level ([log], [[door]]).
inline constexpr std::array<std::string_view, 2> kTomlTableNames{"log", "door"};

// The config in `text` (named `file` in errors), with one-time sequence files read
// through `read`. Fails with the first problem; toml++'s exceptions never leave.
std::expected<ParsedConfig, ConfigError> parse_toml_config(std::string_view text,
                                                           std::string_view file,
                                                           const ReadFile& read);

// TOML that parse_toml_config reads back as `config` (one-time sequences re-read from
// their files). Defaults are left out, except that [log] is always written in full.
std::string write_toml_config(const Config& config);

}  // namespace sesame
