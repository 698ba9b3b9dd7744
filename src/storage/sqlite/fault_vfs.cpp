#include "storage/sqlite/fault_vfs.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace headroom::storage::sqlite {
namespace {

std::atomic<bool> g_fail{false};
std::atomic<long> g_syncs{0};
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

int x_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int x_read(sqlite3_file* f, void* p, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), p, n, o); }
int x_write(sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
  return real(f)->pMethods->xWrite(real(f), p, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 n) { return real(f)->pMethods->xTruncate(real(f), n); }
int x_sync(sqlite3_file* f, int flags) {
  if (g_fail.load()) return SQLITE_IOERR_FSYNC;
  ++g_syncs;
  return real(f)->pMethods->xSync(real(f), flags);
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

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  int rc = g_base->xOpen(g_base, name, file->real, flags, out_flags);
  f->pMethods = rc == SQLITE_OK && file->real->pMethods ? &g_methods : nullptr;
  if (rc == SQLITE_OK && file->real->pMethods && g_methods.iVersion > file->real->pMethods->iVersion) {
    // The base file lacks WAL/mmap methods; never expected with the unix VFS.
    f->pMethods = nullptr;
    file->real->pMethods->xClose(file->real);
    return SQLITE_CANTOPEN;
  }
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

}  // namespace

std::atomic<bool>& fault_vfs_fail_syncs() {
  static std::once_flag once;
  std::call_once(once, init);
  return g_fail;
}

int fault_vfs_fdatasync(int fd) {
  if (fault_vfs_fail_syncs().load()) {
    errno = EIO;
    return -1;
  }
  ++g_syncs;
  return ::fdatasync(fd);
}

std::atomic<long>& fault_vfs_sync_count() {
  fault_vfs_fail_syncs();
  return g_syncs;
}

}  // namespace headroom::storage::sqlite
