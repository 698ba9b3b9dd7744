#include "pusher/protocol.hpp"

#include <boost/json/serialize.hpp>

#include "core/crypto.hpp"
#include "core/json_input.hpp"
#include "core/log.hpp"

namespace headroom::pusher {
namespace json = boost::json;
namespace {

std::optional<json::value> parse_json(std::string_view text) {
  auto v = parse_client_json(text);
  if (!v) return std::nullopt;
  return std::move(*v);
}

std::string string_field(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

Result<UserData> parse_user(std::string_view text, std::string_view id_field, std::string_view what) {
  auto v = parse_json(text);
  if (!v || !v->is_object()) return invalid_argument(std::string(what) + " must be a JSON object");
  const auto& o = v->as_object();
  UserData out;
  auto id = o.find(id_field);
  if (id == o.end()) return invalid_argument(std::string(what) + " has no " + std::string(id_field));
  if (id->value().is_string()) {
    out.id = std::string(id->value().as_string());
  } else if (id->value().is_int64() || id->value().is_uint64()) {
    out.id = json::serialize(id->value());
  }
  if (out.id.empty())
    return invalid_argument(std::string(what) + "." + std::string(id_field) + " must be a non-empty string");
  if (auto info = o.find("user_info"); info != o.end()) {
    out.info_json = json::serialize(info->value());
    if (info->value().is_object()) out.tier = string_field(info->value().as_object(), "tier");
  }
  return out;
}

}  // namespace

Result<ClientMessage> parse_client_message(std::string_view text) {
  auto v = parse_json(text);
  if (!v || !v->is_object()) return invalid_argument("message is not a JSON object");
  auto& o = v->as_object();
  auto ev = o.find("event");
  if (ev == o.end() || !ev->value().is_string()) return invalid_argument("message has no string \"event\"");
  ClientMessage msg;
  msg.event = std::string(ev->value().as_string());
  if (auto ch = o.find("channel"); ch != o.end()) {
    if (!ch->value().is_string()) return invalid_argument("\"channel\" must be a string");
    msg.channel = std::string(ch->value().as_string());
  }
  if (auto d = o.find("data"); d != o.end()) {
    msg.data = std::move(d->value());
    msg.data_text = json::serialize(msg.data);
    if (msg.data.is_string() && msg.event.rfind("pusher:", 0) == 0) {
      if (auto inner = parse_json(msg.data.as_string()); inner && inner->is_object()) msg.data = std::move(*inner);
    }
  } else {
    msg.data_text = "{}";
  }
  return msg;
}

Result<SubscribeRequest> parse_subscribe(const json::value& data) {
  if (!data.is_object()) return invalid_argument("pusher:subscribe data must be an object");
  const auto& o = data.as_object();
  SubscribeRequest r;
  r.channel = string_field(o, "channel");
  if (r.channel.empty()) return invalid_argument("pusher:subscribe needs data.channel");
  r.auth = string_field(o, "auth");
  r.channel_data = string_field(o, "channel_data");
  if (auto cd = o.find("channel_data"); cd != o.end() && cd->value().is_object()) {
    r.channel_data = json::serialize(cd->value());
  }
  if (auto s = o.find("since"); s != o.end()) {
    if (s->value().is_uint64())
      r.since = s->value().as_uint64();
    else if (s->value().is_int64() && s->value().as_int64() >= 0)
      r.since = static_cast<uint64_t>(s->value().as_int64());
    else if (s->value().is_string()) {
      try {
        r.since = std::stoull(std::string(s->value().as_string()));
      } catch (...) {
        return invalid_argument("\"since\" must be a non-negative offset");
      }
    } else {
      return invalid_argument("\"since\" must be a non-negative offset");
    }
  }
  return r;
}

Result<SigninRequest> parse_signin(const json::value& data) {
  if (!data.is_object()) return invalid_argument("pusher:signin data must be an object");
  SigninRequest r;
  r.auth = string_field(data.as_object(), "auth");
  r.user_data = string_field(data.as_object(), "user_data");
  if (r.auth.empty() || r.user_data.empty()) return invalid_argument("pusher:signin needs auth and user_data");
  return r;
}

Result<UserData> parse_presence_data(std::string_view channel_data) {
  return parse_user(channel_data, "user_id", "channel_data");
}

Result<UserData> parse_user_data(std::string_view user_data) { return parse_user(user_data, "id", "user_data"); }

std::string quoted(std::string_view s) { return "\"" + log::json_escape(s) + "\""; }

std::string server_message(std::string_view event, std::string_view channel, std::string_view data_json,
                           std::string_view user_id) {
  std::string out;
  out.reserve(event.size() + channel.size() + data_json.size() + 48);
  out += "{\"event\":";
  out += quoted(event);
  if (!channel.empty()) {
    out += ",\"channel\":";
    out += quoted(channel);
  }
  out += ",\"data\":";
  out += data_json;
  if (!user_id.empty()) {
    out += ",\"user_id\":";
    out += quoted(user_id);
  }
  out += '}';
  return out;
}

std::string server_message_str(std::string_view event, std::string_view channel, std::string_view data) {
  return server_message(event, channel, quoted(data));
}

std::string with_offset(std::string_view message, uint64_t offset) {
  std::string out(message.substr(0, message.size() - 1));
  out += ",\"offset\":" + std::to_string(offset) + "}";
  return out;
}

std::string connection_established(std::string_view socket_id, int activity_timeout_s) {
  const std::string data =
      "{\"socket_id\":" + quoted(socket_id) + ",\"activity_timeout\":" + std::to_string(activity_timeout_s) + "}";
  return server_message_str("pusher:connection_established", {}, data);
}

std::string error_message(std::optional<int> code, std::string_view message) {
  const std::string data =
      "{\"message\":" + quoted(message) + ",\"code\":" + (code ? std::to_string(*code) : std::string("null")) + "}";
  return server_message("pusher:error", {}, data);
}

std::string subscription_error(std::string_view channel, std::string_view type, std::string_view error, int status) {
  const std::string data =
      "{\"type\":" + quoted(type) + ",\"error\":" + quoted(error) + ",\"status\":" + std::to_string(status) + "}";
  return server_message("pusher:subscription_error", channel, data);
}

std::string make_socket_id() {
  const uint64_t r = crypto::random_u64();
  return std::to_string(1 + (r >> 32) % 999999999) + "." + std::to_string(1 + (r & 0xFFFFFFFF) % 999999999);
}

bool valid_socket_id(std::string_view id) {
  const auto dot = id.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == id.size() || id.size() > 40) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i != dot && (id[i] < '0' || id[i] > '9')) return false;
  }
  return true;
}

}  // namespace headroom::pusher
