#include "cache/document_cache.hpp"

#include <fmt/format.h>

namespace headroom::cache {

namespace {

constexpr char kSep = '\x1f';

std::string tag_of(char kind, std::string_view app, std::string_view col) {
  std::string t;
  t.reserve(app.size() + col.size() + 3);
  t.push_back(kind);
  t.push_back(kSep);
  t.append(app).push_back(kSep);
  t.append(col);
  return t;
}

std::string key_of(char kind, std::string_view app, std::string_view col, std::string_view rest) {
  std::string k = tag_of(kind, app, col);
  k.push_back(kSep);
  k.append(rest);
  return k;
}

CacheOptions options_from(const config::CacheConfig& c) {
  CacheOptions o;
  o.max_bytes = c.max_bytes;
  o.ttl = std::chrono::seconds(c.ttl_s);
  return o;
}

}  // namespace

DocumentCache::DocumentCache(const config::CacheConfig& config, const Clock& clock, std::shared_ptr<Invalidation> peers)
    : enabled_(config.enabled && config.max_bytes > 0),
      cache_(clock, options_from(config)),
      peers_(peers ? std::move(peers) : std::make_shared<LocalInvalidation>()) {
  peers_->subscribe([this](const InvalidationMessage& m) { apply(m); });
}

Value DocumentCache::get_doc(std::string_view app, std::string_view col, std::string_view id) {
  if (!enabled_) return nullptr;
  // The tag is the key's prefix: one key built in a per-thread buffer, no allocation per read.
  thread_local std::string key;
  key.assign(1, 'd');
  key.push_back(kSep);
  key.append(app).push_back(kSep);
  key.append(col);
  const size_t tag_size = key.size();
  key.push_back(kSep);
  key.append(id);
  return cache_.get(key, std::string_view(key).substr(0, tag_size));
}

FillResult DocumentCache::fill_doc(std::string_view app, std::string_view col, std::string_view id, Ticket t,
                                   Value bytes) {
  if (!enabled_) return FillResult::kRejected;
  return cache_.fill(key_of('d', app, col, id), tag_of('d', app, col), t, std::move(bytes));
}

Value DocumentCache::get_query(std::string_view app, std::string_view col, std::string_view q) {
  if (!enabled_) return nullptr;
  return cache_.get(key_of('q', app, col, q), tag_of('q', app, col));
}

FillResult DocumentCache::fill_query(std::string_view app, std::string_view col, std::string_view q, Ticket t,
                                     Value bytes) {
  if (!enabled_) return FillResult::kRejected;
  return cache_.fill(key_of('q', app, col, q), tag_of('q', app, col), t, std::move(bytes));
}

void DocumentCache::invalidate_doc(std::string_view app, std::string_view col, std::string_view id) {
  invalidate({InvalidationMessage::Kind::kKey, key_of('d', app, col, id)});
  invalidate({InvalidationMessage::Kind::kTag, tag_of('q', app, col)});
}

void DocumentCache::invalidate_collection(std::string_view app, std::string_view col) {
  invalidate({InvalidationMessage::Kind::kTag, tag_of('d', app, col)});
  invalidate({InvalidationMessage::Kind::kTag, tag_of('q', app, col)});
}

void DocumentCache::invalidate(InvalidationMessage m) {
  apply(m);  // locally first: the caller acknowledges its write after this returns
  peers_->publish(m);
}

void DocumentCache::apply(const InvalidationMessage& m) {
  if (m.kind == InvalidationMessage::Kind::kKey) {
    cache_.invalidate(m.name);
  } else {
    cache_.invalidate_tag(m.name);
  }
}

}  // namespace headroom::cache
