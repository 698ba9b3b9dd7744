// Every config key, once: name, field (type and default come from config.hpp's member), allowed
// values, what it means, secret or not, and any check beyond the allowed values. Adding a key is
// adding its field to config.hpp and one row here; `headroom config docs > docs/configuration.md`
// then documents it (config_test fails until it does). The comment beside a default in config.hpp
// says where that number came from; the text here says what the key does, for operators.
#include "config/schema.hpp"

#include <cctype>
#include <fstream>
#include <limits>
#include <regex>

namespace headroom::config::schema {

namespace {
constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kBig = 100000000;  // "no practical limit" for rates and counts
const OneOf kRuleValues{{"public", "authenticated", "owner", "server"}};

std::string listen_host(const ServerConfig& s) {
  return s.host.empty() ? "must be an address to listen on, e.g. 127.0.0.1" : "";
}
std::string readable_ca_file(const ServerConfig& s) {
  if (s.outbound_ca_file.empty() || std::ifstream(s.outbound_ca_file).good()) return "";
  return "cannot be read; must be a PEM file of CA certificates";
}
std::string data_dir(const DataConfig& d) { return d.dir.empty() ? "must name a directory" : ""; }
std::string admin_token(const AdminConfig& a) {
  return !a.token.empty() && a.token.size() < 16 ? "must be at least 16 characters" : "";
}

bool is_id(const std::string& s) {
  static const std::regex kIdChars("^[A-Za-z0-9_-]{1,64}$");
  return std::regex_match(s, kIdChars);
}
constexpr const char* kIdRule = "must be 1-64 letters, digits, '-' or '_'";
std::string app_id(const AppConfig& a) { return is_id(a.id) ? "" : kIdRule; }
std::string app_key(const AppConfig& a) { return is_id(a.key) ? "" : kIdRule; }
std::string app_secret(const AppConfig& a) { return a.secret.size() < 8 ? "must be at least 8 characters" : ""; }
std::string app_jwt_secret(const AppConfig& a) {
  if (a.jwt_secret.empty() || a.jwt_secret.size() >= 8) return "";
  return "must be empty (use secret) or at least 8 characters";
}
std::string webhook_url(const Webhook& w) {
  if (w.url.rfind("http://", 0) == 0 || w.url.rfind("https://", 0) == 0) return "";
  return "must start with http:// or https://";
}
}  // namespace

const Section<ServerConfig>& server() {
  using S = ServerConfig;
  static const Section<S> s{
      "server",
      &Config::server,
      "The HTTP and WebSocket listener, admission control and request limits.",
      {
          {"host",
           &S::host,
           {},
           "Address to listen on. Loopback unless asked; when `PORT` is in the environment "
           "(a container, Cloud Run) the default is `0.0.0.0`.",
           Shown::kPlain,
           listen_host},
          {"port", &S::port, IntRange{0, 65535},
           "TCP port; `PORT` in the environment overrides the file; 0: any "
           "free port (the startup line says which)."},
          {"threads", &S::threads, IntRange{0, 256}, "Event loops (one thread each); 0: one per core."},
          {"max_concurrent_requests", &S::max_concurrent_requests, IntRange{1, 100000},
           "HTTP requests in flight at once; beyond it they queue, then get 503 (seed: Cloud Run concurrency 80)."},
          {"admission_queue", &S::admission_queue, IntRange{0, 100000},
           "Requests that may wait for a slot, best tier first."},
          {"admission_queue_timeout_ms", &S::admission_queue_timeout_ms, IntRange{1, 600000},
           "A queued request gives up after this and gets 503 with `Retry-After`."},
          {"max_request_line_bytes", &S::max_request_line_bytes, IntRange{256, 1 << 20},
           "Longest request line; longer gets 414."},
          {"max_header_bytes", &S::max_header_bytes, IntRange{1024, 1 << 20}, "Largest header block; larger gets 431."},
          {"max_body_bytes", &S::max_body_bytes, IntRange{1024, int64_t{1} << 30},
           "Largest request body; larger gets 413 (documents are at most 1 MiB; batches need more)."},
          {"header_timeout_ms", &S::header_timeout_ms, IntRange{100, 600000},
           "A client must send its whole header block within this (slowloris)."},
          {"idle_timeout_ms", &S::idle_timeout_ms, IntRange{100, 3600000},
           "A keep-alive connection with no request for this long is closed."},
          {"handler_timeout_ms", &S::handler_timeout_ms, IntRange{10, 3600000},
           "A request not answered by then gets 504 `DEADLINE_EXCEEDED` (admission wait included)."},
          {"max_connections", &S::max_connections, IntRange{1, 10000000},
           "Open TCP connections (HTTP and WebSocket) per instance."},
          {"shutdown_grace_ms", &S::shutdown_grace_ms, IntRange{0, 3600000},
           "After SIGTERM, in-flight requests get this long to finish (seed: Cloud Run's 10 s)."},
          {"test_routes", &S::test_routes, {}, "Serve `/v1/test/*` (slow, fail) for end-to-end tests only."},
          {"outbound_ca_file",
           &S::outbound_ca_file,
           {},
           "PEM file of CAs trusted for `https://` webhooks and alerts, besides the system store.",
           Shown::kPlain,
           readable_ca_file},
      }};
  return s;
}

const Section<DataConfig>& data() {
  using S = DataConfig;
  static const Section<S> s{"data",
                            &Config::data,
                            "Where the embedded database lives.",
                            {
                                {"dir",
                                 &S::dir,
                                 {},
                                 "Data directory (SQLite database, generated secrets, backups by default).",
                                 Shown::kPlain,
                                 data_dir},
                                {"change_log_retention_hours", &S::change_log_retention_hours, IntRange{1, 24 * 3650},
                                 "Document change log kept this long, for change feeds that resume."},
                            }};
  return s;
}

const Section<LogConfig>& log() {
  using S = LogConfig;
  static const Section<S> s{
      "log",
      &Config::log,
      "JSON log lines: level, file and rotation, access log.",
      {
          {"level", &S::level, OneOf{{"trace", "debug", "info", "warn", "error", "off"}}, "Lowest level logged."},
          {"file", &S::file, {}, "Log file; empty: stderr."},
          {"max_file_mb", &S::max_file_mb, IntRange{1, 100000}, "Rotate the log file past this size."},
          {"keep_files", &S::keep_files, IntRange{1, 10000}, "Rotated files kept."},
          {"max_age_days", &S::max_age_days, IntRange{0, 36500},
           "Rotated files older than this are deleted (hourly); 0: by count only."},
          {"access_log", &S::access_log, {}, "One JSON line per HTTP request."},
          {"max_errors_per_second", &S::max_errors_per_second, IntRange{1, 1000000},
           "Error and warn lines beyond this are dropped and counted (flood limit)."},
      }};
  return s;
}

const Section<AdminConfig>& admin() {
  using S = AdminConfig;
  static const Section<S> s{
      "admin",
      &Config::admin,
      "The admin API and dashboard.",
      {
          {"token",
           &S::token,
           {},
           "Bearer token of the admin API and dashboard login, at least 16 characters; empty: generated into "
           "the data directory at first start.",
           Shown::kSecret,
           admin_token},
      }};
  return s;
}

const Section<WebSocketConfig>& websocket() {
  using S = WebSocketConfig;
  static const Section<S> s{
      "websocket",
      &Config::websocket,
      "Pusher WebSocket connections.",
      {
          {"max_connections", &S::max_connections, IntRange{1, 10000000},
           "WebSocket connections per instance (seed: 1000 per server)."},
          {"max_channels_per_connection", &S::max_channels_per_connection, IntRange{1, 100000},
           "Channels one connection may subscribe to."},
          {"max_messages_per_second", &S::max_messages_per_second, IntRange{1, 1000000},
           "Messages a connection may send per second."},
          {"max_payload_bytes", &S::max_payload_bytes, IntRange{64, 16 << 20},
           "Largest event payload (Pusher's 10 KB)."},
          {"max_frame_bytes", &S::max_frame_bytes, IntRange{1024, 64 << 20},
           "A client frame larger than this closes the connection with 1009."},
          {"send_buffer_bytes", &S::send_buffer_bytes, IntRange{4096, int64_t{1} << 30},
           "Bytes queued to one connection; past it the client is too slow and is closed with 4100."},
          {"activity_timeout_s", &S::activity_timeout_s, IntRange{1, 3600},
           "The server pings after this much silence (Pusher's default)."},
          {"pong_timeout_s", &S::pong_timeout_s, IntRange{1, 3600},
           "No answer to a ping within this: the connection is dead."},
          {"vip_reserved_connections", &S::vip_reserved_connections, IntRange{0, 10000000},
           "Connection slots kept for VIP sign-ins near the limit."},
      }};
  return s;
}

const Section<ChannelsConfig>& channels() {
  using S = ChannelsConfig;
  static const Section<S> s{
      "channels",
      &Config::channels,
      "Channel history and webhooks.",
      {
          {"webhook_batch_ms", &S::webhook_batch_ms, IntRange{0, 60000}, "Webhook events are batched this long."},
          {"webhook_queue", &S::webhook_queue, IntRange{1, 10000000},
           "Webhook events waiting to be sent; overflow is counted and dropped."},
          {"webhook_vacate_delay_ms", &S::webhook_vacate_delay_ms, IntRange{0, 600000},
           "`channel_vacated` and `member_removed` are held this long so reconnects don't flap."},
      },
      {history().name}};
  return s;
}

const TableArray<ChannelsConfig, HistoryRule>& history() {
  using S = HistoryRule;
  static const TableArray<ChannelsConfig, S> a{
      "history",
      &ChannelsConfig::history,
      "Channel namespaces with recovery: their last events are kept and replayed to a subscriber that sends "
      "`since`.",
      {
          {"prefix", &S::prefix, {}, "Channel name prefix, e.g. `chat-`."},
          {"size", &S::size, IntRange{1, 100000}, "Events kept per channel."},
          {"ttl_s", &S::ttl_s, IntRange{1, 86400 * 7}, "And for how long."},
      }};
  return a;
}

const Section<RateLimitConfig>& rate_limits() {
  using S = RateLimitConfig;
  static const Section<S> s{
      "rate_limits",
      &Config::rate_limits,
      "Per-caller request limits by tier (GCRA), abuse detection ([limits.md](limits.md)).",
      {
          {"enabled", &S::enabled, {}, "Enforce the caller tiers."},
          {"shadow", &S::shadow, {}, "Count decisions but do not enforce."},
          {"anonymous_per_minute", &S::anonymous_per_minute, IntRange{1, kBig},
           "Requests per minute of an anonymous caller, by IP (seed: 20)."},
          {"anonymous_burst", &S::anonymous_burst, IntRange{1, kBig}, "Burst of an anonymous caller."},
          {"authenticated_per_minute", &S::authenticated_per_minute, IntRange{1, kBig},
           "Requests per minute of an authenticated caller, by `sub` (seed: 100)."},
          {"authenticated_burst", &S::authenticated_burst, IntRange{1, kBig},
           "Burst of an authenticated caller (seed: 200)."},
          {"vip_per_minute", &S::vip_per_minute, IntRange{1, kBig}, "Requests per minute of a VIP caller."},
          {"vip_burst", &S::vip_burst, IntRange{1, kBig}, "Burst of a VIP caller."},
          {"max_keys", &S::max_keys, IntRange{16, kBig}, "Callers tracked at once (least recently used go)."},
          {"trusted_proxies",
           &S::trusted_proxies,
           {},
           "IPs or CIDRs whose `X-Forwarded-For` is believed; comma-separated in the environment."},
          {"dynamic_factor", &S::dynamic_factor, RealRange{0.01, 1},
           "Anonymous limits are multiplied by this under scale pressure."},
          {"abuse_threshold_per_minute", &S::abuse_threshold_per_minute, IntRange{1, kBig},
           "Failures or limit hits of one key per minute that make a security incident."},
          {"ban_seconds", &S::ban_seconds, IntRange{0, 86400 * 30},
           "A key in an incident is banned (403) this long; 0: never ban."},
      }};
  return s;
}

const Section<QuotaConfig>& quotas() {
  using S = QuotaConfig;
  static const Section<S> s{
      "quotas",
      &Config::quotas,
      "Daily document quotas per app (0: unlimited).",
      {
          {"reads_per_day", &S::reads_per_day, IntRange{0, kI64Max}, "Document reads per app and day."},
          {"writes_per_day", &S::writes_per_day, IntRange{0, kI64Max}, "Document writes per app and day."},
          {"deletes_per_day", &S::deletes_per_day, IntRange{0, kI64Max}, "Document deletes per app and day."},
          {"enforce", &S::enforce, {}, "Refuse work over quota with 429 `RESOURCE_EXHAUSTED`; otherwise alert only."},
      }};
  return s;
}

const Section<CacheConfig>& cache() {
  using S = CacheConfig;
  static const Section<S> s{
      "cache",
      &Config::cache,
      "The document and query cache.",
      {
          {"enabled", &S::enabled, {}, "Cache document reads and query results."},
          {"max_bytes", &S::max_bytes, IntRange{0, kI64Max}, "Cache size in bytes (seed: 100 MB)."},
          {"ttl_s", &S::ttl_s, IntRange{1, 86400 * 30}, "An entry lives this long (seed: 5 minutes)."},
      }};
  return s;
}

const Section<AlertsConfig>& alerts() {
  using S = AlertsConfig;
  static const Section<S> s{
      "alerts",
      &Config::alerts,
      "Alert thresholds and where transitions go ([alerts.md](alerts.md)).",
      {
          {"webhook", &S::webhook, {}, "URL that receives alert transitions; empty: log only."},
          {"eval_interval_ms", &S::eval_interval_ms, IntRange{100, 3600000}, "How often rules are evaluated."},
          {"error_ratio", &S::error_ratio, RealRange{0, 1}, "High error rate: share of requests answered 5xx."},
          {"latency_p95_ms", &S::latency_p95_ms, RealRange{1, 600000}, "High latency: p95 request latency."},
          {"cpu_ratio", &S::cpu_ratio, RealRange{0, 1}, "High CPU: share of the CPU used."},
          {"memory_ratio", &S::memory_ratio, RealRange{0, 1}, "High memory: resident memory ÷ the limit."},
          {"cache_hit_ratio", &S::cache_hit_ratio, RealRange{0, 1}, "Low cache hit ratio: warn below this."},
          {"rate_limited_ratio", &S::rate_limited_ratio, RealRange{0, 1},
           "Heavy rate limiting: share of decisions that limited."},
          {"security_failures_per_minute", &S::security_failures_per_minute, IntRange{1, kIntMax},
           "Security incident: failed signatures and tokens per minute."},
          {"memory_limit_mb", &S::memory_limit_mb, IntRange{0, kIntMax},
           "Denominator of the memory ratio; 0: the cgroup limit, else 512 MB."},
          {"for_ms", &S::for_ms, IntRange{-1, 86400000},
           "-1: each rule's own `for`; otherwise every rule waits this long (tests, demos)."},
          {"quota_ratio", &S::quota_ratio, RealRange{0, 1}, "Quota alert when an app has used this share."},
      }};
  return s;
}

const Section<BackupConfig>& backup() {
  using S = BackupConfig;
  static const Section<S> s{
      "backup",
      &Config::backup,
      "Scheduled online backups ([operations.md](operations.md)).",
      {
          {"schedule", &S::schedule, {}, "Cron expression (UTC) of scheduled backups (seed: daily)."},
          {"keep", &S::keep, IntRange{1, 10000}, "Backups kept."},
          {"dir", &S::dir, {}, "Backup directory; empty: `<data.dir>/backups`."},
      }};
  return s;
}

const TableArray<Config, AppConfig>& apps() {
  using S = AppConfig;
  static const TableArray<Config, S> a{
      "apps",
      &Config::apps,
      "Apps (tenants): Pusher credentials, per-app limits, webhooks and collection rules.",
      {
          {"id",
           &S::id,
           {},
           "App id (Pusher `app_id`, `/v1/apps/{id}`): 1-64 letters, digits, `-`, `_`.",
           Shown::kPlain,
           app_id},
          {"key",
           &S::key,
           {},
           "Public app key (Pusher `key`): 1-64 letters, digits, `-`, `_`.",
           Shown::kPlain,
           app_key},
          {"secret",
           &S::secret,
           {},
           "Signs Pusher traffic (and document API tokens when `jwt_secret` is empty); at least 8 characters, "
           "`config check` warns under 20.",
           Shown::kSecret,
           app_secret},
          {"jwt_secret",
           &S::jwt_secret,
           {},
           "Signs the document API's JWTs (HS256) apart from `secret`, so they rotate separately; empty: "
           "`secret` signs them.",
           Shown::kSecret,
           app_jwt_secret},
          {"name", &S::name, {}, "Display name."},
          {"enabled", &S::enabled, {}, "A disabled app's connections are refused (4003)."},
          {"enable_client_messages", &S::enable_client_messages, {}, "Allow `client-*` events."},
          {"enable_user_authentication", &S::enable_user_authentication, {}, "Allow `pusher:signin`."},
          {"max_connections", &S::max_connections, IntRange{0, 10000000},
           "WebSocket connections of this app; 0: only the instance limit."},
          {"max_backend_events_per_sec", &S::max_backend_events_per_sec, IntRange{0, kBig},
           "Writes per second by the app's backend (HTTP API, server tokens); 0: unlimited."},
          {"max_client_events_per_sec", &S::max_client_events_per_sec, IntRange{0, kBig},
           "Client events per second per connection (seed: 100 messages/s)."},
          {"max_read_requests_per_sec", &S::max_read_requests_per_sec, IntRange{0, kBig},
           "Reads per second by the app's backend; 0: unlimited."},
          {"max_presence_members", &S::max_presence_members, IntRange{1, 100000},
           "Members of one presence channel (Pusher's limit)."},
          {"max_event_payload_kb", &S::max_event_payload_kb, IntRange{1, 16384},
           "Largest event payload in KB (Pusher's limit)."},
          {"allow_scans", &S::allow_scans, {}, "Queries without an index scan instead of failing."},
          {"anonymous_per_minute", &S::anonymous_per_minute, IntRange{0, 1000000000},
           "This app's anonymous rate; 0: `rate_limits.anonymous_per_minute`. A rate without its burst "
           "scales the tier's burst by the same ratio."},
          {"anonymous_burst", &S::anonymous_burst, IntRange{0, 1000000000},
           "This app's anonymous burst; 0: derived from the tier."},
          {"authenticated_per_minute", &S::authenticated_per_minute, IntRange{0, 1000000000},
           "This app's authenticated rate; 0: `rate_limits.authenticated_per_minute`."},
          {"authenticated_burst", &S::authenticated_burst, IntRange{0, 1000000000},
           "This app's authenticated burst; 0: derived from the tier."},
          {"vip_per_minute", &S::vip_per_minute, IntRange{0, 1000000000},
           "This app's VIP rate; 0: `rate_limits.vip_per_minute`."},
          {"vip_burst", &S::vip_burst, IntRange{0, 1000000000}, "This app's VIP burst; 0: derived from the tier."},
      },
      {webhooks().name, collections().name}};
  return a;
}

const TableArray<AppConfig, Webhook>& webhooks() {
  using S = Webhook;
  static const TableArray<AppConfig, S> a{
      "webhooks",
      &AppConfig::webhooks,
      "Pusher webhooks of an app ([channels.md](channels.md)).",
      {
          {"url", &S::url, {}, "`http://` or `https://` URL that receives the batches.", Shown::kPlain, webhook_url},
          {"event_types", &S::event_types, {}, "Events sent (e.g. `channel_occupied`); empty: all."},
      }};
  return a;
}

const TableMap<AppConfig, CollectionRules>& collections() {
  using S = CollectionRules;
  static const TableMap<AppConfig, S> m{
      "collections",
      &AppConfig::collections,
      "Access rules of an app's collections by name; `\"*\"` applies to collections not named.",
      {
          {"read", &S::read, kRuleValues, "Who may read documents."},
          {"write", &S::write, kRuleValues, "Who may write documents."},
          {"cache_control", &S::cache_control, {}, "`Cache-Control` sent on public reads when set."},
      }};
  return m;
}

std::vector<std::string_view> section_names() {
  std::vector<std::string_view> names;
  for_each_section([&](const auto& s) { names.push_back(s.name); });
  return names;
}

std::string env_name(std::string_view section, std::string_view key) {
  std::string name = "HEADROOM_";
  for (std::string_view part : {section, std::string_view("_"), key}) {
    for (char c : part) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

}  // namespace headroom::config::schema
