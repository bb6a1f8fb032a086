// SPDX-License-Identifier: MIT
// TUIO 1.1 cursor frames into down / move / up events: new, moved, gone; late frames dropped;
// a restarted tracker followed; a cursor alive but never set waits for its position. The last
// test sends real OSC packets over loopback to a listening port.
#include "live/tuio_listener.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <cstring>
#include <string>
#include <thread>

#include "nnlive/core/error.hpp"

using nnlive::app::live::TouchEvent;
using nnlive::app::live::TuioListener;

namespace {

void frame(TuioListener& l, std::vector<int32_t> alive, std::vector<std::tuple<int32_t, float, float>> sets, int32_t seq) {
  l.on_alive(alive);
  for (const auto& [id, x, y] : sets) l.on_set(id, x, y);
  l.on_fseq(seq);
}

// OSC encoding: strings NUL-terminated and padded to 4 bytes, int32 and float32 big-endian.
struct Osc {
  std::string bytes;
  void str(const std::string& s) {
    bytes += s;
    bytes.append(4 - s.size() % 4, '\0');
  }
  void i32(int32_t v) {
    const uint32_t b = htonl(uint32_t(v));
    bytes.append(reinterpret_cast<const char*>(&b), 4);
  }
  void f32(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    i32(int32_t(u));
  }
};

std::string message(const std::string& types, const std::function<void(Osc&)>& args) {
  Osc m;
  m.str("/tuio/2Dcur");
  m.str("," + types);
  args(m);
  return m.bytes;
}

std::string bundle(const std::vector<std::string>& messages) {
  Osc b;
  b.str("#bundle");
  b.i32(0), b.i32(1);  // time tag: immediately
  for (const auto& m : messages) b.i32(int32_t(m.size())), b.bytes += m;
  return b.bytes;
}

}  // namespace

TEST(TuioListener, NewMovedAndGoneCursorsBecomeDownMoveAndUp) {
  TuioListener l(-1);
  frame(l, {7}, {{7, 0.25f, 0.5f}}, 1);
  frame(l, {7, 9}, {{7, 0.3f, 0.5f}, {9, 0.8f, 0.1f}}, 2);
  frame(l, {9}, {}, 3);  // 7 lifted; 9 did not move
  const auto e = l.take();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].kind, TouchEvent::down);
  EXPECT_EQ(e[0].id, 7);
  EXPECT_FLOAT_EQ(e[0].x, 0.25f);
  EXPECT_EQ(e[1].kind, TouchEvent::move);
  EXPECT_EQ(e[1].id, 7);
  EXPECT_FLOAT_EQ(e[1].x, 0.3f);
  EXPECT_EQ(e[2].kind, TouchEvent::down);
  EXPECT_EQ(e[2].id, 9);
  EXPECT_EQ(e[3].kind, TouchEvent::up);
  EXPECT_EQ(e[3].id, 7);
  EXPECT_FLOAT_EQ(e[3].x, 0.3f);
  EXPECT_TRUE(l.take().empty());
}

TEST(TuioListener, LateFramesAreDroppedAndARestartedTrackerIsFollowed) {
  TuioListener l(-1);
  frame(l, {1}, {{1, 0.5f, 0.5f}}, 100);
  frame(l, {}, {}, 99);                    // late: would lift 1
  EXPECT_EQ(l.take().size(), 1u);          // only the down
  frame(l, {}, {}, 101);
  EXPECT_EQ(l.take().size(), 1u);          // the up
  frame(l, {2}, {{2, 0.1f, 0.1f}}, 100);   // late again (not after 101)
  EXPECT_TRUE(l.take().empty());
  frame(l, {2}, {{2, 0.1f, 0.1f}}, -1);    // -1: no sequence
  EXPECT_EQ(l.take().size(), 1u);
  TuioListener r(-1);
  frame(r, {1}, {{1, 0.5f, 0.5f}}, 5000);
  frame(r, {}, {}, 3);                     // the tracker started over
  EXPECT_EQ(r.take().size(), 2u);
}

TEST(TuioListener, AnAliveCursorWithoutAPositionWaitsAndNaNIsIgnored) {
  TuioListener l(-1);
  frame(l, {4}, {}, 1);
  EXPECT_TRUE(l.take().empty());
  frame(l, {4}, {{4, std::nanf(""), 0.5f}}, 2);
  EXPECT_TRUE(l.take().empty());
  frame(l, {4}, {{4, 0.5f, 0.5f}}, 3);
  EXPECT_EQ(l.take().size(), 1u);
}

TEST(TuioListener, ReceivesBundlesOverLoopbackAndRefusesABusyPort) {
  // A free port: bind a UDP socket to port 0, read it back, close it, listen there.
  const int probe = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
  const int port = ntohs(a.sin_port);
  close(probe);
  TuioListener l(port);
  EXPECT_THROW(TuioListener again(port), nnlive::core::UserError);
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  auto send = [&](const std::string& packet) {
    sendto(s, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  };
  send(bundle({message("si", [](Osc& m) { m.str("alive"), m.i32(3); }),
               message("sifffff", [](Osc& m) { m.str("set"), m.i32(3), m.f32(0.2f), m.f32(0.7f), m.f32(0), m.f32(0), m.f32(0); }),
               message("si", [](Osc& m) { m.str("fseq"), m.i32(1); })}));
  send(std::string("garbage that is not OSC"));
  send(bundle({message("s", [](Osc& m) { m.str("alive"); }), message("si", [](Osc& m) { m.str("fseq"), m.i32(2); })}));
  close(s);
  std::vector<TouchEvent> got;
  for (int i = 0; i < 200 && got.size() < 2; ++i) {
    for (const auto& e : l.take()) got.push_back(e);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, TouchEvent::down);
  EXPECT_FLOAT_EQ(got[0].x, 0.2f);
  EXPECT_FLOAT_EQ(got[0].y, 0.7f);
  EXPECT_EQ(got[1].kind, TouchEvent::up);
}
