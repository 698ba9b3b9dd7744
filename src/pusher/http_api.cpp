#include "pusher/http_api.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <sstream>

#include "channels/channel_name.hpp"
#include "core/json_input.hpp"
#include "pusher/auth.hpp"
#include "pusher/hub.hpp"
#include "pusher/protocol.hpp"

namespace headroom::pusher {
namespace json = boost::json;
namespace {

constexpr size_t kMaxChannelsPerEvent = 100;
constexpr size_t kMaxBatch = 10;

http::Response fail(Code code, std::string_view message) { return http::error_response(code, message); }

http::Response too_many() {
  auto res = fail(Code::kResourceExhausted, "over the app's max_backend_events_per_sec");
  res.set_header("Retry-After", "1");
  return res;
}

struct EventRequest {
  std::string name;
  std::string data;
  std::vector<std::string> channels;
  std::string socket_id;
  std::string info;
};

Result<EventRequest> parse_event(const json::value& v, const config::AppConfig& app) {
  if (!v.is_object()) return invalid_argument("event must be a JSON object");
  const auto& o = v.as_object();
  EventRequest ev;
  auto str = [&](const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
  };
  ev.name = str("name");
  if (auto s = channels::validate_event_name(ev.name); !s) return s;
  if (auto d = o.find("data"); d != o.end()) {
    ev.data = d->value().is_string() ? std::string(d->value().as_string()) : json::serialize(d->value());
  }
  if (auto c = o.find("channels"); c != o.end() && c->value().is_array()) {
    for (const auto& ch : c->value().as_array()) {
      if (!ch.is_string()) return invalid_argument("channels must be strings");
      ev.channels.emplace_back(ch.as_string());
    }
  } else if (!str("channel").empty()) {
    ev.channels.push_back(str("channel"));
  }
  if (ev.channels.empty()) return invalid_argument("an event needs \"channels\" or \"channel\"");
  if (ev.channels.size() > kMaxChannelsPerEvent) return invalid_argument("at most 100 channels per event");
  for (const auto& ch : ev.channels) {
    if (auto s = channels::validate_channel_name(ch); !s) return invalid_argument(ch + ": " + s.message());
  }
  ev.socket_id = str("socket_id");
  if (!ev.socket_id.empty() && !valid_socket_id(ev.socket_id)) return invalid_argument("invalid socket_id");
  ev.info = str("info");
  const size_t max = static_cast<size_t>(app.max_event_payload_kb) * 1024;
  if (app.max_event_payload_kb > 0 && ev.data.size() > max) {
    return Status(Code::kPayloadTooLarge, "event data over " + std::to_string(app.max_event_payload_kb) + " KB");
  }
  return ev;
}

bool wants(std::string_view info, std::string_view attr) {
  std::string list = "," + std::string(info) + ",";
  return list.find("," + std::string(attr) + ",") != std::string::npos;
}

std::string channel_attributes(Hub& hub, const std::string& app_id, const std::string& channel, std::string_view info) {
  const auto ci = hub.directory().info(app_id, channel);
  std::string out = "{";
  if (wants(info, "user_count") && channels::classify(channel).kind == channels::ChannelKind::kPresence) {
    out += "\"user_count\":" + std::to_string(ci.user_count);
  }
  if (wants(info, "subscription_count")) {
    if (out.size() > 1) out += ',';
    out += "\"subscription_count\":" + std::to_string(ci.subscription_count);
  }
  return out + "}";
}

void publish_event(Hub& hub, const config::AppConfig& app, const EventRequest& ev) {
  for (const auto& ch : ev.channels) {
    hub.publish(app, ch, server_message_str(ev.name, ch, ev.data), ev.socket_id);
  }
}

std::string info_for(Hub& hub, const config::AppConfig& app, const EventRequest& ev) {
  std::string out = "{";
  for (const auto& ch : ev.channels) {
    if (out.size() > 1) out += ',';
    out += quoted(ch) + ":" + channel_attributes(hub, app.id, ch, ev.info);
  }
  return out + "}";
}

Result<json::value> parse_body(const http::Request& req) {
  auto v = parse_client_json(req.body);
  if (!v) return invalid_argument("body is not valid JSON: " + v.status().message());
  return v;
}

http::Response events(Hub& hub, const config::AppConfig& app, http::Request& req) {
  auto body = parse_body(req);
  if (!body) return fail(Code::kInvalidArgument, body.status().message());
  auto ev = parse_event(*body, app);
  if (!ev) return fail(ev.status().code(), ev.status().message());
  if (!hub.allow_backend_events(app, static_cast<int>(ev->channels.size()))) return too_many();
  publish_event(hub, app, *ev);
  if (ev->info.empty()) return http::json_response(200, "{}");
  return http::json_response(200, "{\"channels\":" + info_for(hub, app, *ev) + "}");
}

http::Response batch_events(Hub& hub, const config::AppConfig& app, http::Request& req) {
  auto body = parse_body(req);
  if (!body) return fail(Code::kInvalidArgument, body.status().message());
  const json::value* batch = body->is_object() ? body->as_object().if_contains("batch") : nullptr;
  if (!batch || !batch->is_array()) return fail(Code::kInvalidArgument, "body needs a \"batch\" array");
  if (batch->as_array().size() > kMaxBatch) return fail(Code::kInvalidArgument, "at most 10 events per batch");
  std::vector<EventRequest> events;
  for (const auto& item : batch->as_array()) {
    auto ev = parse_event(item, app);
    if (!ev) return fail(ev.status().code(), ev.status().message());
    if (ev->channels.size() != 1) return fail(Code::kInvalidArgument, "each batch event has one \"channel\"");
    events.push_back(std::move(*ev));
  }
  if (!hub.allow_backend_events(app, static_cast<int>(events.size()))) return too_many();
  bool any_info = false;
  for (const auto& ev : events) {
    publish_event(hub, app, ev);
    any_info = any_info || !ev.info.empty();
  }
  if (!any_info) return http::json_response(200, "{}");
  std::string out = "{\"batch\":[";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i) out += ',';
    out += channel_attributes(hub, app.id, events[i].channels[0], events[i].info);
  }
  return http::json_response(200, out + "]}");
}

http::Response list_channels(Hub& hub, const config::AppConfig& app, http::Request& req) {
  const std::string prefix = req.query_param("filter_by_prefix");
  const std::string info = req.query_param("info");
  if (wants(info, "user_count") && prefix.rfind("presence-", 0) != 0) {
    return fail(Code::kInvalidArgument, "info=user_count needs filter_by_prefix=presence-");
  }
  std::string out = "{\"channels\":{";
  bool first = true;
  for (const auto& [name, ci] : hub.directory().list(app.id, prefix)) {
    if (channels::classify(name).kind == channels::ChannelKind::kServerToUser) continue;
    if (!first) out += ',';
    first = false;
    out += quoted(name) + ":" +
           (wants(info, "user_count") ? "{\"user_count\":" + std::to_string(ci.user_count) + "}" : "{}");
  }
  return http::json_response(200, out + "}}");
}

http::Response channel_info(Hub& hub, const config::AppConfig& app, http::Request& req) {
  const std::string channel(req.param("channel_name"));
  if (auto s = channels::validate_channel_name(channel); !s) return fail(Code::kInvalidArgument, s.message());
  const std::string info = req.query_param("info");
  const bool presence = channels::classify(channel).kind == channels::ChannelKind::kPresence;
  if (wants(info, "user_count") && !presence)
    return fail(Code::kInvalidArgument, "user_count is only for presence channels");
  const auto ci = hub.directory().info(app.id, channel);
  std::string out = std::string("{\"occupied\":") + (ci.occupied ? "true" : "false") +
                    ",\"subscription_count\":" + std::to_string(ci.subscription_count);
  if (presence) out += ",\"user_count\":" + std::to_string(ci.user_count);
  return http::json_response(200, out + "}");
}

http::Response channel_users(Hub& hub, const config::AppConfig& app, http::Request& req) {
  const std::string channel(req.param("channel_name"));
  if (channels::classify(channel).kind != channels::ChannelKind::kPresence) {
    return fail(Code::kInvalidArgument, "users are only listed for presence channels");
  }
  std::string out = "{\"users\":[";
  bool first = true;
  for (const auto& id : hub.directory().users(app.id, channel)) {
    if (!first) out += ',';
    first = false;
    out += "{\"id\":" + quoted(id) + "}";
  }
  return http::json_response(200, out + "]}");
}

void count_outcome(Stats& stats, int status) {
  switch (status) {
    case 200:
      return stats.api_ok.inc();
    case 401:
      return stats.api_unauthorized.inc();
    case 403:
      return stats.api_forbidden.inc();
    case 404:
      return stats.api_not_found.inc();
    case 413:
      return stats.api_too_large.inc();
    case 429:
      return stats.api_rate_limited.inc();
    default:
      return stats.api_bad_request.inc();
  }
}

http::Response dispatch(Hub& hub, http::Request& req, std::string_view route) {
  const auto* app = hub.config().app_by_id(req.param("app_id"));
  if (!app) return fail(Code::kNotFound, "unknown app id");
  const std::string method(http::method_name(req.method));
  const Status auth = verify_api_request(*app, {method, req.path, req.query, req.body}, hub.clock().unix_ms() / 1000);
  if (!auth) {
    if (auth.code() == Code::kUnauthenticated) hub.report_security(req, "bad_signature");
    return fail(auth.code(), auth.message());
  }
  if (!app->enabled) return fail(Code::kPermissionDenied, "app is disabled");
  if (route == "events") return events(hub, *app, req);
  if (route == "batch_events") return batch_events(hub, *app, req);
  if (route == "channels") return list_channels(hub, *app, req);
  if (route == "channel") return channel_info(hub, *app, req);
  if (route == "users") return channel_users(hub, *app, req);
  if (route == "terminate") {
    hub.terminate_user(app->id, std::string(req.param("user_id")));
    return http::json_response(200, "{}");
  }
  return fail(Code::kNotFound, "no such API");
}

}  // namespace

http::Response handle_api_request(Hub& hub, http::Request& req, std::string_view route) {
  http::Response res = dispatch(hub, req, route);
  count_outcome(hub.stats(), res.status);
  return res;
}

void register_http_api(http::Router& router, std::shared_ptr<Hub> hub) {
  auto add = [&](http::Method m, const char* pattern, const char* route) {
    http::RouteOptions options;
    options.admitted = true;
    options.label = pattern;
    router.add(
        m, pattern,
        [hub, route](http::Request& req, http::Responder respond) { respond(handle_api_request(*hub, req, route)); },
        options);
  };
  add(http::Method::kPost, "/apps/{app_id}/events", "events");
  add(http::Method::kPost, "/apps/{app_id}/batch_events", "batch_events");
  add(http::Method::kGet, "/apps/{app_id}/channels", "channels");
  add(http::Method::kGet, "/apps/{app_id}/channels/{channel_name}", "channel");
  add(http::Method::kGet, "/apps/{app_id}/channels/{channel_name}/users", "users");
  add(http::Method::kPost, "/apps/{app_id}/users/{user_id}/terminate_connections", "terminate");
}

}  // namespace headroom::pusher
