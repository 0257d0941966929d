// Log sinks and knockd's line formats.
#include "daemon/sys/log.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "core/str_cat.h"

namespace sesame {
namespace {

// knockd's log file prefix: "[2025-01-31 23:59] ".
std::string timestamp_prefix() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "[%Y-%m-%d %H:%M] ", &tm);
  return std::string(buf, n);
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = write(fd, s.data(), s.size());
    if (n <= 0) return;  // nowhere to report a failing log sink
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::expected<Log, SysError> Log::open(const Logging& config, bool verbose, const char* ident) {
  Log log;
  log.sinks_ = config;
  log.verbose_ = verbose;
  if (verbose || (!config.syslog && config.file.empty())) log.sinks_.to_stderr = true;
  if (!config.file.empty()) {
    auto file = open_log_file(config.file);
    if (!file) return std::unexpected(file.error());
    log.file_ = std::move(*file);
  }
  // openlog keeps the pointer, so the configured tag lives as long as the process.
  static std::string configured_ident;
  if (!config.ident.empty()) {
    configured_ident = config.ident;
    ident = configured_ident.c_str();
  }
  if (config.syslog) openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
  return log;
}

std::expected<UniqueFd, SysError> open_log_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!fd) return std::unexpected(sys_error(str_cat("open log file ", path)));
  return fd;
}

std::expected<void, SysError> Log::reopen_file() const {
  if (!file_) return {};
  auto fresh = open_log_file(sinks_.file);
  if (!fresh) return std::unexpected(fresh.error());
  if (dup3(fresh->get(), file_.get(), O_CLOEXEC) < 0) return std::unexpected(sys_error("dup3 log file"));
  return {};
}

void Log::relay_file_lines(LineRelay relay) {
  if (!file_) return;
  file_ = UniqueFd();
  relay_ = std::move(relay);
}

void Log::stop_relay() {
  if (!relay_) return;
  relay_ = nullptr;
  sinks_.to_stderr = true;
}

void Log::line(std::string_view message) const {
  if (sinks_.syslog) syslog(LOG_NOTICE, "%.*s", static_cast<int>(message.size()), message.data());
  const bool relay_failed = relay_ && !relay_(message);
  const bool to_stderr = sinks_.to_stderr || relay_failed;
  if (!file_ && !to_stderr) return;
  const std::string text = str_cat(timestamp_prefix(), message, "\n");
  if (file_) write_all(file_.get(), text);
  if (to_stderr) write_all(STDERR_FILENO, text);
}

void Log::file_line(std::string_view tagged) const {
  if (file_) write_all(file_.get(), str_cat(timestamp_prefix(), tagged, "\n"));
}

std::string_view sniffer_tag(const Logging& config) {
  return config.ident.empty() ? std::string_view(kSnifferIdent) : std::string_view(config.ident);
}

std::string door_event_line(const Address& source, std::string_view door, const DoorEvent& event) {
  const std::string prefix = str_cat(source.to_string(), ": ", door, ": ");
  const std::string stage = std::to_string(event.stage);
  switch (event.kind) {
    case DoorEventKind::kStage: return str_cat(prefix, "Stage ", stage);
    case DoorEventKind::kOpen: return str_cat(prefix, "OPEN SESAME");
    case DoorEventKind::kFail: return str_cat(prefix, "wrong knock (stage ", stage, ")");
    case DoorEventKind::kTimeout: return str_cat(prefix, "sequence timeout (stage ", stage, ")");
    case DoorEventKind::kScan: return str_cat(prefix, "port scan, knock ended (stage ", stage, ")");
  }
  return prefix;
}

bool LineBudget::take(std::uint64_t now_ms) {
  if (bucket_.take(now_ms)) return true;
  ++suppressed_;
  return false;
}

std::uint64_t LineBudget::take_suppressed() { return std::exchange(suppressed_, 0); }

}  // namespace sesame
