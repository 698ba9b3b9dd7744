#include "notify/sender.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace headroom::notify {

namespace {
bool delivered(const Result<server::HttpClientResponse>& r) { return r.is_ok() && r->status >= 200 && r->status < 300; }
}  // namespace

std::shared_ptr<Sender> Sender::create(server::HttpClient& client, Executor& executor, SenderStats stats,
                                       SenderOptions options) {
  return std::make_shared<Sender>(client, executor, stats, std::move(options));
}

Sender::Sender(server::HttpClient& client, Executor& executor, SenderStats stats, SenderOptions options)
    : client_(client), executor_(executor), stats_(stats), options_(std::move(options)) {}

std::chrono::milliseconds Sender::backoff(const SenderOptions& options, int failures) {
  const int doublings = std::clamp(failures - 1, 0, 16);
  return std::min(options.max_backoff, options.first_backoff * (1 << doublings));
}

Enqueued Sender::enqueue(Notification n) {
  {
    std::lock_guard lock(mu_);
    const bool full =
        waiting_.size() + active_ >= options_.max_queue || held_bytes_ + n.body.size() > options_.max_queue_bytes;
    if (full) {
      stats_.dropped.inc(n.items);
      return Enqueued::kDropped;
    }
    held_bytes_ += n.body.size();
    waiting_.push_back(std::make_shared<Delivery>(Delivery{std::move(n)}));
  }
  start_ready();
  return Enqueued::kAccepted;
}

size_t Sender::held() const {
  std::lock_guard lock(mu_);
  return waiting_.size() + active_;
}

void Sender::start_ready() {
  for (;;) {
    DeliveryPtr next;
    {
      std::lock_guard lock(mu_);
      if (waiting_.empty() || active_ >= options_.max_in_flight) return;
      next = std::move(waiting_.front());
      waiting_.pop_front();
      ++active_;
    }
    attempt(next);
  }
}

void Sender::attempt(const DeliveryPtr& d) {
  std::weak_ptr<Sender> weak = weak_from_this();
  client_.post(
      d->n.url, d->n.headers, d->n.body,
      [weak, d](Result<server::HttpClientResponse> r) {
        if (auto self = weak.lock()) self->on_result(d, r);
      },
      options_.timeout);
}

void Sender::on_result(const DeliveryPtr& d, const Result<server::HttpClientResponse>& r) {
  if (delivered(r)) {
    stats_.sent.inc();
    return finish(d);
  }
  if (++d->failures >= options_.max_attempts) {
    stats_.failed.inc();
    log_give_up(*d, r);
    return finish(d);
  }
  stats_.retries.inc();
  std::weak_ptr<Sender> weak = weak_from_this();
  executor_.post_after(backoff(options_, d->failures), [weak, d] {
    if (auto self = weak.lock()) self->attempt(d);
  });
}

// The next waiting delivery starts from the executor, not inside the HTTP client's callback.
void Sender::finish(const DeliveryPtr& d) {
  {
    std::lock_guard lock(mu_);
    --active_;
    held_bytes_ -= d->n.body.size();
    if (waiting_.empty()) return;
  }
  std::weak_ptr<Sender> weak = weak_from_this();
  executor_.post([weak] {
    if (auto self = weak.lock()) self->start_ready();
  });
}

void Sender::log_give_up(const Delivery& d, const Result<server::HttpClientResponse>& r) const {
  if (!log::error_budget_allows()) return;
  // Host and port only: for Slack-style receivers the URL's path is the secret.
  auto parsed = server::parse_url(d.n.url);
  spdlog::warn("{} to {} failed after {} attempts ({})", options_.name,
               parsed ? parsed->host_header() : std::string("an unparsable URL"), d.failures,
               r ? "HTTP " + std::to_string(r->status) : r.status().message());
}

}  // namespace headroom::notify
