#include "messages.hpp"

#include <boost/json.hpp>

namespace headroom::bench {

std::string marker(int64_t send_ns) { return "bts=" + std::to_string(send_ns) + ";"; }

void for_each_marker(std::string_view text, const std::function<void(int64_t)>& fn) {
  MarkerScanner scanner;
  scanner.feed(text, fn);
}

std::string_view pusher_event_name(std::string_view text) {
  size_t at = text.find("\"event\"");
  if (at == std::string_view::npos) return {};
  at += 7;
  while (at < text.size() && (text[at] == ' ' || text[at] == ':')) ++at;
  if (at >= text.size() || text[at] != '"') return {};
  size_t end = text.find('"', at + 1);
  if (end == std::string_view::npos) return {};
  return text.substr(at + 1, end - at - 1);
}

std::optional<PusherMessage> parse_pusher_message(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  PusherMessage m;
  if (auto* e = o.if_contains("event"); e && e->is_string()) m.event = e->as_string();
  if (auto* c = o.if_contains("channel"); c && c->is_string()) m.channel = c->as_string();
  if (auto* d = o.if_contains("data"))
    m.data = d->is_string() ? std::string(d->as_string()) : boost::json::serialize(*d);
  return m;
}

std::string json_string_field(std::string_view object_text, std::string_view field) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(object_text, ec);
  if (ec || !v.is_object()) return {};
  auto* f = v.as_object().if_contains(field);
  if (!f) return {};
  return f->is_string() ? std::string(f->as_string()) : boost::json::serialize(*f);
}

std::string json_quote(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

}  // namespace headroom::bench
