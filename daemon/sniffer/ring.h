// Ring: one AF_PACKET socket with a TPACKET_V3 receive ring on one interface, member of
// the interface's fanout group, and the walk over its retired blocks.
#pragma once

#include <linux/filter.h>
#include <linux/if_packet.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/bpf_program.h"
#include "core/config/config.h"        // kDefaultRingBlocks
#include "daemon/sys/machine_probe.h"  // LinkFraming
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

struct RingOptions {
  std::string interface;  // for messages
  unsigned ifindex = 0;
  // kIp: frames start at the IP header. The kernel filter built from the doors reads
  // Ethernet offsets, so such a ring passes every frame to parse_ip_packet instead.
  LinkFraming framing = LinkFraming::kEthernet;
  // 16 blocks of 128 KiB by default (the config's ring_blocks, kDefaultRingBlocks):
  // about a thousand small frames per block, so a flood fills blocks and a busy worker
  // has 2 MiB of slack before the kernel drops: about 50 ms of a 300 k frames/s flood,
  // longer than the worker spends on the timers that come due together at a second
  // boundary or on doubling its table. The kernel maps every page of a ring at once,
  // so this is most of an idle sesamed's resident memory (8 MiB before;
  // bench/README.md, flood benchmark, has the drops and RSS of both).
  std::uint32_t block_size = std::uint32_t{1} << 17;
  std::uint32_t block_count = kDefaultRingBlocks;
  // The kernel retires a partly filled block after this long, which bounds how long a
  // lone knock waits in the ring (half of it on average): knock latency.
  std::uint32_t retire_ms = 2;
};

// A fanout group: what every later member must repeat to join it.
struct Fanout {
  std::uint16_t id = 0;
  std::uint16_t type_flags = 0;  // PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_*
};

// PACKET_STATISTICS, which the kernel resets on every read.
struct RingStatistics {
  std::uint64_t packets = 0;  // passed the filter, including dropped ones
  std::uint64_t drops = 0;    // no room in the ring
  std::uint64_t freezes = 0;  // times the ring was full
};

// One captured frame, valid until the walk moves past its block.
struct RingFrame {
  std::span<const std::uint8_t> bytes;  // from the Ethernet header; points into the ring
  std::uint32_t sec = 0;                // kernel receive time (CLOCK_REALTIME)
  std::uint32_t nsec = 0;
  bool vlan_tag_out_of_band = false;    // the NIC or the stack stripped a VLAN tag
  std::uint16_t vlan_tci = 0;           // that tag's TCI
  LinkFraming framing = LinkFraming::kEthernet;  // the ring's: where `bytes` begins
};

class Ring {
 public:
  // Opens the socket with `filter` attached before it is bound (so no unfiltered frame
  // is queued), maps the ring and binds to the interface, all protocols, outgoing
  // frames ignored. Needs CAP_NET_RAW. Fails with the call that failed.
  static std::expected<Ring, SysError> open(const RingOptions& options, const KnockFilter& filter);

  // Joins `group`, or without one creates a group with a kernel-chosen id, installs
  // `program` as its PACKET_FANOUT_CBPF program and returns it for the other members.
  // Members join in worker order, so member i is worker i.
  std::expected<Fanout, SysError> join_fanout(std::optional<Fanout> group,
                                              std::span<const sock_filter> program);
  // Replaces the socket filter atomically (SIGHUP); needs no privilege. The ring takes
  // the program for its framing (Ethernet, or IP-first).
  std::expected<void, SysError> attach_filter(const KnockFilter& filter);
  // The kernel's counters since the last call.
  std::expected<RingStatistics, SysError> statistics();

  int fd() const { return fd_.get(); }
  const std::string& interface() const { return interface_; }

  // Hands every frame of every block the kernel has retired to on_frame(const
  // RingFrame&), in ring order, calls block_done() after each block's last frame, and
  // then gives the block back (frame bytes stay valid until block_done returns). Stops
  // at the first block the kernel still owns: the poll is edge-triggered, so a wakeup
  // must drain everything retired by then. Returns the number of blocks walked.
  template <class OnFrame, class OnBlockDone>
  std::size_t drain(OnFrame&& on_frame, OnBlockDone&& block_done) {
    std::size_t blocks = 0;
    for (;;) {
      tpacket_block_desc* block = block_at(next_block_);
      std::atomic_ref<std::uint32_t> status(block->hdr.bh1.block_status);
      // Acquire: the frames the kernel wrote before handing the block over are visible.
      if ((status.load(std::memory_order_acquire) & TP_STATUS_USER) == 0) return blocks;
      walk(block, on_frame);
      block_done();
      // Release: done reading before the kernel may write again.
      status.store(TP_STATUS_KERNEL, std::memory_order_release);
      next_block_ = (next_block_ + 1) % block_count_;
      ++blocks;
    }
  }

 private:
  struct Unmap {
    std::size_t size;
    void operator()(std::uint8_t* p) const;
  };

  Ring() = default;
  tpacket_block_desc* block_at(std::uint32_t i) const {
    return reinterpret_cast<tpacket_block_desc*>(map_.get() + std::size_t{i} * block_size_);
  }

  template <class OnFrame>
  void walk(tpacket_block_desc* block, OnFrame& on_frame) const {
    auto* base = reinterpret_cast<std::uint8_t*>(block);
    std::size_t offset = block->hdr.bh1.offset_to_first_pkt;
    for (std::uint32_t i = block->hdr.bh1.num_pkts; i > 0; --i) {
      // The kernel lays the block out; these checks only keep a bug from reading
      // outside the mapping.
      if (offset + sizeof(tpacket3_hdr) > block_size_) return;
      const auto* h = reinterpret_cast<const tpacket3_hdr*>(base + offset);
      if (std::size_t{h->tp_mac} + h->tp_snaplen > block_size_ - offset) return;
      on_frame(RingFrame{{base + offset + h->tp_mac, h->tp_snaplen},
                         h->tp_sec,
                         h->tp_nsec,
                         (h->tp_status & TP_STATUS_VLAN_VALID) != 0,
                         static_cast<std::uint16_t>(h->hv1.tp_vlan_tci),
                         framing_});
      if (h->tp_next_offset == 0) return;
      offset += h->tp_next_offset;
    }
  }

  UniqueFd fd_;
  std::unique_ptr<std::uint8_t, Unmap> map_{nullptr, Unmap{0}};
  std::uint32_t block_size_ = 0;
  std::uint32_t block_count_ = 0;
  std::uint32_t next_block_ = 0;
  std::string interface_;
  LinkFraming framing_ = LinkFraming::kEthernet;
};

}  // namespace sesame
