#include "pusher/hub.hpp"

#include <utility>
#include <vector>

#include "pusher/session.hpp"

namespace headroom::pusher {

Hub::Hub(const config::Config& config, Clock& clock, Stats& stats, ChannelBackends backends,
         std::shared_ptr<Webhooks> webhooks)
    : config_(&config),
      clock_(clock),
      stats_(stats),
      backends_(backends),
      webhooks_(std::move(webhooks)),
      admission_([this]() -> const config::Config& { return this->config(); }, stats),
      fanout_(backends, stats) {}

void Hub::reload(const config::Config& next) {
  config_.store(&next, std::memory_order_release);
  if (webhooks_) webhooks_->set_config(next);
  fanout_.on_every_loop([&next](Loop& loop) {
    std::vector<std::pair<Session*, uint16_t>> closing;
    for (Session* s : loop.sessions) {
      const config::AppConfig* app = next.app_by_id(s->app().id);
      if (app == nullptr) {
        closing.emplace_back(s, kErrorAppUnknown);
      } else if (!app->enabled) {
        closing.emplace_back(s, kErrorAppDisabled);
      } else {
        s->set_app(*app);
      }
    }
    for (auto [s, code] : closing) {
      s->close(code, code == kErrorAppUnknown ? "App removed by a config reload" : "App is disabled");
    }
  });
}

void Hub::terminate_user(const std::string& app_id, const std::string& user_id) {
  fanout_.on_every_loop([app_id, user_id](Loop& loop) {
    std::vector<Session*> victims;
    for (Session* s : loop.sessions) {
      if (s->app().id == app_id && s->user_id() == user_id) victims.push_back(s);
    }
    for (Session* s : victims) s->close(4009, "connection terminated by the app");
  });
}

void Hub::close_all(uint16_t code, const std::string& reason) {
  fanout_.on_every_loop([code, reason](Loop& loop) {
    std::vector<Session*> all(loop.sessions.begin(), loop.sessions.end());
    for (Session* s : all) s->close(code, reason);
  });
}

}  // namespace headroom::pusher
