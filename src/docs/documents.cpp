#include "docs/documents.hpp"

#include "core/crypto.hpp"
#include "docs/etag.hpp"
#include "docs/internal.hpp"
#include "docs/validate.hpp"
#include "http/bearer.hpp"

namespace headroom::docs {

Documents::Documents(const config::Config& config, Clock& clock, metrics::Registry& metrics,
                     std::unique_ptr<storage::Store> store)
    : config_(&config), clock_(clock), store_(std::move(store)), quotas_(config.quotas, clock, *store_, &metrics) {
  static const char* kOps[] = {"get", "put", "patch", "delete", "query", "batch", "index"};
  for (int op = 0; op < kOpCount; ++op) {
    for (int err = 0; err < 2; ++err) {
      ops_[op * 2 + err] = &metrics.counter("headroom_db_operations_total", "Document API operations by result",
                                            {{"op", kOps[op]}, {"result", err ? "error" : "ok"}});
    }
  }
}

Documents::~Documents() { close(); }

void Documents::count(int op, bool ok) { ops_[op * 2 + (ok ? 0 : 1)]->inc(); }

void Documents::flush() { quotas_.flush(); }

void Documents::start_flushing(Executor& executor) {
  flush_task_ = PeriodicTask(executor, std::chrono::seconds(5), [this] { quotas_.flush(); });
}

void Documents::close() {
  if (!store_) return;
  flush_task_ = PeriodicTask();
  quotas_.flush();
  store_->close();
}

void Documents::add_routes(http::Router& r) {
  using M = http::Method;
  const std::string docs = "/v1/apps/{app_id}/collections/{col}/docs";
  auto bind = [this](void (Documents::*fn)(http::Request&, http::Responder)) {
    return [this, fn](http::Request& req, http::Responder respond) { (this->*fn)(req, std::move(respond)); };
  };
  r.add(M::kPost, docs, [this](http::Request& req, http::Responder res) { put_doc(req, std::move(res), true); },
        {true, docs});
  r.add(M::kGet, docs, bind(&Documents::list_docs), {true, docs});
  r.add(M::kGet, docs + "/{id}", bind(&Documents::get_doc), {true, docs + "/{id}"});
  r.add(M::kPut, docs + "/{id}",
        [this](http::Request& req, http::Responder res) { put_doc(req, std::move(res), false); },
        {true, docs + "/{id}"});
  r.add(M::kPatch, docs + "/{id}", bind(&Documents::patch_doc), {true, docs + "/{id}"});
  r.add(M::kDelete, docs + "/{id}", bind(&Documents::delete_doc), {true, docs + "/{id}"});
  const std::string query = "/v1/apps/{app_id}/collections/{col}/query";
  r.add(M::kPost, query, bind(&Documents::query_docs), {true, query});
  r.add(M::kPost, "/v1/apps/{app_id}/batch", bind(&Documents::batch), {true, "/v1/apps/{app_id}/batch"});
  const std::string indexes = "/v1/apps/{app_id}/indexes";
  r.add(M::kGet, indexes, bind(&Documents::get_indexes), {true, indexes});
  r.add(M::kPost, indexes, bind(&Documents::post_index), {true, indexes});
  r.add(M::kDelete, indexes, bind(&Documents::delete_index), {true, indexes});
  r.add(M::kDelete, indexes + "/{name}", bind(&Documents::delete_index), {true, indexes + "/{name}"});
  r.add(M::kGet, "/v1/apps/{app_id}/usage", bind(&Documents::usage), {true, "/v1/apps/{app_id}/usage"});
}

void Documents::identify(http::Request& req) const {
  constexpr std::string_view kPrefix = "/v1/apps/";
  std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix) return;
  path.remove_prefix(kPrefix.size());
  std::string_view app_id = path.substr(0, path.find('/'));
  const config::AppConfig* app = config().app_by_id(app_id);
  if (!app || http::bearer_token(req).empty()) return;
  auto caller = caller_from(req, *app, clock_.unix_ms() / 1000);
  if (!caller) return;  // handlers answer 401 with the reason
  req.tier = caller->tier;
  req.subject = caller->subject;
}

std::optional<Documents::Target> Documents::prelude(http::Request& req, const http::Responder& respond, bool write,
                                                    bool collection) {
  Target t;
  t.app = config().app_by_id(req.param("app_id"));
  if (!t.app || !t.app->enabled) {
    respond(http::error_response(Code::kNotFound, "unknown app '" + std::string(req.param("app_id")) + "'"));
    return std::nullopt;
  }
  auto caller = caller_from(req, *t.app, clock_.unix_ms() / 1000);
  if (!caller) {
    respond(http::error_response(caller.status()));
    return std::nullopt;
  }
  t.caller = std::move(*caller);
  if (!collection) return t;
  t.col = std::string(req.param("col"));
  if (Status s = validate_collection(t.col); !s) {
    respond(http::error_response(s));
    return std::nullopt;
  }
  const auto& rules = config().rules_for(*t.app, t.col);
  t.rule = check_rule(write ? rules.write : rules.read, t.caller, write ? "writing to" : "reading from", t.col);
  if (!t.rule.status) {
    respond(http::error_response(t.rule.status));
    return std::nullopt;
  }
  return t;
}

void Documents::read_changes(const std::string& app, const std::string& collection, int64_t after_seq, int limit,
                             storage::Callback<std::vector<storage::Change>> done) {
  store_->read_changes(app, collection, after_seq, limit, std::move(done));
}

void Documents::on_change(storage::Store::ChangeListener fn) { store_->add_change_listener(std::move(fn)); }

bool Documents::may_read(const std::string& app_id, const std::string& collection, const Caller& caller,
                         std::string_view owner) const {
  const config::AppConfig* app = config().app_by_id(app_id);
  return app && docs::may_read(config().rules_for(*app, collection).read, caller, owner);
}

http::Response doc_response(int status, const storage::Document& doc) {
  http::Response r = http::json_response(status, doc.to_json());
  r.set_header("ETag", etag_of(doc.version));
  return r;
}

http::Response query_error(const Status& s) {
  http::Response r = http::error_response(s);
  if (s.code() == Code::kFailedPrecondition) r.status = 400;
  return r;
}

std::string new_document_id() { return crypto::random_hex(10); }

}  // namespace headroom::docs
