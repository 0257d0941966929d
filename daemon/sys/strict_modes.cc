// Ownership and mode checks with stat(2), from the file up to /.
#include "daemon/sys/strict_modes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/str_cat.h"

namespace sesame {
namespace {

// Single quotes for a shell, so that the fixing command can be pasted.
std::string quoted(const std::string& path) {
  std::string out = "'";
  for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::optional<UnsafePath> unsafe_entry(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return UnsafePath{path, std::strerror(errno)};
  const bool wrong_owner = st.st_uid != 0;
  // A sticky directory of root's keeps others from replacing what root put in it.
  const bool sticky_root_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
  const bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_root_dir;
  if (!wrong_owner && !writable) return std::nullopt;
  std::string why = wrong_owner ? str_cat("owned by uid ", std::to_string(st.st_uid), ", not root") : "";
  if (writable) why += str_cat(wrong_owner ? " and " : "", "writable by group or others");
  std::string fix = wrong_owner ? str_cat("chown root:root ", quoted(path)) : "";
  if (writable) fix += str_cat(wrong_owner ? " && " : "", "chmod go-w ", quoted(path));
  return UnsafePath{path, str_cat(why, "; sesame acts as root on what it holds (fix: ", fix, ")")};
}

}  // namespace

std::optional<UnsafePath> unsafe_path(const std::string& path) {
  const std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), std::free);
  if (!real) return UnsafePath{path, std::strerror(errno)};
  std::string at = real.get();
  for (;;) {
    if (auto bad = unsafe_entry(at)) return bad;
    if (at == "/") return std::nullopt;
    const auto slash = at.find_last_of('/');
    at = slash == 0 ? std::string("/") : at.substr(0, slash);
  }
}

std::optional<ConfigError> strict_modes_refusal(const std::string& config_path, const Config& config) {
  auto refuse = [](const UnsafePath& bad) { return ConfigError{bad.path, 0, 0, "", bad.why, ""}; };
  if (auto bad = unsafe_path(config_path)) return refuse(*bad);
  for (const ConfigDoor& d : config.doors) {
    // A disabled door runs nothing and writes no file; a program that is missing is
    // what disabled it (load_config_file), not a StrictModes matter.
    if (d.disabled) continue;
    if (!d.one_time_sequences.empty())
      if (auto bad = unsafe_path(d.one_time_sequences)) return refuse(*bad);
    if (config.firewall != FirewallBackend::kExec) continue;
    for (const auto* command : {&d.exec.start, &d.exec.start6, &d.exec.stop, &d.exec.stop6}) {
      if (!*command || (*command)->argv.empty()) continue;
      const std::string& program = (*command)->argv[0];
      if (program.find('/') != std::string::npos) {
        if (auto bad = unsafe_path(program)) return refuse(*bad);
        continue;
      }
      // Every file of that name on the helper's PATH, whichever it runs.
      for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
        const std::string candidate = str_cat(dir, program);
        if (::access(candidate.c_str(), F_OK) != 0) continue;
        if (auto bad = unsafe_path(candidate)) return refuse(*bad);
      }
    }
  }
  return std::nullopt;
}

}  // namespace sesame
