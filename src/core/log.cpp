#include "core/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <chrono>

namespace headroom::log {

namespace {

std::atomic<bool> g_access_enabled{true};
std::atomic<int> g_error_budget{50};
std::atomic<int64_t> g_error_window{0};
std::atomic<int> g_errors_in_window{0};
std::atomic<uint64_t> g_dropped{0};

class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view payload(msg.payload.data(), msg.payload.size());
    if (msg.logger_name == "access") {  // already JSON fields
      dest.append(payload.data(), payload.data() + payload.size());
      return;
    }
    std::string escaped = "\"msg\":\"" + json_escape(payload) + "\"";
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return spdlog::details::make_unique<JsonMessageFlag>();
  }
};

spdlog::sink_ptr make_sink(const Options& o) {
  if (o.file.empty()) return std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return std::make_shared<spdlog::sinks::rotating_file_sink_mt>(o.file, o.max_file_bytes, o.max_files);
}

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void init(const Options& o) {
  auto sink = make_sink(o);
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('*').set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%*})");
  sink->set_formatter(std::move(formatter));  // one sink, one formatter, for both loggers
  auto main = std::make_shared<spdlog::logger>("headroom", sink);
  main->set_level(spdlog::level::from_str(o.level));
  main->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(main);

  auto access_logger = std::make_shared<spdlog::logger>("access", sink);
  spdlog::drop("access");
  spdlog::register_logger(access_logger);
  g_access_enabled = o.access_log && o.level != "off";
  g_error_budget = o.max_errors_per_second;
}

bool access_enabled() { return g_access_enabled.load(std::memory_order_relaxed); }

void access(std::string_view json_line) {
  if (!g_access_enabled.load(std::memory_order_relaxed)) return;
  if (auto logger = spdlog::get("access")) logger->info("{}", json_line);
}

bool error_budget_allows() {
  auto second =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (g_error_window.exchange(second) != second) g_errors_in_window = 0;
  if (g_errors_in_window.fetch_add(1) < g_error_budget.load()) return true;
  g_dropped.fetch_add(1);
  return false;
}

uint64_t dropped_lines() { return g_dropped.load(); }

}  // namespace headroom::log
