#pragma once
// The effective configuration: built once at startup from headroom.toml, HEADROOM_* environment
// variables and flags, validated, then shared read-only. Every default says where it came from;
// "seed:" marks a number taken from the scaling plan (shared/seed).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace headroom::config {

struct ServerConfig {
  // Loopback unless asked: a laptop's server is not on the network by accident. PORT in the
  // environment (Cloud Run, a container) makes the default 0.0.0.0, where the platform sends traffic.
  std::string host = "127.0.0.1";
  int port = 8080;                        // DESIGN.md §6; PORT env overrides
  int threads = 0;                        // 0: one event loop per core
  int max_concurrent_requests = 80;       // seed: Cloud Run concurrency 80
  int admission_queue = 40;               // requests that may wait for a slot (half the concurrency)
  int admission_queue_timeout_ms = 1000;  // a queued request gives up after this (503 + Retry-After)
  int max_request_line_bytes = 8192;      // longer request line: 414/400
  int max_header_bytes = 16384;           // larger header block: 431
  int64_t max_body_bytes = 2 << 20;       // documents are ≤ 1 MiB; JSON batches need headroom
  int header_timeout_ms = 10000;          // a client must finish its headers within this (slowloris)
  int idle_timeout_ms = 75000;            // keep-alive connection with no request is closed
  int handler_timeout_ms = 30000;         // a request not answered by then gets 504 (admission wait included)
  int max_connections = 10000;            // open TCP connections (HTTP + WebSocket) per instance
  int shutdown_grace_ms = 10000;          // seed: Cloud Run gives 10 s after SIGTERM
  bool test_routes = false;               // /v1/test/* (slow, fail) for end-to-end tests only
  std::string outbound_ca_file;           // PEM CAs trusted for https:// webhooks besides the system store
};

struct DataConfig {
  std::string dir = "./headroom-data";   // DESIGN.md §6
  int change_log_retention_hours = 168;  // document change log kept a week for feeds that resume
};

struct LogConfig {
  std::string level = "info";
  std::string file;       // empty: stderr
  int max_file_mb = 64;   // rotate past this size
  int keep_files = 7;     // seed: log retention (a week of daily-sized files)
  int max_age_days = 14;  // rotated files older than this are deleted (hourly); 0: by count only
  bool access_log = true;
  int max_errors_per_second = 50;
};

struct AdminConfig {
  std::string token;  // secret; empty: generated into the data dir at first start
};

struct WebSocketConfig {
  int max_connections = 1000;            // seed: max connections per server
  int max_channels_per_connection = 10;  // seed: channels per connection
  int max_messages_per_second = 100;     // seed: messages per second (per connection)
  int max_payload_bytes = 10240;         // Pusher's 10 KB event limit
  int max_frame_bytes = 65536;           // a client frame larger than this closes with 1009
  int64_t send_buffer_bytes = 1 << 20;   // per connection; past it the client is slow (4100)
  int activity_timeout_s = 120;          // Pusher default; server pings after this much silence
  int pong_timeout_s = 30;               // no answer to our ping: connection is dead
  int vip_reserved_connections = 50;     // slots kept for VIP sign-ins near the limit
};

struct HistoryRule {
  std::string prefix;  // channel name prefix, e.g. "chat-"
  int size = 100;      // events kept per channel
  int ttl_s = 300;     // and for how long
};

struct ChannelsConfig {
  std::vector<HistoryRule> history;    // namespaces with recovery enabled
  int webhook_batch_ms = 250;          // webhook events are batched this long
  int webhook_queue = 10000;           // bounded; overflow is counted and dropped
  int webhook_vacate_delay_ms = 3000;  // channel_vacated/member_removed held so reconnects don't flap
};

struct RateLimitConfig {
  bool enabled = true;
  bool shadow = false;            // count decisions but do not enforce
  int anonymous_per_minute = 20;  // seed: unauthenticated 20 req/min
  int anonymous_burst = 20;
  int authenticated_per_minute = 100;  // seed: authenticated 100 req/min
  int authenticated_burst = 200;       // seed: burst 200 req/min
  int vip_per_minute = 1000;           // ten times authenticated: VIPs are served first
  int vip_burst = 2000;
  int max_keys = 100000;                     // key table bound (LRU)
  std::vector<std::string> trusted_proxies;  // X-Forwarded-For is believed only from these
  double dynamic_factor = 0.5;               // anonymous limits multiply by this under scale pressure
  int abuse_threshold_per_minute = 30;       // security incident: failures/limit hits of one key per minute
  int ban_seconds = 0;                       // ban a key in incident for this long (403); 0: never ban
};

struct QuotaConfig {
  int64_t reads_per_day = 50000;   // seed: read operations 50,000/day
  int64_t writes_per_day = 20000;  // seed: write operations 20,000/day
  int64_t deletes_per_day = 5000;  // seed: delete operations 5,000/day
  bool enforce = false;            // DESIGN.md §3: alert always, enforce only when asked
};

struct CacheConfig {
  bool enabled = true;
  int64_t max_bytes = 100LL << 20;  // seed: cache size 100 MB
  int ttl_s = 300;                  // seed: cache duration 5 minutes
};

struct AlertsConfig {
  std::string webhook;  // POST target for alert transitions; empty: log only
  int eval_interval_ms = 5000;
  double error_ratio = 0.05;              // high error rate: 5xx share of requests
  double latency_p95_ms = 200;            // seed: request latency > 200 ms
  double cpu_ratio = 0.8;                 // seed: CPU utilisation > 80 %
  double memory_ratio = 0.8;              // seed: memory usage > 80 %
  double cache_hit_ratio = 0.5;           // warning below this
  double rate_limited_ratio = 0.1;        // warning: heavy rate limiting
  int security_failures_per_minute = 30;  // critical: failed signatures/tokens
  int memory_limit_mb = 0;   // memory ratio denominator; 0: cgroup limit, else 512 (seed: Cloud Run 512 MB)
  int for_ms = -1;           // -1: each rule's own `for`; else every rule waits this long (tests)
  double quota_ratio = 0.8;  // DESIGN.md §3: quota alert at 80 %
};

struct BackupConfig {
  std::string schedule = "0 3 * * *";  // seed: daily database backups (03:00 UTC)
  int keep = 7;                        // a week of dailies
  std::string dir;                     // empty: <data.dir>/backups
};

struct CollectionRules {
  std::string read = "authenticated";  // public | authenticated | owner | server
  std::string write = "authenticated";
  std::string cache_control;  // sent on public reads when set
};

struct Webhook {
  std::string url;
  std::vector<std::string> event_types;  // empty: all
};

struct AppConfig {
  std::string id;
  std::string key;
  std::string secret;  // secret: never logged, redacted by `config print`; signs Pusher traffic
  // Secret too: signs the document API's JWTs (HS256) when set, so they rotate apart from the
  // Pusher secret. Empty: `secret` signs them as well (docs::app_jwt_secret decides).
  std::string jwt_secret;
  std::string name;
  bool enabled = true;
  bool enable_client_messages = true;
  bool enable_user_authentication = true;
  int max_connections = 0;              // 0: only the instance limit applies
  int max_backend_events_per_sec = 0;   // 0: unlimited (DESIGN.md §3)
  int max_client_events_per_sec = 100;  // seed: 100 messages/s
  int max_read_requests_per_sec = 0;
  int max_presence_members = 100;  // Pusher's limit
  int max_event_payload_kb = 10;   // Pusher's limit
  bool allow_scans = false;        // queries without an index scan instead of failing
  // Per-app caller tiers (docs/limits.md); 0: the [rate_limits] value. A per-minute rate given
  // without its burst scales the tier's burst by the same ratio.
  int anonymous_per_minute = 0;
  int anonymous_burst = 0;
  int authenticated_per_minute = 0;
  int authenticated_burst = 0;
  int vip_per_minute = 0;
  int vip_burst = 0;
  std::vector<Webhook> webhooks;
  std::map<std::string, CollectionRules, std::less<>> collections;  // "*" applies to unnamed collections
};

struct Config {
  ServerConfig server;
  DataConfig data;
  LogConfig log;
  AdminConfig admin;
  WebSocketConfig websocket;
  ChannelsConfig channels;
  RateLimitConfig rate_limits;
  QuotaConfig quotas;
  CacheConfig cache;
  AlertsConfig alerts;
  BackupConfig backup;
  std::vector<AppConfig> apps;
  std::string source_hash;  // sha256 of the file it came from (headroom_config_version)

  const AppConfig* app_by_id(std::string_view id) const;
  const AppConfig* app_by_key(std::string_view key) const;
  // A reference into `app` (or to the defaults): valid while the app's config snapshot lives.
  const CollectionRules& rules_for(const AppConfig& app, std::string_view collection) const;
};

}  // namespace headroom::config
