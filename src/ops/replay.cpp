#include "ops/replay.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <iterator>
#include <optional>
#include <vector>

#include "ops/apply.hpp"
#include "ops/sql.hpp"
#include "storage/index_keys.hpp"

namespace headroom::ops {
namespace json = boost::json;
namespace {

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

Result<std::map<std::string, int64_t>> seqs_of(Conn& db) { return query_map(db, "SELECT app, seq FROM app_seq"); }

bool stop_before(const Until& u, const Entry& e) {
  if (u.kind == Until::Kind::kSeq) return e.seq > u.value;
  if (u.kind == Until::Kind::kTime) return e.ts > u.value;
  return false;
}

// Replays one app's entries after `after`; the first must be after + 1 (no gap).
Status replay_app(Conn& src, Applier& applier, const std::string& app, int64_t after, const Until& until,
                  ReplayResult& out) {
  auto q = src.prepare("SELECT seq, col, id, kind, ts, doc FROM changes WHERE app=?1 AND seq>?2 ORDER BY seq");
  if (!q) return q.status();
  (*q)->bind(1, app).bind(2, after);
  Status s;
  int64_t expect = after + 1;
  while ((*q)->step(s)) {
    Entry e{app, (*q)->text(1), (*q)->text(2), (*q)->text(5), (*q)->int64(0), (*q)->int64(3), (*q)->int64(4)};
    if (stop_before(until, e)) break;
    if (e.seq != expect) {
      return Status(Code::kFailedPrecondition, "app " + app + ": the change log jumps from seq " +
                                                   std::to_string(expect - 1) + " to " + std::to_string(e.seq) +
                                                   " (entries were trimmed by retention); restore without --until");
    }
    if (Status a = applier.apply(e); !a) return a;
    ++expect;
    ++out.applied;
  }
  if (!s) return Status(s.code(), "reading the change log of app " + app + ": " + s.message());
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

Result<ReplayResult> replay_changes(const std::string& source_db, const std::string& target_db, const Until& until,
                                    const Progress& progress) {
  auto src = Conn::open(source_db, Conn::Mode::kReadOnly);
  if (!src) return src.status();
  auto dst = Conn::open(target_db, Conn::Mode::kReadWrite);
  if (!dst) return dst.status();
  auto target_seqs = seqs_of(**dst);
  if (!target_seqs) return target_seqs.status();
  auto source_seqs = seqs_of(**src);
  if (!source_seqs)
    return Status(Code::kUnavailable, "reading the source change log: " + source_seqs.status().message());
  auto applier = Applier::open(**dst);
  if (!applier) return applier.status();
  if (Status s = (*dst)->exec("BEGIN IMMEDIATE"); !s) return s;
  ReplayResult out;
  uint64_t done = 0;
  for (const auto& [app, last] : *source_seqs) {
    int64_t after = target_seqs->count(app) ? target_seqs->at(app) : 0;
    Status s = after >= last ? Status::ok() : replay_app(**src, **applier, app, after, until, out);
    if (s && out.seqs.count(app)) {
      auto q = (*dst)->prepare("INSERT INTO app_seq(app, seq) VALUES(?1, ?2) ON CONFLICT(app) DO UPDATE SET seq = ?2");
      s = q ? (*q)->bind(1, app).bind(2, out.seqs[app]).run() : q.status();
    }
    if (!s) {
      (void)(*dst)->exec("ROLLBACK");
      return s;
    }
    if (progress) progress(++done, source_seqs->size());
  }
  if (Status s = (*dst)->exec("COMMIT"); !s) return s;
  return out;
}

}  // namespace headroom::ops
