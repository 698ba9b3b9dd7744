// Composite index management: GET/POST /v1/apps/{app_id}/indexes, DELETE …/indexes/{name}.
// Only the app's server (role "server" token) or the admin token may call these.
#include <boost/json/serialize.hpp>

#include "docs/internal.hpp"
#include "docs/validate.hpp"
#include "http/bearer.hpp"

namespace headroom::docs {
namespace json = boost::json;

namespace {

json::object index_json(const storage::IndexDef& d) {
  json::array fields;
  for (const auto& f : d.fields) fields.push_back(json::array{json::string(f.path), f.desc ? "desc" : "asc"});
  return {{"name", d.name}, {"collection", d.collection}, {"fields", std::move(fields)}, {"state", d.state}};
}

Result<storage::IndexDef> parse_index(const json::value& body) {
  const json::object* o = body.if_object();
  if (!o) return invalid_argument("body must be {\"collection\":\"c\",\"fields\":[[\"a\",\"asc\"],[\"b\",\"desc\"]]}");
  const json::value* col = o->if_contains("collection");
  const json::value* fields = o->if_contains("fields");
  if (!col || !col->is_string()) return invalid_argument("collection must be a string");
  storage::IndexDef def;
  def.collection = std::string(col->get_string());
  if (Status s = validate_collection(def.collection); !s) return s;
  if (!fields || !fields->is_array() || fields->get_array().size() < 2 || fields->get_array().size() > 8) {
    return invalid_argument(
        "fields must list 2-8 [field, \"asc\"|\"desc\"] pairs (single-field indexes are automatic)");
  }
  for (const auto& f : fields->get_array()) {
    const json::array* pair = f.if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string() ||
        ((*pair)[1].get_string() != "asc" && (*pair)[1].get_string() != "desc")) {
      return invalid_argument("each field must be [field, \"asc\"|\"desc\"]");
    }
    std::string path((*pair)[0].get_string());
    if (Status s = validate_field_path(path); !s) return s;
    def.fields.push_back({path, (*pair)[1].get_string() == "desc"});
  }
  return def;
}

}  // namespace

bool Documents::index_admin(const http::Request& req, const config::AppConfig& app,
                            const http::Responder& respond) const {
  if (http::has_admin_token(req, config().admin.token)) return true;
  auto caller = caller_from(req, app, clock_.unix_ms() / 1000);
  if (!caller) {
    respond(http::error_response(caller.status()));
    return false;
  }
  if (caller->server()) return true;
  respond(http::error_response(caller->signed_in() ? Code::kPermissionDenied : Code::kUnauthenticated,
                               "managing indexes needs a server token (role \"server\") or the admin token"));
  return false;
}

void Documents::get_indexes(http::Request& req, http::Responder respond) {
  const config::AppConfig* app = config().app_by_id(req.param("app_id"));
  if (!app) return respond(http::error_response(Code::kNotFound, "unknown app"));
  if (!index_admin(req, *app, respond)) return;
  store_->list_indexes(app->id, [respond = std::move(respond)](Result<std::vector<storage::IndexDef>> r) {
    if (!r) return respond(http::error_response(r.status()));
    json::array out;
    for (const auto& d : *r) out.push_back(index_json(d));
    respond(http::json_response(200, json::serialize(json::object{{"indexes", std::move(out)}})));
  });
}

void Documents::post_index(http::Request& req, http::Responder respond) {
  const config::AppConfig* app = config().app_by_id(req.param("app_id"));
  if (!app) return respond(http::error_response(Code::kNotFound, "unknown app"));
  if (!index_admin(req, *app, respond)) return;
  auto body = parse_json(req.body, 64 * 1024);
  if (!body) return respond(http::error_response(body.status()));
  auto def = parse_index(*body);
  if (!def) return respond(http::error_response(def.status()));
  store_->create_index(app->id, std::move(*def), [this, respond = std::move(respond)](Result<storage::IndexDef> r) {
    count(kOpIndex, r.is_ok());
    if (!r) return respond(http::error_response(r.status()));
    respond(http::json_response(r->state == "ready" ? 200 : 202, json::serialize(index_json(*r))));
  });
}

void Documents::delete_index(http::Request& req, http::Responder respond) {
  const config::AppConfig* app = config().app_by_id(req.param("app_id"));
  if (!app) return respond(http::error_response(Code::kNotFound, "unknown app"));
  if (!index_admin(req, *app, respond)) return;
  std::string name(req.param("name"));
  if (name.empty()) {
    auto body = parse_json(req.body, 64 * 1024);
    if (!body) return respond(http::error_response(body.status()));
    if (const json::object* o = body->if_object(); o && o->if_contains("name") && o->at("name").is_string()) {
      name = std::string(o->at("name").get_string());
    } else {
      auto def = parse_index(*body);
      if (!def) return respond(http::error_response(def.status()));
      name = storage::index_name(def->collection, def->fields);
    }
  }
  store_->drop_index(app->id, name, [this, respond = std::move(respond)](Status s) {
    count(kOpIndex, s.is_ok());
    if (!s) return respond(http::error_response(s));
    http::Response r;
    r.status = 204;
    respond(std::move(r));
  });
}

}  // namespace headroom::docs
