// Backlog: the byte count of one client's queue and the producers waiting
// for it to drain (back-pressure's wake-up side).
#include "common/backlog.h"

#include <gtest/gtest.h>

#include <vector>

namespace mv {
namespace {

TEST(Backlog, WaitsOnlyWhileOverTheLimit) {
  Backlog b;
  int resumed = 0;
  b.Add(100);
  EXPECT_FALSE(b.WaitBelow(100, [&] { ++resumed; }));  // at the limit: go on
  b.Add(1);
  EXPECT_TRUE(b.WaitBelow(100, [&] { ++resumed; }));
  EXPECT_EQ(resumed, 0);
  EXPECT_EQ(b.bytes(), 101u);
}

TEST(Backlog, ResumesOnceWhenDrainedToTheLimit) {
  Backlog b;
  std::vector<int> order;
  b.Add(1000);
  ASSERT_TRUE(b.WaitBelow(500, [&] { order.push_back(500); }));
  ASSERT_TRUE(b.WaitBelow(100, [&] { order.push_back(100); }));
  b.Remove(400);  // 600 left: nobody's limit yet
  EXPECT_TRUE(order.empty());
  b.Remove(100);  // 500: the first one
  EXPECT_EQ(order, std::vector<int>{500});
  b.Remove(450);  // 50: the second; the first never again
  EXPECT_EQ(order, (std::vector<int>{500, 100}));
  b.Remove(50);
  EXPECT_EQ(order.size(), 2u);
  EXPECT_EQ(b.bytes(), 0u);
}

TEST(Backlog, CloseWakesEveryoneAndEndsWaiting) {
  Backlog b;
  int resumed = 0;
  b.Add(10);
  ASSERT_TRUE(b.WaitBelow(0, [&] { ++resumed; }));
  ASSERT_TRUE(b.WaitBelow(5, [&] { ++resumed; }));
  b.Close();  // the client left: nothing will drain
  EXPECT_EQ(resumed, 2);
  EXPECT_FALSE(b.WaitBelow(0, [&] { ++resumed; }));  // never parks a producer again
  b.Remove(10);
  EXPECT_EQ(resumed, 2);
}

TEST(Backlog, AResumeMayWaitAgain) {
  Backlog b;
  int resumed = 0;
  b.Add(10);
  std::function<void()> again = [&] {
    ++resumed;
    if (resumed == 1) {
      b.Add(10);  // the producer sends more from its resume, and waits again
      EXPECT_TRUE(b.WaitBelow(0, again));
    }
  };
  ASSERT_TRUE(b.WaitBelow(0, again));
  b.Remove(10);
  EXPECT_EQ(resumed, 1);
  b.Remove(10);
  EXPECT_EQ(resumed, 2);
}

TEST(Backlog, ProcessTotalCountsEveryQueue) {
  const std::size_t before = Backlog::ProcessTotal();
  {
    Backlog a, b;
    a.Add(30);
    b.Add(12);
    EXPECT_EQ(Backlog::ProcessTotal(), before + 42);
    a.Remove(30);
    EXPECT_EQ(Backlog::ProcessTotal(), before + 12);
  }  // b goes with its 12 bytes unwritten
  EXPECT_EQ(Backlog::ProcessTotal(), before);
}

}  // namespace
}  // namespace mv
