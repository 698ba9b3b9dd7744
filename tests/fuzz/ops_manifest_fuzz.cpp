// Fuzzes manifest.json as `headroom backup verify|restore|list` read it (Manifest::parse).
// Invariants: any text parses or is refused with INVALID_ARGUMENT, never throws; an accepted
// manifest has the supported format as written in the file (not a wrapped-around number), and
// round-trips: to_json() parses back to an equal manifest and prints the same text again.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ops/manifest.hpp"

using namespace headroom;

#define CHECK(cond) \
  if (!(cond)) std::abort()

namespace {

bool same(const ops::Manifest& a, const ops::Manifest& b) {
  return a.format == b.format && a.headroom_version == b.headroom_version && a.created_ms == b.created_ms &&
         a.duration_ms == b.duration_ms && a.seqs == b.seqs && a.documents == b.documents && a.files == b.files &&
         a.db_bytes == b.db_bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto m = ops::Manifest::parse(text);
  if (!m) {
    CHECK(m.status().code() == Code::kInvalidArgument);
    return 0;
  }
  CHECK(m->format == ops::kBackupFormat);
  // The file said format 1, not a number that only truncates to 1.
  const boost::json::value file = boost::json::parse(text);
  CHECK(file.as_object().at("format").to_number<double>() == ops::kBackupFormat);
  const std::string printed = m->to_json();
  auto again = ops::Manifest::parse(printed);
  CHECK(again && same(*m, *again));
  CHECK(again->to_json() == printed);
  return 0;
}
