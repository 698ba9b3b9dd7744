// GET /v1/apps/{app_id}/usage: today's quota counters, limits and ratios, and when they reset.
// Only the app's server (role "server" token) or the admin token may call it.
#include <boost/json/serialize.hpp>
#include <ctime>

#include "docs/internal.hpp"
#include "http/bearer.hpp"

namespace headroom::docs {
namespace json = boost::json;

namespace {
std::string iso8601_utc(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

void Documents::usage(http::Request& req, http::Responder respond) {
  const config::AppConfig* app = config().app_by_id(req.param("app_id"));
  if (!app) {
    respond(http::error_response(Code::kNotFound, "unknown app '" + std::string(req.param("app_id")) + "'"));
    return;
  }
  if (!http::has_admin_token(req, config().admin.token)) {
    auto caller = caller_from(req, *app, clock_.unix_ms() / 1000);
    if (!caller) {
      respond(http::error_response(caller.status()));
      return;
    }
    if (!caller->server()) {
      respond(http::error_response(caller->signed_in() ? Code::kPermissionDenied : Code::kUnauthenticated,
                                   "usage needs a server token (role \"server\") or the admin token"));
      return;
    }
  }
  json::object out{{"app", app->id}, {"day", quotas_.day_string()}, {"enforced", quotas_.enforced()}};
  for (Quotas::Kind k : {Quotas::kRead, Quotas::kWrite, Quotas::kDelete}) {
    out[Quotas::kind_name(k)] = json::object{
        {"used", quotas_.used(app->id, k)}, {"limit", quotas_.limit(k)}, {"ratio", quotas_.ratio(app->id, k)}};
  }
  const int64_t reset = quotas_.reset_unix_s();
  out["reset_at"] = iso8601_utc(reset);
  out["reset_unix"] = reset;
  respond(http::json_response(200, json::serialize(out)));
}

}  // namespace headroom::docs
