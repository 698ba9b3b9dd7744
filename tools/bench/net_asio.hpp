#pragma once
// Internal to net_*.cpp: the io_context behind a Loop.
#include <boost/asio/io_context.hpp>

#include "net.hpp"

namespace headroom::bench {

boost::asio::io_context& io_of(Loop& loop);

}  // namespace headroom::bench
