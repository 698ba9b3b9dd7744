#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

namespace headroom::metrics {

TEST(MetricSnapshot, ParsesRegistryTextIncludingCollectors) {
  Registry r;
  r.counter("headroom_http_requests_total", "h", {{"route", "/a"}, {"code", "200"}}).inc(3);
  r.counter("headroom_http_requests_total", "h", {{"route", "/a"}, {"code", "503"}}).inc(2);
  r.histogram("headroom_http_request_duration_seconds", "h").observe(0.01);
  r.add_collector([](Writer& w) {
    w.family("headroom_cache_hits_total", "counter", "h");
    w.sample("headroom_cache_hits_total", {{"q", "a \"quoted\" \\ value"}}, 7.5);
  });
  auto s = MetricSnapshot::parse(r.render());
  EXPECT_EQ(s.sum("headroom_http_requests_total"), 5);
  EXPECT_EQ(s.sum("headroom_http_requests_total", label_prefix("code", "5")), 2);
  EXPECT_EQ(s.sum("headroom_http_requests_total", label_is("code", "200")), 3);
  EXPECT_EQ(s.sum("headroom_cache_hits_total"), 7.5);
  EXPECT_EQ(label_value(s.family("headroom_cache_hits_total")->front().first, "q"), "a \"quoted\" \\ value");
  EXPECT_FALSE(s.has("headroom_http_request_duration_seconds_bucket"));
  EXPECT_EQ(s.sum("headroom_http_request_duration_seconds_count"), 1);
  EXPECT_EQ(s.sum("absent"), 0);
  EXPECT_EQ(s.max("absent", -1), -1);
}

TEST(MetricSnapshot, IgnoresGarbageLines) {
  auto s = MetricSnapshot::parse("# HELP x\nbroken{a=\"b\nx 1\ny{a=\"1\"} notanumber\nz 2");
  EXPECT_EQ(s.sum("x"), 1);
  EXPECT_FALSE(s.has("y"));
  EXPECT_EQ(s.sum("z"), 2);
}

}  // namespace headroom::metrics
