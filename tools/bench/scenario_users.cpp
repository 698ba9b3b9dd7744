#include "common.hpp"
namespace headroom::bench {
int run_users(Context& ctx) { ctx.error("not implemented"); return 1; }
}  // namespace headroom::bench
