// What is queued, and the count and line for each drop.
#include "daemon/helper/request_queue.h"

#include <algorithm>

#include "core/ipc.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

// The address a request opens (or closes) for; nullopt for what is not queued.
std::optional<Address> request_address(std::span<const std::uint8_t> message) {
  const auto type = ipc_type_byte(message);
  if (type == std::to_underlying(IpcType::kMatch)) {
    if (auto m = decode_match(message)) return m->source;
  } else if (type == std::to_underlying(IpcType::kSpaOpen)) {
    if (auto s = decode_spa_open(message)) return s->address;
  }
  return std::nullopt;
}

}  // namespace

bool RequestQueue::push(std::span<const std::uint8_t> message, std::uint64_t now_ms) {
  const auto address = request_address(message);
  if (!address || message.size() > kIpcMaxRequestSize) return false;
  QueuedRequest request;
  std::ranges::copy(message, request.bytes.begin());
  request.size = message.size();
  if (auto dropped = queue_.push(*address, request)) {
    ++drops_[static_cast<std::size_t>(dropped->why)];
    drop_lines_.event(str_cat("warning: ", dropped->source.to_string(), ": a request to the firewall dropped (",
                              queue_drop_name(dropped->why), "; ", std::to_string(queue_.size()), " pending)"),
                      now_ms);
  }
  return true;
}

std::optional<QueuedRequest> RequestQueue::pop() {
  auto next = queue_.pop();
  if (!next) return std::nullopt;
  ++served_;
  return std::move(next->second);
}

std::string RequestQueue::statistics() const {
  std::string out = str_cat("queue ", std::to_string(queue_.size()), " pending in ", std::to_string(queue_.prefixes()),
                            " prefixes, ", std::to_string(served_), " served, dropped:");
  bool any = false;
  for (const auto& [why, name] : kQueueDropNames)
    if (const std::uint64_t n = dropped(why); n != 0) {
      out += str_cat(any ? ", " : " ", name, " ", std::to_string(n));
      any = true;
    }
  return any ? out : out + " none";
}

}  // namespace sesame
