// memory_files: a ReadFile over files held in memory, for tests and fuzz targets.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "core/config/config_check.h"

namespace sesame {

// Reads `files[path]`; any other path fails as a missing file would.
inline ReadFile memory_files(std::map<std::string, std::string> files) {
  return [files = std::move(files)](
             const std::string& path) -> std::expected<std::string, std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::unexpected(std::string("No such file or directory"));
    return it->second;
  };
}

}  // namespace sesame
