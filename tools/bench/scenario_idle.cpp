// idle: open N connections that then do nothing (Pusher: connection_established, optionally one
// subscription; NATS: CONNECT; Redis: SUBSCRIBE) and report the server's RSS per connection.
#include "common.hpp"
#include "subscribers.hpp"

namespace headroom::bench {

int run_idle(Context& ctx) {
  const auto connections = static_cast<size_t>(ctx.opts.integer("connections", 100));
  const double hold_s = ctx.opts.number("hold", 1);
  const std::string channel = ctx.opts.str("channel", "");
  const int64_t timeout_ns = static_cast<int64_t>(ctx.opts.number("connect-timeout", 120) * 1e9);

  Runtime rt(ctx.threads);
  SubscriberSet conns(ctx, rt, ctx.protocol == "pusher" ? channel : (channel.empty() ? "bench-idle" : channel));
  const int64_t rss_before = process_rss_bytes(ctx.server_pid);
  const int64_t start = now_ns();
  conns.open(connections, timeout_ns);
  const double connect_s = static_cast<double>(now_ns() - start) / 1e9;
  const int64_t rss_connected = process_rss_bytes(ctx.server_pid);
  for (int64_t waited = 0; waited < static_cast<int64_t>(hold_s * 1000); waited += 100) {
    ctx.progress.show("idle: holding " + std::to_string(conns.ready() - conns.closed_after_ready()) + " connections");
    sleep_ms(100);
  }
  ctx.progress.done();
  const int64_t rss_held = process_rss_bytes(ctx.server_pid);
  const size_t ready = conns.ready();
  const size_t dropped = conns.closed_after_ready();
  rt.stop();

  const double per_conn = ready ? static_cast<double>(rss_held - rss_before) / static_cast<double>(ready) : 0;
  ctx.results = {
      {"protocol", ctx.protocol},
      {"connections_requested", connections},
      {"connections_ready", ready},
      {"connect_failures", conns.failures()},
      {"dropped_while_idle", dropped},
      {"connect_seconds", connect_s},
      {"connects_per_s", connect_s > 0 ? static_cast<double>(ready) / connect_s : 0},
      {"connect_latency", histogram_json(conns.connect_latency())},
      {"server_rss_before_bytes", rss_before},
      {"server_rss_connected_bytes", rss_connected},
      {"server_rss_held_bytes", rss_held},
      {"server_rss_per_connection_bytes", per_conn},
  };
  if (ctx.server_pid <= 0) ctx.results["note"] = "no --server-pid: memory not measured";
  conns.clear();
  return ready == 0 ? 1 : 0;
}

}  // namespace headroom::bench
