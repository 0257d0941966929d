// check_config: what both config formats must satisfy beyond each field's own syntax,
// and the loading of one-time sequences that those checks need.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/config_error.h"

namespace sesame {

// Where a parser found something, so a problem found later still points into the file.
struct SourceSpot {
  std::size_t line = 0;  // 0: not in the file (a default)
  std::size_t column = 0;
  std::string field;
};

struct DoorSpots {
  SourceSpot name;  // also the door as a whole
  SourceSpot sequence;
  SourceSpot close_sequence;
  SourceSpot one_time_sequences;
  SourceSpot spa;       // [door.spa]
  SourceSpot key_file;  // [door.spa] key_file
};

struct ConfigSpots {
  SourceSpot interfaces;
  std::vector<DoorSpots> doors;  // parallel to Config::doors
};

// Returns a file's whole text, or why it cannot (strerror's words). core does no I/O:
// the daemon passes one that reads the file system, tests and fuzzers their own.
using ReadFile = std::function<std::expected<std::string, std::string>(const std::string& path)>;

// Checks, in this order: at least one door; interface names (valid, none twice); each
// door has a valid name and exactly one of a sequence and a one-time file (whose
// current sequence it then loads through `read`; a file that cannot be read or has no
// sequence left disables the door, ConfigDoor::disabled), or is an SPA door with usable
// keys (its key_file loaded through `read`), an HMAC key and open_for (default 30s) no
// longer than max_open_for; door names are unique (close doors included); no close
// sequence equals its open one; no matcher door's sequence is a prefix of (or equal
// to) another's with the same TCP flags and target; and Matcher::build accepts the
// doors. Sets each door's line.
// Returns the first problem, located through `spots` in `text` (the config's text, named
// `file`) or in the one-time file.
std::expected<void, ConfigError> check_config(Config& config, const ConfigSpots& spots,
                                              std::string_view text, std::string_view file,
                                              const ReadFile& read);

}  // namespace sesame
