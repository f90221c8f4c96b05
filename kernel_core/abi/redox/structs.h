#pragma once
// Structures that cross the syscall boundary and the scheme protocol.
#include <stdint.h>

namespace redox {

struct TimeSpec {
    int64_t tv_sec;
    int32_t tv_nsec;
    int32_t padding;
};

struct Stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint16_t st_mode;
    uint16_t padding0;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_size;
    uint64_t st_blksize;
    uint64_t st_blocks;
    int64_t st_mtime;
    uint32_t st_mtime_nsec;
    uint32_t padding1;
    int64_t st_atime;
    uint32_t st_atime_nsec;
    uint32_t padding2;
    int64_t st_ctime;
    uint32_t st_ctime_nsec;
    uint32_t padding3;
};

struct StatVfs {
    uint32_t f_bsize;
    uint32_t padding;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
};

// An event-queue record (24 bytes).
struct Event {
    uint64_t id;
    uint64_t flags;
    uint64_t data;
};
static_assert(sizeof(Event) == 24);

// A getdents record: header, then the NUL-terminated name, padded to 8 bytes.
// `next_offset` is the opaque position to pass back to continue after this entry.
struct DirentHeader {
    uint64_t inode;
    uint64_t next_offset;
    uint16_t record_length;
    uint8_t kind;
    char name[5]; // the name starts here and runs past the header
};
static_assert(sizeof(DirentHeader) == 24);

// Scheme protocol: a request to a userspace daemon (64 bytes).
struct SchemeRequest {
    uint8_t opcode;
    uint8_t flags;
    uint16_t reserved;
    uint32_t tag;
    uint64_t args[6]; // args[5] = caller uid | gid << 32
    uint64_t caller_pid;
};
static_assert(sizeof(SchemeRequest) == 64);

// Scheme protocol: the daemon's answer (16 bytes).
struct SchemeCompletion {
    uint8_t flags;
    uint8_t extra[3];
    uint32_t tag;
    uint64_t result;
};
static_assert(sizeof(SchemeCompletion) == 16);

enum SchemeOpcode : uint8_t {
    OP_CLOSE = 3,
    OP_DUP = 4,
    OP_READ = 5,
    OP_WRITE = 6,
    OP_FSIZE = 7,
    OP_FCHMOD = 8,
    OP_FCHOWN = 9,
    OP_FCNTL = 10,
    OP_FEVENT = 11,
    OP_FPATH = 13,
    OP_FRENAME = 14,
    OP_FSTAT = 15,
    OP_FSTATVFS = 16,
    OP_FSYNC = 17,
    OP_FTRUNCATE = 18,
    OP_FUTIMENS = 19,
    OP_MMAP_PREP = 20,
    OP_GETDENTS = 26,
    OP_OPENAT = 29,
    OP_FLINK = 30,
    OP_UNLINKAT = 32,
};

// fmap's argument (Redox's syscall::Map). `address` must be 0: every context shares one
// address space here, so the scheme picks where the memory is (see docs/architecture.md).
struct Map {
    uint64_t offset;
    uint64_t size;
    uint64_t flags; // PROT_* | MAP_*
    uint64_t address;
};
static_assert(sizeof(Map) == 32);
constexpr uint64_t MAP_SHARED = 0x0001;
constexpr uint64_t MAP_PRIVATE = 0x0002;
constexpr uint64_t MAP_FIXED = 0x0004;
constexpr uint64_t PROT_EXEC = 0x0001'0000;
constexpr uint64_t PROT_WRITE = 0x0002'0000;
constexpr uint64_t PROT_READ = 0x0004'0000;

constexpr uint8_t REQUEST_FLAG_ONEWAY = 1;
constexpr uint8_t COMPLETION_RESPOND_REGULAR = 0;
constexpr uint8_t COMPLETION_RESPOND_WITH_FD = 1;
constexpr uint8_t COMPLETION_SEND_FEVENT = 2;

} // namespace redox
