// Fuzzes the backup.schedule cron parser: any text parses or returns an error, never crashes;
// a parsed schedule's next run is strictly later and matches the schedule.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ops/cron.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = headroom::ops::CronSchedule::parse(text);
  if (!c) return 0;
  const int64_t from = 1795761000000;
  int64_t next = c->next_after(from);
  if (next != -1 && (next <= from || next % 60000 != 0 || !c->matches(next / 60000))) std::abort();
  return 0;
}
