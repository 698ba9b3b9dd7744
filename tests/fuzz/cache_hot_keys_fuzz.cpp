// Fuzzes the cache's warm-restart file (DocumentCache::load_hot_keys), which a restart reads
// back from the data directory: any bytes load (damaged lines are skipped), and what loads
// round-trips: filling a cache with the loaded documents, saving its hot keys and loading them
// again gives back exactly those documents.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "cache/document_cache.hpp"
#include "core/clock.hpp"

using namespace headroom;

#define CHECK(cond) \
  if (!(cond)) std::abort()

namespace {

std::string temp_path(const char* what) { return "/tmp/cache_hot_keys_fuzz." + std::to_string(getpid()) + "." + what; }

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool before(const cache::HotEntry& a, const cache::HotEntry& b) {
  return std::tie(a.app, a.collection, a.id_or_query) < std::tie(b.app, b.collection, b.id_or_query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string in_path = temp_path("in");
  static const std::string out_path = temp_path("out");
  static FakeClock clock;
  write_file(in_path, std::string_view(reinterpret_cast<const char*>(data), size));
  auto loaded = cache::DocumentCache::load_hot_keys(in_path);
  CHECK(loaded);

  config::CacheConfig config;
  config.enabled = true;
  cache::DocumentCache cache(config, clock);
  std::vector<cache::HotEntry> docs;
  for (const auto& e : *loaded) {
    if (e.kind != cache::HotEntry::Kind::kDoc) continue;
    auto filled = cache.fill_doc(e.app, e.collection, e.id_or_query, cache.begin_read(),
                                 std::make_shared<const std::string>("1\n{}"));
    (void)filled;
    if (cache.get_doc(e.app, e.collection, e.id_or_query)) docs.push_back(e);
  }
  CHECK(cache.save_hot_keys(out_path, docs.size() + 1).is_ok());
  auto again = cache::DocumentCache::load_hot_keys(out_path);
  CHECK(again);
  std::sort(docs.begin(), docs.end(), before);
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  std::vector<cache::HotEntry> reread = *again;
  std::sort(reread.begin(), reread.end(), before);
  CHECK(reread == docs);
  return 0;
}
