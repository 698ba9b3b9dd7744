#include "pusher/http_api.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <sstream>

#include "channels/channel_name.hpp"
#include "core/json_input.hpp"
#include "pusher/auth.hpp"
#include "pusher/hub.hpp"
#include "pusher/protocol.hpp"
#include "ratelimit/gcra.hpp"

namespace headroom::pusher {
namespace json = boost::json;
namespace {

constexpr size_t kMaxChannelsPerEvent = 100;
constexpr size_t kMaxBatch = 10;

http::Response fail(Code code, std::string_view message) { return http::error_response(code, message); }

http::Response unavailable(channels::PublishResult r) {
  auto res = fail(Code::kUnavailable,
                  r == channels::PublishResult::kDropped ? "the broker's queue is full" : "the broker is unreachable");
  res.set_header("Retry-After", "1");
  return res;
}

// The app's max_backend_events_per_sec as a GCRA bucket of one second's worth, kept in the
// limiter store (shared by all nodes when that store is). A request of more events than a whole
// second allows is refused outright (the GCRA step would clamp its cost to the burst).
bool allow_backend_events(Hub& hub, const config::AppConfig& app, int events) {
  const int per_sec = app.max_backend_events_per_sec;
  if (per_sec <= 0) return true;
  if (events > per_sec) return false;
  const auto limit = ratelimit::GcraLimit::per_second(per_sec, per_sec);
  const int64_t now_ns = hub.clock().now().time_since_epoch().count();
  return hub.limits().consume("backend_events:" + app.id, limit, events, now_ns).allowed;
}

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

std::string channel_attributes(const std::string& channel, std::string_view info, const channels::ChannelInfo& ci) {
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

// The first channel the broker refuses ends the request (503): the caller retries the event.
channels::PublishResult publish_event(Hub& hub, const config::AppConfig& app, const EventRequest& ev) {
  for (const auto& ch : ev.channels) {
    const auto r = hub.fanout().publish(app, ch, server_message_str(ev.name, ch, ev.data), ev.socket_id);
    if (r != channels::PublishResult::kPublished) return r;
  }
  return channels::PublishResult::kPublished;
}

using Infos = std::vector<channels::ChannelInfo>;

// Asks the channel state about each channel (one round trip each in a cluster, all in flight at
// once), then calls done once with the answers in order, or with the first failure. The answers
// run on this loop, so the tally needs no lock.
void channel_infos(Hub& hub, const std::string& app_id, const std::vector<std::string>& names,
                   std::function<void(Result<Infos>)> done) {
  if (names.empty()) return done(Infos{});
  struct Tally {
    Infos infos;
    size_t left = 0;
    std::optional<Status> failed;
    std::function<void(Result<Infos>)> done;
  };
  auto tally = std::make_shared<Tally>();
  tally->infos.resize(names.size());
  tally->left = names.size();
  tally->done = std::move(done);
  for (size_t i = 0; i < names.size(); ++i) {
    hub.state().info(app_id, names[i], [tally, i](Result<channels::ChannelInfo> r) {
      if (r) {
        tally->infos[i] = *r;
      } else if (!tally->failed) {
        tally->failed = r.status();
      }
      if (--tally->left > 0) return;
      if (tally->failed) return tally->done(*tally->failed);
      tally->done(std::move(tally->infos));
    });
  }
}

// Answers 200 with body(infos) once the channel state has answered, or the state's failure.
void respond_with_infos(Hub& hub, const std::string& app_id, const std::vector<std::string>& names,
                        std::function<std::string(const Infos&)> body, http::Responder respond) {
  channel_infos(hub, app_id, names, [body = std::move(body), respond = std::move(respond)](Result<Infos> infos) {
    if (!infos) return respond(fail(infos.status().code(), infos.status().message()));
    respond(http::json_response(200, body(*infos)));
  });
}

Result<json::value> parse_body(const http::Request& req) {
  auto v = parse_client_json(req.body);
  if (!v) return invalid_argument("body is not valid JSON: " + v.status().message());
  return v;
}

void events(Hub& hub, const config::AppConfig& app, http::Request& req, http::Responder respond) {
  auto body = parse_body(req);
  if (!body) return respond(fail(Code::kInvalidArgument, body.status().message()));
  auto ev = parse_event(*body, app);
  if (!ev) return respond(fail(ev.status().code(), ev.status().message()));
  if (!allow_backend_events(hub, app, static_cast<int>(ev->channels.size()))) return respond(too_many());
  if (auto r = publish_event(hub, app, *ev); r != channels::PublishResult::kPublished) {
    return respond(unavailable(r));
  }
  if (ev->info.empty()) return respond(http::json_response(200, "{}"));
  // The names are copied before the lambda takes the request: argument order is unspecified.
  const std::vector<std::string> names = ev->channels;
  respond_with_infos(
      hub, app.id, names,
      [ev = std::move(*ev)](const Infos& infos) {
        std::string out = "{\"channels\":{";
        for (size_t i = 0; i < ev.channels.size(); ++i) {
          if (i) out += ',';
          out += quoted(ev.channels[i]) + ":" + channel_attributes(ev.channels[i], ev.info, infos[i]);
        }
        return out + "}}";
      },
      std::move(respond));
}

void batch_events(Hub& hub, const config::AppConfig& app, http::Request& req, http::Responder respond) {
  auto body = parse_body(req);
  if (!body) return respond(fail(Code::kInvalidArgument, body.status().message()));
  const json::value* batch = body->is_object() ? body->as_object().if_contains("batch") : nullptr;
  if (!batch || !batch->is_array()) return respond(fail(Code::kInvalidArgument, "body needs a \"batch\" array"));
  if (batch->as_array().size() > kMaxBatch) return respond(fail(Code::kInvalidArgument, "at most 10 events per batch"));
  std::vector<EventRequest> events;
  for (const auto& item : batch->as_array()) {
    auto ev = parse_event(item, app);
    if (!ev) return respond(fail(ev.status().code(), ev.status().message()));
    if (ev->channels.size() != 1) {
      return respond(fail(Code::kInvalidArgument, "each batch event has one \"channel\""));
    }
    events.push_back(std::move(*ev));
  }
  if (!allow_backend_events(hub, app, static_cast<int>(events.size()))) return respond(too_many());
  bool any_info = false;
  for (const auto& ev : events) {
    if (auto r = publish_event(hub, app, ev); r != channels::PublishResult::kPublished) return respond(unavailable(r));
    any_info = any_info || !ev.info.empty();
  }
  if (!any_info) return respond(http::json_response(200, "{}"));
  std::vector<std::string> names;
  for (const auto& ev : events) names.push_back(ev.channels[0]);
  respond_with_infos(
      hub, app.id, names,
      [events = std::move(events)](const Infos& infos) {
        std::string out = "{\"batch\":[";
        for (size_t i = 0; i < events.size(); ++i) {
          if (i) out += ',';
          out += channel_attributes(events[i].channels[0], events[i].info, infos[i]);
        }
        return out + "]}";
      },
      std::move(respond));
}

void list_channels(Hub& hub, const config::AppConfig& app, http::Request& req, http::Responder respond) {
  const std::string prefix = req.query_param("filter_by_prefix");
  std::string info = req.query_param("info");
  if (wants(info, "user_count") && prefix.rfind("presence-", 0) != 0) {
    return respond(fail(Code::kInvalidArgument, "info=user_count needs filter_by_prefix=presence-"));
  }
  hub.state().list(
      app.id, prefix, [info = std::move(info), respond = std::move(respond)](Result<channels::ChannelList> list) {
        if (!list) return respond(fail(list.status().code(), list.status().message()));
        std::string out = "{\"channels\":{";
        bool first = true;
        for (const auto& [name, ci] : *list) {
          if (channels::classify(name).kind == channels::ChannelKind::kServerToUser) continue;
          if (!first) out += ',';
          first = false;
          out += quoted(name) + ":" +
                 (wants(info, "user_count") ? "{\"user_count\":" + std::to_string(ci.user_count) + "}" : "{}");
        }
        respond(http::json_response(200, out + "}}"));
      });
}

void channel_info(Hub& hub, const config::AppConfig& app, http::Request& req, http::Responder respond) {
  const std::string channel(req.param("channel_name"));
  if (auto s = channels::validate_channel_name(channel); !s) {
    return respond(fail(Code::kInvalidArgument, s.message()));
  }
  const std::string info = req.query_param("info");
  const bool presence = channels::classify(channel).kind == channels::ChannelKind::kPresence;
  if (wants(info, "user_count") && !presence) {
    return respond(fail(Code::kInvalidArgument, "user_count is only for presence channels"));
  }
  respond_with_infos(
      hub, app.id, {channel},
      [presence](const Infos& infos) {
        const auto& ci = infos[0];
        std::string out = std::string("{\"occupied\":") + (ci.occupied ? "true" : "false") +
                          ",\"subscription_count\":" + std::to_string(ci.subscription_count);
        if (presence) out += ",\"user_count\":" + std::to_string(ci.user_count);
        return out + "}";
      },
      std::move(respond));
}

void channel_users(Hub& hub, const config::AppConfig& app, http::Request& req, http::Responder respond) {
  const std::string channel(req.param("channel_name"));
  if (channels::classify(channel).kind != channels::ChannelKind::kPresence) {
    return respond(fail(Code::kInvalidArgument, "users are only listed for presence channels"));
  }
  hub.state().users(app.id, channel, [respond = std::move(respond)](Result<std::vector<std::string>> users) {
    if (!users) return respond(fail(users.status().code(), users.status().message()));
    std::string out = "{\"users\":[";
    bool first = true;
    for (const auto& id : *users) {
      if (!first) out += ',';
      first = false;
      out += "{\"id\":" + quoted(id) + "}";
    }
    respond(http::json_response(200, out + "]}"));
  });
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

void dispatch(Hub& hub, http::Request& req, std::string_view route, http::Responder respond) {
  const auto* app = hub.config().app_by_id(req.param("app_id"));
  if (!app) return respond(fail(Code::kNotFound, "unknown app id"));
  const std::string method(http::method_name(req.method));
  const Status auth = verify_api_request(*app, {method, req.path, req.query, req.body}, hub.clock().unix_ms() / 1000);
  if (!auth) {
    if (auth.code() == Code::kUnauthenticated) hub.report_security(req, "bad_signature");
    return respond(fail(auth.code(), auth.message()));
  }
  if (!app->enabled) return respond(fail(Code::kPermissionDenied, "app is disabled"));
  if (route == "events") return events(hub, *app, req, std::move(respond));
  if (route == "batch_events") return batch_events(hub, *app, req, std::move(respond));
  if (route == "channels") return list_channels(hub, *app, req, std::move(respond));
  if (route == "channel") return channel_info(hub, *app, req, std::move(respond));
  if (route == "users") return channel_users(hub, *app, req, std::move(respond));
  if (route == "terminate") {
    hub.terminate_user(app->id, std::string(req.param("user_id")));
    return respond(http::json_response(200, "{}"));
  }
  respond(fail(Code::kNotFound, "no such API"));
}

}  // namespace

void handle_api_request(Hub& hub, http::Request& req, std::string_view route, http::Responder respond) {
  dispatch(hub, req, route, [&stats = hub.stats(), respond = std::move(respond)](http::Response res) {
    count_outcome(stats, res.status);
    respond(std::move(res));
  });
}

http::Response handle_api_request_now(Hub& hub, http::Request& req, std::string_view route) {
  std::optional<http::Response> out;
  handle_api_request(hub, req, route, [&out](http::Response res) { out = std::move(res); });
  return out ? std::move(*out) : fail(Code::kInternal, "the backends did not answer in place");
}

void register_http_api(http::Router& router, std::shared_ptr<Hub> hub) {
  auto add = [&](http::Method m, const char* pattern, const char* route) {
    http::RouteOptions options;
    options.admitted = true;
    options.label = pattern;
    router.add(
        m, pattern,
        [hub, route](http::Request& req, http::Responder respond) {
          handle_api_request(*hub, req, route, std::move(respond));
        },
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
