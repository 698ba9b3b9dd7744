#pragma once
// Point-in-time recovery: replays change-log entries from a (live, possibly damaged) database
// into a restored snapshot, for each app from the snapshot's seq up to a chosen point. Each
// entry carries the full document after the change, so replay writes rows exactly as the store
// did (storage::ApplyTxn): the document row, its index entries and the change-log row itself.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/status.hpp"
#include "ops/backup.hpp"

namespace headroom::ops {

struct Until {
  enum class Kind { kLatest, kSeq, kTime };
  Kind kind = Kind::kLatest;
  int64_t value = 0;  // kSeq: the last seq to apply (per app); kTime: Unix ms, inclusive
};
// "latest", a seq ("1234" or "seq:1234"), a time ("2026-11-27T07:00:00Z", ".123Z" allowed) or
// Unix milliseconds ("ms:1796000000000").
Result<Until> parse_until(const std::string& text);

struct ReplayResult {
  int64_t applied = 0;
  std::map<std::string, int64_t> seqs;  // app → seq after replay
};

// Applies changes from `source_db` with seq greater than `target_db`'s per app, up to `until`,
// in one transaction. Fails (applying nothing) when the source's change log no longer reaches
// back to the snapshot (trimmed by retention) or cannot be read.
Result<ReplayResult> replay_changes(storage::Maintenance& storage, const std::string& source_db,
                                    const std::string& target_db, const Until& until, const Progress& progress = {});

}  // namespace headroom::ops
