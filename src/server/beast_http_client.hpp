#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>

#include "server/http_client.hpp"

namespace headroom::server {

// HttpClient over Beast, running its I/O on `ctx`.
std::unique_ptr<HttpClient> make_http_client(boost::asio::io_context& ctx);

// Splits "http://host:port/path" into parts; false if it is not plain http.
struct ParsedUrl {
  std::string host;
  std::string port;
  std::string target;
};
bool parse_http_url(const std::string& url, ParsedUrl* out);

}  // namespace headroom::server
