#include "raw_pubsub.hpp"

namespace headroom::bench {

namespace {

StreamConn::Options options_for(RawProtocol protocol, const Endpoint& server, const std::string& source_ip) {
  StreamConn::Options o;
  o.server = server;
  o.source_ip = source_ip;
  if (protocol == RawProtocol::kNats) o.ws_target = "/";
  return o;
}

const char* kNatsConnect = R"(CONNECT {"verbose":false,"pedantic":false,"name":"headroom-bench"})"
                           "\r\n";

}  // namespace

void RawSubscriber::connect(Loop& loop, const Endpoint& server, const std::string& source_ip) {
  loop_ = &loop;
  conn_ = StreamConn::open(loop, options_for(protocol_, server, source_ip), weak_from_this());
}

void RawSubscriber::on_open() {
  if (protocol_ == RawProtocol::kRedis) conn_->send("SUBSCRIBE " + subject_ + "\r\n");
  // NATS: wait for INFO.
}

void RawSubscriber::on_data(std::string_view bytes) {
  if (protocol_ == RawProtocol::kNats) {
    if (bytes.starts_with("INFO ") && !subscribed_) {
      conn_->send(std::string(kNatsConnect) + "SUB " + subject_ + " 1\r\nPING\r\n", true);
    }
    if (bytes.find("PING\r\n") != std::string_view::npos) conn_->send("PONG\r\n", true);
    if (!subscribed_ && bytes.find("PONG\r\n") != std::string_view::npos) {
      subscribed_ = true;
      if (events_.on_subscribed) events_.on_subscribed(*this);
    }
  } else if (!subscribed_ && bytes.find("subscribe") != std::string_view::npos) {
    subscribed_ = true;
    if (events_.on_subscribed) events_.on_subscribed(*this);
  }
  scanner_.feed(bytes, [this](int64_t v) {
    if (events_.on_marker) events_.on_marker(*this, v);
  });
}

void RawPublisher::connect(Loop& loop, const Endpoint& server) {
  conn_ = StreamConn::open(loop, options_for(protocol_, server, ""), weak_from_this());
}

void RawPublisher::on_open() {
  if (protocol_ == RawProtocol::kRedis) ready_ = true;
}

void RawPublisher::publish(int64_t intended_ns, std::string_view payload) {
  if (!ready_) return;
  if (protocol_ == RawProtocol::kNats) {
    conn_->send("PUB " + subject_ + " " + std::to_string(payload.size()) + "\r\n" + std::string(payload) + "\r\n",
                true);
    if (ack_) ack_(intended_ns);  // NATS does not acknowledge; counted as sent
    return;
  }
  conn_->send("PUBLISH " + subject_ + " " + std::string(payload) + "\r\n");
  in_flight_.push_back(intended_ns);
}

void RawPublisher::on_data(std::string_view bytes) {
  if (protocol_ == RawProtocol::kNats) {
    if (bytes.starts_with("INFO ") && !ready_) {
      conn_->send(kNatsConnect, true);
      ready_ = true;
    }
    if (bytes.find("PING\r\n") != std::string_view::npos) conn_->send("PONG\r\n", true);
    return;
  }
  for (char c : bytes) {  // each reply ":N\r\n" acknowledges one PUBLISH
    if (c == ':' && !in_flight_.empty()) {
      if (ack_) ack_(in_flight_.front());
      in_flight_.pop_front();
    }
  }
}

}  // namespace headroom::bench
