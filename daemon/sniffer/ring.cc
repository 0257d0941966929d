// Ring setup: socket options in the order the kernel requires them.
#include "daemon/sniffer/ring.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "core/bpf_program.h"
#include "core/str_cat.h"

// Linux 6.2 added it; Debian 12's headers predate it.
#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

namespace sesame {
namespace {

// TPACKET_V3 packs frames of any size into a block; the frame size only has to
// divide the block size.
constexpr std::uint32_t kFrameSize = 2048;

sock_fprog fprog(std::span<const sock_filter> program) {
  return {static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
}

template <class T>
int set_option(int fd, int level, int name, const T& value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

std::expected<Ring, SysError> Ring::open(const RingOptions& options, const KnockFilter& filter) {
  Ring r;
  r.interface_ = options.interface;
  r.framing_ = options.framing;
  const std::string on = str_cat(" on ", options.interface);
  // Protocol 0: the socket receives nothing until bind(), by which time the filter is in.
  r.fd_ = UniqueFd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!r.fd_) return std::unexpected(sys_error("socket(AF_PACKET)"));
  if (auto ok = r.attach_filter(filter); !ok) return std::unexpected(ok.error());
  if (set_option(r.fd_.get(), SOL_PACKET, PACKET_VERSION, int{TPACKET_V3}) != 0)
    return std::unexpected(sys_error(str_cat("setsockopt(PACKET_VERSION)", on)));
  // Outgoing frames (the RSTs and ICMP errors answering knocks) are never knocks.
  if (set_option(r.fd_.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, int{1}) != 0)
    return std::unexpected(sys_error(str_cat("setsockopt(PACKET_IGNORE_OUTGOING)", on)));

  tpacket_req3 req{};
  req.tp_block_size = options.block_size;
  req.tp_block_nr = options.block_count;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = options.block_size / kFrameSize * options.block_count;
  req.tp_retire_blk_tov = options.retire_ms;
  if (set_option(r.fd_.get(), SOL_PACKET, PACKET_RX_RING, req) != 0)
    return std::unexpected(sys_error(str_cat("setsockopt(PACKET_RX_RING)", on)));
  const std::size_t size = std::size_t{options.block_size} * options.block_count;
  void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r.fd_.get(), 0);
  if (map == MAP_FAILED) return std::unexpected(sys_error(str_cat("mmap(PACKET_RX_RING)", on)));
  r.map_ = std::unique_ptr<std::uint8_t, Unmap>(static_cast<std::uint8_t*>(map), Unmap{size});
  r.block_size_ = options.block_size;
  r.block_count_ = options.block_count;

  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(options.ifindex);
  if (bind(r.fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return std::unexpected(sys_error(str_cat("bind(AF_PACKET)", on)));
  return r;
}

std::expected<Fanout, SysError> Ring::join_fanout(std::optional<Fanout> group,
                                                  std::span<const sock_filter> program) {
  const std::string on = str_cat(" on ", interface_);
  auto join = [&](std::uint16_t id, std::uint16_t type_flags) {
    return set_option(fd_.get(), SOL_PACKET, PACKET_FANOUT, int{id} | int{type_flags} << 16);
  };
  if (group) {
    if (join(group->id, group->type_flags) != 0)
      return std::unexpected(sys_error(str_cat("setsockopt(PACKET_FANOUT) joining group ",
                                               std::to_string(group->id), on)));
    return *group;
  }
  // The group's own hook skips outgoing frames before the program runs, where the
  // kernel knows the flag; older kernels refuse it, and the filter drops them instead.
  Fanout created{0, PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_IGNORE_OUTGOING};
  int r = join(0, created.type_flags | PACKET_FANOUT_FLAG_UNIQUEID);
  if (r != 0 && errno == EINVAL) {
    created.type_flags = PACKET_FANOUT_CBPF;
    r = join(0, created.type_flags | PACKET_FANOUT_FLAG_UNIQUEID);
  }
  if (r != 0) return std::unexpected(sys_error(str_cat("setsockopt(PACKET_FANOUT)", on)));
  int value = 0;
  socklen_t size = sizeof value;
  if (getsockopt(fd_.get(), SOL_PACKET, PACKET_FANOUT, &value, &size) != 0)
    return std::unexpected(sys_error(str_cat("getsockopt(PACKET_FANOUT)", on)));
  created.id = static_cast<std::uint16_t>(value & 0xffff);
  if (set_option(fd_.get(), SOL_PACKET, PACKET_FANOUT_DATA, fprog(program)) != 0)
    return std::unexpected(sys_error(str_cat("setsockopt(PACKET_FANOUT_DATA)", on)));
  return created;
}

std::expected<void, SysError> Ring::attach_filter(const KnockFilter& filter) {
  const std::span<const sock_filter> program = framing_ == LinkFraming::kIp ? filter.ip_program : filter.program;
  if (set_option(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, fprog(program)) != 0)
    return std::unexpected(sys_error(str_cat("setsockopt(SO_ATTACH_FILTER) on ", interface_)));
  return {};
}

std::expected<RingStatistics, SysError> Ring::statistics() {
  tpacket_stats_v3 s{};
  socklen_t size = sizeof s;
  if (getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &s, &size) != 0)
    return std::unexpected(sys_error(str_cat("getsockopt(PACKET_STATISTICS) on ", interface_)));
  return RingStatistics{s.tp_packets, s.tp_drops, s.tp_freeze_q_cnt};
}

void Ring::Unmap::operator()(std::uint8_t* p) const { munmap(p, size); }

}  // namespace sesame
