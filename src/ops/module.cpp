#include "ops/module.hpp"

#include <boost/json.hpp>

#include "http/bearer.hpp"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::ops {
namespace json = boost::json;
namespace {

bool admin_ok(const config::Config& config, const http::Request& req) {
  return http::has_admin_token(req, config.admin.token);
}

http::Response unauthorized() { return http::admin_token_required(); }

}  // namespace

std::string backup_json(const BackupInfo& b) {
  json::value m = json::parse(b.manifest.to_json());
  m.as_object()["name"] = b.name;
  m.as_object()["path"] = b.path;
  return json::serialize(m);
}

OpsModule::OpsModule(server::ModuleContext& ctx, std::shared_ptr<storage::Maintenance> storage)
    : backups_(std::make_shared<BackupService>(std::move(storage), ctx.config, ctx.clock, ctx.executor, ctx.metrics,
                                               HEADROOM_VERSION)) {
  const config::Config& config = ctx.config;
  std::weak_ptr<BackupService> weak = backups_;
  http::RouteOptions open;
  open.admitted = false;
  open.label = "/v1/admin/backups";
  ctx.router.add(
      http::Method::kGet, "/v1/admin/backups",
      [&config, weak](http::Request& req, http::Responder respond) {
        auto svc = weak.lock();
        if (!admin_ok(config, req)) return respond(unauthorized());
        if (!svc) return respond(http::error_response(Code::kUnavailable, "shutting down"));
        std::string body = "{\"dir\":" + json::serialize(json::string(svc->dir())) + ",\"backups\":[";
        auto all = svc->list();
        for (size_t i = all.size(); i-- > 0;) body += backup_json(all[i]) + (i ? "," : "");  // newest first
        respond(http::json_response(200, body + "]}"));
      },
      open);
  ctx.router.add(
      http::Method::kPost, "/v1/admin/backups",
      [&config, weak](http::Request& req, http::Responder respond) {
        auto svc = weak.lock();
        if (!admin_ok(config, req)) return respond(unauthorized());
        if (!svc) return respond(http::error_response(Code::kUnavailable, "shutting down"));
        bool queued = svc->request([respond](Result<BackupInfo> b) {
          if (!b) return respond(http::error_response(b.status()));
          respond(http::json_response(201, "{\"backup\":" + backup_json(*b) + "}"));
        });
        if (!queued)
          respond(http::error_response(Code::kResourceExhausted, "too many backups queued; try again later"));
      },
      open);
  backups_->start();
  ctx.hooks.on_reload([weak](const config::Config& next) {
    if (auto svc = weak.lock()) svc->reload(next);
  });
}

std::unique_ptr<OpsModule> install_ops(server::ModuleContext& ctx, std::shared_ptr<storage::Maintenance> storage) {
  return std::make_unique<OpsModule>(ctx, std::move(storage));
}

}  // namespace headroom::ops
