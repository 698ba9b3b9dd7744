#pragma once
// The channels module's backends: where channel state, history, publishing, backend-event limits
// and committed document changes live. The composition root (app/backends.cpp) chooses them from
// the config and hands them in; they outlive the hub. A single node uses the in-memory ones; a
// cluster (DESIGN.md §7) swaps in shared implementations without the module changing.
#include "channels/broker.hpp"
#include "channels/channel_state.hpp"
#include "channels/directory.hpp"
#include "channels/history.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "ratelimit/limiter_store.hpp"
#include "storage/change_bus.hpp"

namespace headroom::pusher {

struct ChannelBackends {
  channels::Broker& broker;         // between a publish and the subscribers' loops
  channels::ChannelState& state;    // occupancy, presence members, cache channels' last events
  channels::History& history;       // recovery offsets and recent events
  ratelimit::LimiterStore& limits;  // apps' max_backend_events_per_sec (GCRA)
  storage::ChangeBus& changes;      // committed document changes: db-* fan-out and replay
};

// Today's single-node backends in one place, for the composition root and for tests. The change
// bus is shared with the documents and cache modules, so it comes from outside.
struct InMemoryChannelBackends {
  InMemoryChannelBackends(const config::Config& config, Clock& clock, storage::ChangeBus& changes)
      : state(clock), history(config.channels.history, clock), limits(kMaxLimiterKeys), changes(changes) {}
  ChannelBackends refs() { return {broker, state, history, limits, changes}; }

  static constexpr size_t kMaxLimiterKeys = 4096;  // one key per app
  channels::InProcessBroker broker;
  channels::ChannelDirectory state;
  channels::MemoryHistory history;
  ratelimit::MemoryLimiterStore limits;
  storage::ChangeBus& changes;
};

}  // namespace headroom::pusher
