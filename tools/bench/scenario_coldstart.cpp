#include "common.hpp"
namespace headroom::bench {
int run_coldstart(Context& ctx) { ctx.error("not implemented"); return 1; }
}  // namespace headroom::bench
