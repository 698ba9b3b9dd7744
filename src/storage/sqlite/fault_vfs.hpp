#pragma once
// A SQLite VFS that forwards to the default one but can be told to fail fsync — the storage
// equivalent of leveldb's FaultInjectionTestEnv. Tests open a store with vfs = kFaultVfsName and
// flip fail_syncs() to see that a failed fsync fails the write (and the store stays failed).
#include <atomic>

namespace headroom::storage::sqlite {

inline constexpr const char* kFaultVfsName = "headroom-fault";

// Registers the VFS (idempotent) and returns the switch: while true every xSync fails.
std::atomic<bool>& fault_vfs_fail_syncs();
// How many xSync calls reached the disk (group commit: far fewer than writes).
std::atomic<long>& fault_vfs_sync_count();

// fdatasync(fd), failing with EIO while fail_syncs() is set (the store's own WAL syncs).
int fault_vfs_fdatasync(int fd);

}  // namespace headroom::storage::sqlite
