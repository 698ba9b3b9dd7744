#include "storage/change_bus.hpp"

#include <utility>

namespace headroom::storage {

std::string_view change_kind_name(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kModified:
      return "modified";
    case ChangeKind::kRemoved:
      return "removed";
  }
  return "modified";
}

void ChangeBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<Subscribers>(*subscribers_);
  next->push_back(std::move(subscriber));
  subscribers_ = std::move(next);
}

void ChangeBus::publish(const Change& change) const {
  std::shared_ptr<const Subscribers> subs;
  {
    std::lock_guard lock(mu_);
    subs = subscribers_;
  }
  for (const auto& fn : *subs) fn(change);
}

void ChangeBus::set_log(LogReader reader) {
  std::lock_guard lock(mu_);
  reader_ = std::make_shared<const LogReader>(std::move(reader));
}

bool ChangeBus::has_log() const {
  std::lock_guard lock(mu_);
  return reader_ && *reader_;
}

void ChangeBus::read(const std::string& app, const std::string& collection, int64_t after_seq, int limit,
                     ReadDone done) const {
  std::shared_ptr<const LogReader> reader;
  {
    std::lock_guard lock(mu_);
    reader = reader_;
  }
  if (!reader || !*reader) return done(Status(Code::kUnavailable, "the change log is not available"));
  (*reader)(app, collection, after_seq, limit, std::move(done));
}

}  // namespace headroom::storage
