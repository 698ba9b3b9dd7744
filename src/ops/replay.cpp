#include "ops/replay.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace headroom::ops {
namespace {

using storage::Maintenance;

bool parse_i64(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Exactly "YYYY-MM-DDTHH:MM:SS" as Unix seconds; nullopt unless it names a real UTC second from
// 1970 on (no month 13, February 30th or second 60, which mktime-style parsing would roll over
// into the next minute, day or month).
std::optional<int64_t> iso_seconds(std::string_view s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int64_t f[6];
  const size_t at[6] = {0, 5, 8, 11, 14, 17};
  for (int i = 0; i < 6; ++i) {
    std::string_view part = s.substr(at[i], i == 0 ? 4 : 2);
    if (!all_digits(part) || !parse_i64(part, f[i])) return std::nullopt;
  }
  const auto [y, mo, d, h, mi, sec] = f;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap)) return std::nullopt;
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

bool stop_before(const Until& u, const storage::ChangeRecord& c) {
  if (u.kind == Until::Kind::kSeq) return c.seq > u.value;
  if (u.kind == Until::Kind::kTime) return c.ts_ms > u.value;
  return false;
}

Status gap(const std::string& app, int64_t last, int64_t next) {
  return Status(Code::kFailedPrecondition, "app " + app + ": the change log jumps from seq " + std::to_string(last) +
                                               " to " + std::to_string(next) +
                                               " (entries were trimmed by retention); restore without --until");
}

// Replays one app's entries after `after`; the first must be after + 1 (no gap).
Status replay_app(storage::Database& src, storage::ApplyTxn& txn, const std::string& app, int64_t after,
                  const Until& until, ReplayResult& out) {
  int64_t expect = after + 1;
  Status failed;
  Status read = src.read_change_log(app, after, [&](storage::ChangeRecord& c) {
    if (stop_before(until, c)) return false;
    if (c.seq != expect) failed = gap(app, expect - 1, c.seq);
    if (failed) failed = txn.apply(c);
    if (!failed) return false;
    ++expect;
    ++out.applied;
    return true;
  });
  if (!failed) return failed;
  if (!read) return Status(read.code(), "reading the change log of app " + app + ": " + read.message());
  out.seqs[app] = expect - 1;
  return Status::ok();
}

}  // namespace

Result<Until> parse_until(const std::string& text) {
  Until u;
  if (text.empty() || text == "latest") return u;
  int64_t v = 0;
  std::string_view t = text;
  if (t.starts_with("seq:")) t.remove_prefix(4);
  if (all_digits(t) && parse_i64(t, v)) return Until{Until::Kind::kSeq, v};
  if (std::string_view(text).starts_with("ms:") && parse_i64(std::string_view(text).substr(3), v)) {
    return Until{Until::Kind::kTime, v};
  }
  const std::string_view whole = text;
  const auto secs = iso_seconds(whole.substr(0, 19));
  if (!secs) {
    return invalid_argument("--until '" + text +
                            "': expected a seq, a UTC time like 2026-11-27T07:00:00Z, or ms:<unix ms>");
  }
  int64_t ms = 0;
  std::string_view r = whole.substr(19);
  if (r.starts_with('.')) {
    r.remove_prefix(1);
    std::string frac;
    while (!r.empty() && r[0] >= '0' && r[0] <= '9') {
      if (frac.size() < 3) frac += r[0];
      r.remove_prefix(1);
    }
    while (frac.size() < 3) frac += '0';
    if (!parse_i64(frac, ms)) return invalid_argument("--until '" + text + "': bad fraction");
  }
  if (r != "Z" && r != "+00:00") return invalid_argument("--until '" + text + "': give the time in UTC (ending in Z)");
  return Until{Until::Kind::kTime, *secs * 1000 + ms};
}

Result<ReplayResult> replay_changes(Maintenance& storage, const std::string& source_db, const std::string& target_db,
                                    const Until& until, const Progress& progress) {
  auto src = storage.open(source_db, Maintenance::Access::kRead);
  if (!src) return src.status();
  auto dst = storage.open(target_db, Maintenance::Access::kWrite);
  if (!dst) return dst.status();
  auto target_seqs = (*dst)->seqs();
  if (!target_seqs) return target_seqs.status();
  auto source_seqs = (*src)->seqs();
  if (!source_seqs)
    return Status(Code::kUnavailable, "reading the source change log: " + source_seqs.status().message());
  auto txn = (*dst)->begin_apply();  // destroyed uncommitted: rolled back
  if (!txn) return txn.status();
  ReplayResult out;
  uint64_t done = 0;
  for (const auto& [app, last] : *source_seqs) {
    int64_t after = target_seqs->count(app) ? target_seqs->at(app) : 0;
    Status s = after >= last ? Status::ok() : replay_app(**src, **txn, app, after, until, out);
    if (s && out.seqs.count(app)) s = (*txn)->set_seq(app, out.seqs[app]);
    if (!s) return s;
    if (progress) progress(++done, source_seqs->size());
  }
  if (Status s = (*txn)->commit(); !s) return s;
  return out;
}

}  // namespace headroom::ops
