#include "storage/sqlite/fault_vfs.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

namespace headroom::storage::sqlite {
namespace {

std::atomic<bool> g_fail{false};
std::atomic<long> g_syncs{0};
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

// ---- power loss -----------------------------------------------------------------------------
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  auto operator<=>(const FileId&) const = default;
};

// What one write or truncation replaced: undone in reverse order, a record restores the file's
// size and then the bytes it overwrote.
struct Undo {
  uint64_t id;
  sqlite3_int64 offset;
  std::string old_bytes;
  sqlite3_int64 old_size;
};

struct Tracked {
  std::string path;
  int open = 0;            // handles open through the VFS
  std::vector<Undo> undo;  // since the last completed sync, oldest first
};

std::mutex g_pl_mu;  // guards everything below; held across each tracked write, so a cut is one instant
bool g_tracking = false;
bool g_power_off = false;
uint64_t g_next_undo = 0;
std::map<FileId, Tracked> g_files;

std::mutex g_hook_mu;
std::shared_ptr<const std::function<void()>> g_before_wal_sync;  // on g_hook_mu

// ---- the shim ------------------------------------------------------------------------------
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  FileId id;
  bool durable;  // a database, WAL or journal file: the power-loss model covers it
};

File* file_of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* real(sqlite3_file* f) { return file_of(f)->real; }

// Records what [offset, offset + len) holds now (len < 0: up to the end); g_pl_mu held.
void record(File* file, sqlite3_int64 offset, sqlite3_int64 len) {
  sqlite3_file* r = file->real;
  sqlite3_int64 size = 0;
  (void)r->pMethods->xFileSize(r, &size);
  Undo u{g_next_undo++, offset, {}, size};
  sqlite3_int64 end = len < 0 ? size : std::min(offset + len, size);
  if (end > offset) {
    u.old_bytes.resize(static_cast<size_t>(end - offset));
    (void)r->pMethods->xRead(r, u.old_bytes.data(), static_cast<int>(end - offset), offset);
  }
  g_files[file->id].undo.push_back(std::move(u));
}

// A sync that started when g_next_undo was `mark` completed: what came before it is on disk.
bool synced(FileId id, uint64_t mark) {
  std::lock_guard lk(g_pl_mu);
  if (g_power_off) return false;
  if (auto it = g_files.find(id); it != g_files.end()) {
    auto& undo = it->second.undo;
    undo.erase(undo.begin(), std::find_if(undo.begin(), undo.end(), [&](const Undo& u) { return u.id >= mark; }));
  }
  return true;
}

// The sync mark, or nothing when the power is off.
std::optional<uint64_t> sync_mark() {
  std::lock_guard lk(g_pl_mu);
  if (g_power_off) return std::nullopt;
  return g_next_undo;
}

int x_close(sqlite3_file* f) {
  File* file = file_of(f);
  if (file->durable) {
    std::lock_guard lk(g_pl_mu);
    auto it = g_files.find(file->id);
    if (it != g_files.end() && --it->second.open <= 0 && it->second.undo.empty()) g_files.erase(it);
  }
  return real(f)->pMethods->xClose(real(f));
}
int x_read(sqlite3_file* f, void* p, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), p, n, o); }
int x_write(sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
  File* file = file_of(f);
  if (!file->durable) return real(f)->pMethods->xWrite(real(f), p, n, o);
  std::lock_guard lk(g_pl_mu);
  if (g_power_off) return SQLITE_IOERR_WRITE;
  if (g_tracking) record(file, o, n);
  return real(f)->pMethods->xWrite(real(f), p, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 n) {
  File* file = file_of(f);
  if (!file->durable) return real(f)->pMethods->xTruncate(real(f), n);
  std::lock_guard lk(g_pl_mu);
  if (g_power_off) return SQLITE_IOERR_TRUNCATE;
  if (g_tracking) record(file, n, -1);
  return real(f)->pMethods->xTruncate(real(f), n);
}
int x_sync(sqlite3_file* f, int flags) {
  File* file = file_of(f);
  auto mark = sync_mark();
  if (!mark || g_fail.load()) return SQLITE_IOERR_FSYNC;
  ++g_syncs;
  int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK && file->durable && !synced(file->id, *mark)) rc = SQLITE_IOERR_FSYNC;
  return rc;
}
int x_size(sqlite3_file* f, sqlite3_int64* n) { return real(f)->pMethods->xFileSize(real(f), n); }
int x_lock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int x_check(sqlite3_file* f, int* r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); }
int x_fcntl(sqlite3_file* f, int op, void* a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
int x_sector(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_dev(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int i, int sz, int ext, void volatile** pp) {
  return real(f)->pMethods->xShmMap(real(f), i, sz, ext, pp);
}
int x_shm_lock(sqlite3_file* f, int o, int n, int fl) { return real(f)->pMethods->xShmLock(real(f), o, n, fl); }
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }
int x_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** pp) { return real(f)->pMethods->xFetch(real(f), o, n, pp); }
int x_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return real(f)->pMethods->xUnfetch(real(f), o, p); }

void remember_open(File* file, sqlite3_filename name, int flags) {
  constexpr int kDurable = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL;
  struct stat st {};
  file->durable = name && (flags & kDurable) && ::stat(name, &st) == 0;
  if (!file->durable) return;
  file->id = FileId{st.st_dev, st.st_ino};
  std::lock_guard lk(g_pl_mu);
  Tracked& t = g_files[file->id];
  t.path = name;
  ++t.open;
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = file_of(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->durable = false;
  int rc = g_base->xOpen(g_base, name, file->real, flags, out_flags);
  f->pMethods = rc == SQLITE_OK && file->real->pMethods ? &g_methods : nullptr;
  if (rc == SQLITE_OK && file->real->pMethods && g_methods.iVersion > file->real->pMethods->iVersion) {
    // The base file lacks WAL/mmap methods; never expected with the unix VFS.
    f->pMethods = nullptr;
    file->real->pMethods->xClose(file->real);
    return SQLITE_CANTOPEN;
  }
  if (f->pMethods) remember_open(file, name, flags);
  return rc;
}

void init() {
  g_base = sqlite3_vfs_find(nullptr);
  g_vfs = *g_base;
  g_vfs.zName = kFaultVfsName;
  g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_base->szOsFile;
  g_vfs.xOpen = x_open;
  g_vfs.pNext = nullptr;
  g_methods = sqlite3_io_methods{3,          x_close,       x_read,      x_write, x_truncate, x_sync, x_size,
                                 x_lock,     x_unlock,      x_check,     x_fcntl, x_sector,   x_dev,  x_shm_map,
                                 x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch};
  sqlite3_vfs_register(&g_vfs, 0);
}

// The file as the disk holds it: today's bytes with every unsynced change undone, newest first.
std::string durable_content(const Tracked& t) {
  std::ifstream in(t.path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  for (auto it = t.undo.rbegin(); it != t.undo.rend(); ++it) {
    content.resize(static_cast<size_t>(it->old_size), '\0');
    if (!it->old_bytes.empty()) content.replace(static_cast<size_t>(it->offset), it->old_bytes.size(), it->old_bytes);
  }
  return content;
}

}  // namespace

std::atomic<bool>& fault_vfs_fail_syncs() {
  static std::once_flag once;
  std::call_once(once, init);
  return g_fail;
}

void fault_vfs_before_wal_sync(std::function<void()> hook) {
  std::lock_guard lk(g_hook_mu);
  g_before_wal_sync = hook ? std::make_shared<const std::function<void()>>(std::move(hook)) : nullptr;
}

int fault_vfs_fdatasync(int fd) {
  std::shared_ptr<const std::function<void()>> hook;
  {
    std::lock_guard lk(g_hook_mu);
    hook = g_before_wal_sync;
  }
  if (hook) (*hook)();
  auto mark = sync_mark();
  if (!mark || fault_vfs_fail_syncs().load()) {
    errno = EIO;
    return -1;
  }
  ++g_syncs;
  int rc = ::fdatasync(fd);
  struct stat st {};
  if (rc == 0 && ::fstat(fd, &st) == 0 && !synced(FileId{st.st_dev, st.st_ino}, *mark)) {
    errno = EIO;
    rc = -1;
  }
  return rc;
}

std::atomic<long>& fault_vfs_sync_count() {
  fault_vfs_fail_syncs();
  return g_syncs;
}

void fault_vfs_track_power_loss(bool on) {
  fault_vfs_fail_syncs();
  std::lock_guard lk(g_pl_mu);
  g_tracking = on;
}

int fault_vfs_power_cut(const std::string& dir) {
  std::lock_guard lk(g_pl_mu);
  g_power_off = true;
  int files = 0;
  for (const auto& [id, t] : g_files) {
    struct stat st {};
    if (::stat(t.path.c_str(), &st) != 0 || st.st_dev != id.dev || st.st_ino != id.ino) continue;  // deleted
    std::ofstream out(std::filesystem::path(dir) / std::filesystem::path(t.path).filename(),
                      std::ios::binary | std::ios::trunc);
    out << durable_content(t);
    ++files;
  }
  return files;
}

void fault_vfs_power_on() {
  std::lock_guard lk(g_pl_mu);
  g_tracking = false;
  g_power_off = false;
  for (auto it = g_files.begin(); it != g_files.end();) {
    it->second.undo.clear();
    it = it->second.open > 0 ? std::next(it) : g_files.erase(it);
  }
}

}  // namespace headroom::storage::sqlite
