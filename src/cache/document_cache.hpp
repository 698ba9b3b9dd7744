#pragma once
// The cache as the documents module uses it: serialized responses of document GETs and query
// results per app and collection, invalidated before a write is acknowledged.
//
//   auto t = cache.begin_read();               // BEFORE reading storage
//   if (auto hit = cache.get_doc(app, col, id)) return hit;   // bytes ready to send
//   ... read storage, serialize ...
//   cache.fill_doc(app, col, id, t, bytes);    // refused if a write invalidated it meanwhile
//
//   write path: commit; cache.invalidate_doc(app, col, id); then acknowledge.
//
// invalidate_doc drops the document and every cached query of its collection;
// invalidate_collection drops both kinds for the whole collection.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/byte_cache.hpp"
#include "cache/invalidation.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/status.hpp"
#include "metrics/registry.hpp"

namespace headroom::cache {

// One entry of the warm-restart file.
struct HotEntry {
  enum class Kind { kDoc, kQuery };
  Kind kind = Kind::kDoc;
  std::string app, collection;
  std::string id_or_query;  // the document id, or the normalized query text
  bool operator==(const HotEntry&) const = default;
};

class DocumentCache {
 public:
  DocumentCache(const config::CacheConfig& config, const Clock& clock,
                std::shared_ptr<Invalidation> peers = std::make_shared<LocalInvalidation>());
  DocumentCache(const DocumentCache&) = delete;
  DocumentCache& operator=(const DocumentCache&) = delete;

  bool enabled() const { return enabled_; }
  Ticket begin_read() const { return cache_.begin_read(); }

  Value get_doc(std::string_view app, std::string_view col, std::string_view id);
  FillResult fill_doc(std::string_view app, std::string_view col, std::string_view id, Ticket t, Value bytes);
  // `normalized_query`: the query in a canonical text form (same query → same text).
  Value get_query(std::string_view app, std::string_view col, std::string_view normalized_query);
  FillResult fill_query(std::string_view app, std::string_view col, std::string_view normalized_query, Ticket t,
                        Value bytes);

  void invalidate_doc(std::string_view app, std::string_view col, std::string_view id);
  void invalidate_collection(std::string_view app, std::string_view col);

  // Warm restart: the keys of the `n` hottest entries, one per line; and reading them back.
  Status save_hot_keys(const std::string& path, size_t n) const;
  static Result<std::vector<HotEntry>> load_hot_keys(const std::string& path);

  // headroom_cache_* series, computed at scrape time. The cache must outlive the registry's use.
  void register_metrics(metrics::Registry& metrics);
  // {"hits":..,"misses":..,"hit_ratio":..,"bytes":..,"entries":..,"collections":{"c":{...}}} for one app.
  std::string stats_json(std::string_view app) const;

  ByteCache& bytes_cache() { return cache_; }

 private:
  void apply(const InvalidationMessage& m);
  void invalidate(InvalidationMessage m);

  bool enabled_;
  ByteCache cache_;
  std::shared_ptr<Invalidation> peers_;
};

}  // namespace headroom::cache
