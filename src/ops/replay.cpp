#include "ops/replay.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <ctime>
#include <iterator>
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
  if (parse_i64(t, v) && v >= 0) return Until{Until::Kind::kSeq, v};
  if (std::string_view(text).starts_with("ms:") && parse_i64(std::string_view(text).substr(3), v)) {
    return Until{Until::Kind::kTime, v};
  }
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest)
    return invalid_argument("--until '" + text +
                            "': expected a seq, an ISO time like 2026-11-27T07:00:00Z, or ms:<unix ms>");
  int64_t ms = 0;
  std::string_view r = rest;
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
  return Until{Until::Kind::kTime, static_cast<int64_t>(timegm(&tm)) * 1000 + ms};
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
