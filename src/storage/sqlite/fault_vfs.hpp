#pragma once
// A SQLite VFS that forwards to the default one but injects faults — the storage equivalent of
// leveldb's FaultInjectionTestEnv. Tests open a store with vfs = kFaultVfsName and
//  - flip fail_syncs() to see that a failed fsync fails the write (and the store stays failed);
//  - turn on power-loss tracking, then take a crash image: every file as a power cut at that
//    instant would leave it (what was written since the file's last completed sync is undone),
//    and reopen the store on the image to check that every acknowledged write is there.
#include <atomic>
#include <functional>
#include <string>

namespace headroom::storage::sqlite {

inline constexpr const char* kFaultVfsName = "headroom-fault";

// Registers the VFS (idempotent) and returns the switch: while true every xSync fails.
std::atomic<bool>& fault_vfs_fail_syncs();
// How many xSync calls reached the disk (group commit: far fewer than writes).
std::atomic<long>& fault_vfs_sync_count();

// fdatasync(fd), failing with EIO while fail_syncs() is set (the store's own WAL syncs).
int fault_vfs_fdatasync(int fd);
// Runs at the start of every fault_vfs_fdatasync, before the failure switch is read (a test may
// block in it to hold a WAL sync open). Empty: none.
void fault_vfs_before_wal_sync(std::function<void()> hook);

// Power loss. While tracking, each write and truncation of a database, WAL or journal file
// opened through the VFS records what it overwrote; a sync that completes forgets the records
// made before it started. Files as they were when tracking began count as synced.
void fault_vfs_track_power_loss(bool on);
// The power cut: writes into `dir` (which must exist), by base name, every database, WAL and
// journal file open through the VFS (or changed since its last sync) as the disk would hold it
// now (a -shm file is not durable state and is left out), and from this instant fails every write and sync
// through the VFS (the machine is off) until fault_vfs_power_on(). Returns the number of files.
int fault_vfs_power_cut(const std::string& dir);
// Ends tracking, forgets every record and lets writes and syncs through again.
void fault_vfs_power_on();

}  // namespace headroom::storage::sqlite
