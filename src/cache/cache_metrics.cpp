// The cache's analytics: headroom_cache_* series for /metrics and the per-app stats document.
#include <fmt/format.h>

#include <map>

#include "cache/document_cache.hpp"
#include "core/log.hpp"

namespace headroom::cache {

namespace {

struct CollectionStats {
  TagStats doc, query;
  uint64_t hits() const { return doc.hits + query.hits; }
  uint64_t misses() const { return doc.misses + query.misses; }
  double ratio() const { return hits() + misses() == 0 ? 0 : double(hits()) / double(hits() + misses()); }
};

// Tags are "d<US>app<US>collection" and "q<US>app<US>collection": group them by (app, collection).
std::map<std::pair<std::string, std::string>, CollectionStats> by_collection(const CacheStats& s) {
  std::map<std::pair<std::string, std::string>, CollectionStats> out;
  for (const auto& [tag, ts] : s.by_tag) {
    if (tag.size() < 4 || tag[1] != '\x1f') continue;
    const auto sep = tag.find('\x1f', 2);
    if (sep == std::string::npos) continue;
    auto& c = out[{tag.substr(2, sep - 2), tag.substr(sep + 1)}];
    (tag[0] == 'd' ? c.doc : c.query) = ts;
  }
  return out;
}

void counter(metrics::Writer& w, const char* name, const char* help, uint64_t v) {
  w.family(name, "counter", help);
  w.sample(name, {}, static_cast<double>(v));
}

void gauge(metrics::Writer& w, const char* name, const char* help, double v) {
  w.family(name, "gauge", help);
  w.sample(name, {}, v);
}

}  // namespace

void DocumentCache::register_metrics(metrics::Registry& metrics) {
  metrics.add_collector([this](metrics::Writer& w) {
    const CacheStats s = cache_.stats();
    counter(w, "headroom_cache_hits_total", "Cache hits", s.hits);
    counter(w, "headroom_cache_misses_total", "Cache misses", s.misses);
    counter(w, "headroom_cache_evictions_total", "Entries evicted for space", s.evictions);
    counter(w, "headroom_cache_expirations_total", "Entries dropped at their TTL", s.expirations);
    counter(w, "headroom_cache_admissions_rejected_total", "Fills refused by frequency admission",
            s.admissions_rejected);
    counter(w, "headroom_cache_fills_total", "Entries stored", s.fills);
    counter(w, "headroom_cache_fills_stale_total", "Fills refused because a write invalidated the key meanwhile",
            s.fills_stale);
    counter(w, "headroom_cache_invalidations_total", "Keys invalidated by writes", s.invalidations);
    gauge(w, "headroom_cache_bytes", "Bytes held (keys, values and per-entry overhead)", static_cast<double>(s.bytes));
    gauge(w, "headroom_cache_max_bytes", "Byte budget", static_cast<double>(cache_.max_bytes()));
    gauge(w, "headroom_cache_entries", "Entries held", static_cast<double>(s.entries));
    gauge(w, "headroom_cache_hit_ratio", "Hits over lookups since start", s.hit_ratio());
    const auto cols = by_collection(s);
    w.family("headroom_cache_collection_hit_ratio", "gauge", "Hit ratio per collection (documents and queries)");
    for (const auto& [k, c] : cols) {
      w.sample("headroom_cache_collection_hit_ratio", {{"app", k.first}, {"collection", k.second}}, c.ratio());
    }
  });
}

std::string DocumentCache::stats_json(std::string_view app) const {
  const CacheStats s = cache_.stats();
  std::string cols;
  uint64_t hits = 0, misses = 0;
  for (const auto& [k, c] : by_collection(s)) {
    if (k.first != app) continue;
    hits += c.hits();
    misses += c.misses();
    fmt::format_to(std::back_inserter(cols),
                   "{}\"{}\":{{\"hits\":{},\"misses\":{},\"hit_ratio\":{:.4f},\"doc_hits\":{},\"doc_misses\":{},"
                   "\"query_hits\":{},\"query_misses\":{}}}",
                   cols.empty() ? "" : ",", log::json_escape(k.second), c.hits(), c.misses(), c.ratio(), c.doc.hits,
                   c.doc.misses, c.query.hits, c.query.misses);
  }
  const double ratio = hits + misses == 0 ? 0 : double(hits) / double(hits + misses);
  return fmt::format(
      "{{\"enabled\":{},\"hits\":{},\"misses\":{},\"hit_ratio\":{:.4f},\"collections\":{{{}}},"
      "\"instance\":{{\"hits\":{},\"misses\":{},\"evictions\":{},\"expirations\":{},\"admissions_rejected\":{},"
      "\"bytes\":{},\"max_bytes\":{},\"entries\":{}}}}}",
      enabled_, hits, misses, ratio, cols, s.hits, s.misses, s.evictions, s.expirations, s.admissions_rejected, s.bytes,
      cache_.max_bytes(), s.entries);
}

}  // namespace headroom::cache
