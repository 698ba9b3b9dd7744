#include "common.hpp"
namespace headroom::bench {
int run_idle(Context& ctx) { ctx.error("not implemented"); return 1; }
}  // namespace headroom::bench
