#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>

#include "server/http_client.hpp"

namespace headroom::server {

// HttpClient over Beast (and OpenSSL for https://), running its I/O on `ctx`. TLS is set up at the
// first https:// request; a CA file that cannot be loaded is then logged once and fails every
// https:// request with that reason, while plain http:// keeps working.
std::unique_ptr<HttpClient> make_http_client(boost::asio::io_context& ctx, HttpClientOptions options = {});

}  // namespace headroom::server
