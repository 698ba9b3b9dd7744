// Fuzzes Pusher's HTTP API as the router hands requests to it (handle_api_request): the signed
// query string (auth_key, auth_timestamp, auth_version, body_md5, auth_signature) and the
// events / batch_events bodies, against a real Hub with a fixed clock.
// Input: byte 0 picks the route (bits 0-2) and whether the fuzzer signs the request itself
// (bit 3: then the query line is extra parameters, signed along); the rest is
// "<query>\n<channel_name param>\n<body>".
// Invariants: only the statuses Pusher documents come back, never 200 for an unsigned request,
// never 401 for one the fuzzer signed (unless its extra parameters touch the auth ones), the body
// is JSON, and the string to sign never includes the signature.
#include <boost/json/parse.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "metrics/registry.hpp"
#include "pusher/auth.hpp"
#include "pusher/backends.hpp"
#include "pusher/http_api.hpp"
#include "pusher/hub.hpp"

using namespace headroom;

namespace {

#define CHECK(cond) \
  if (!(cond)) std::abort()

struct Route {
  http::Method method;
  const char* path;
  const char* name;
};
constexpr Route kRoutes[] = {
    {http::Method::kPost, "/apps/1/events", "events"},
    {http::Method::kPost, "/apps/1/batch_events", "batch_events"},
    {http::Method::kGet, "/apps/1/channels", "channels"},
    {http::Method::kGet, "/apps/1/channels/c", "channel"},
    {http::Method::kGet, "/apps/1/channels/c/users", "users"},
    {http::Method::kPost, "/apps/1/users/u/terminate_connections", "terminate"},
    {http::Method::kPost, "/apps/2/events", "events"},  // unknown app: 404
    {http::Method::kPost, "/apps/1/events", "events"},
};

struct World {
  World() {
    config::AppConfig app;
    app.id = "1";
    app.key = "key";
    app.secret = "secret";
    app.max_event_payload_kb = 1;
    config.apps.push_back(app);
    backends = std::make_unique<pusher::InMemoryChannelBackends>(config, clock, changes);
    hub = std::make_unique<pusher::Hub>(config, clock, stats, backends->refs(), nullptr);
  }
  FakeClock clock;
  metrics::Registry registry;
  pusher::Stats stats{registry};
  storage::ChangeBus changes;
  std::unique_ptr<pusher::InMemoryChannelBackends> backends;
  config::Config config;
  std::unique_ptr<pusher::Hub> hub;
};

std::string_view take_line(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

// Extra parameters that cannot change the outcome of the signature check.
bool harmless_extra(std::string_view extra) {
  std::string lower(extra);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("auth_") == std::string::npos && lower.find("body_md5") == std::string::npos &&
         lower.find('%') == std::string::npos && lower.find('+') == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;
  const Route& route = kRoutes[data[0] & 7];
  const bool sign = data[0] & 8;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string_view query = take_line(rest);
  const std::string_view channel = take_line(rest);

  http::Request req;
  req.method = route.method;
  req.path = route.path;
  req.body.assign(rest);
  req.params = {{"app_id", std::string_view(route.path).starts_with("/apps/1/") ? "1" : "2"},
                {"channel_name", std::string(channel)},
                {"user_id", "u"}};
  const auto& app = world.config.apps[0];
  const int64_t now = world.clock.unix_ms() / 1000;
  req.query = sign ? pusher::sign_api_query(app, http::method_name(route.method), route.path, req.body, now, query)
                   : std::string(query);

  const std::string to_sign =
      pusher::api_string_to_sign({http::method_name(route.method), req.path, req.query, req.body});
  // No parameter named auth_signature (a longer name that ends in it is someone else's).
  CHECK(to_sign.find("\nauth_signature=") == std::string::npos);
  CHECK(to_sign.find("&auth_signature=") == std::string::npos);

  http::Response res = pusher::handle_api_request_now(*world.hub, req, route.name);
  const int s = res.status;
  CHECK(s == 200 || s == 400 || s == 401 || s == 403 || s == 404 || s == 413 || s == 429);
  if (!sign && query.find("auth_signature") == std::string_view::npos) CHECK(s != 200);
  if (sign && harmless_extra(query) && req.params[0].second == "1") CHECK(s != 401);
  boost::system::error_code ec;
  (void)boost::json::parse(res.body_view(), ec);
  CHECK(!ec);
  return 0;
}
