// SPDX-License-Identifier: MIT
// Recording without the GPU: epoch schedules, output planning, ffmpeg's command line, alpha,
// the writer thread's order and error handling, and the PNG folder sink.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "nnlive/core/error.hpp"
#include "nnlive/record/schedule.hpp"
#include "nnlive/record/sink.hpp"
#include "nnlive/record/writer.hpp"

namespace nnlive::record {
namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<std::string>& args, const std::vector<std::string>& run) {
  return std::search(args.begin(), args.end(), run.begin(), run.end()) != args.end();
}

core::ExitCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::UserError& e) {
    return e.code;
  }
  return core::ExitCode::ok;
}

TEST(EpochSchedule, ConstantFractionalAndGeometricRamps) {
  EXPECT_DOUBLE_EQ(EpochSchedule::parse("2").at(0.0), 2.0);
  EXPECT_DOUBLE_EQ(EpochSchedule::parse("2").at(100.0), 2.0);
  const auto ramp = EpochSchedule::parse("1@0,100@10");
  EXPECT_DOUBLE_EQ(ramp.at(0.0), 1.0);
  EXPECT_NEAR(ramp.at(5.0), 10.0, 1e-9);  // geometric: halfway in time is the geometric mean
  EXPECT_DOUBLE_EQ(ramp.at(20.0), 100.0);
  const auto late = EpochSchedule::parse("0.5@2,4@4");
  EXPECT_DOUBLE_EQ(late.at(0.0), 0.5);  // constant before the first point
  EXPECT_NEAR(late.at(3.0), 1.41421356, 1e-6);
  const auto from_zero = EpochSchedule::parse("0@0,10@10");  // linear when an end is 0
  EXPECT_DOUBLE_EQ(from_zero.at(5.0), 5.0);
}

TEST(EpochSchedule, BadTextNamesTheProblem) {
  for (const char* bad : {"", "x", "-1", "1@0,2@0", "1@3,2@1", "1,2", "1@-1", "1e9", "nan"})
    EXPECT_EQ(code_of([&] { EpochSchedule::parse(bad); }), core::ExitCode::usage) << bad;
}

TEST(StepClock, FractionsCarryOverSoStepsAddUp) {
  StepClock quarter(EpochSchedule::parse("0.25"), 60.0, 3);  // 0.75 steps per frame
  long long total = 0;
  std::vector<long long> per_frame;
  for (int f = 0; f < 8; ++f) per_frame.push_back(quarter.steps_for_frame(f)), total += per_frame.back();
  EXPECT_EQ(total, 6);
  EXPECT_EQ(per_frame, (std::vector<long long>{0, 1, 1, 1, 0, 1, 1, 1}));
  StepClock ramp(EpochSchedule::parse("1@0,4@1"), 10.0, 10);
  EXPECT_EQ(ramp.steps_for_frame(0), 10);
  long long later = 0;
  for (int f = 1; f <= 20; ++f) later = ramp.steps_for_frame(f);
  EXPECT_EQ(later, 40);
}

TEST(PlanOutput, ContainersCodecsAndAlpha) {
  VideoFormat f{.width = 640, .height = 360};
  EXPECT_EQ(plan_output("a.mp4", f).codec, Codec::h264);
  EXPECT_EQ(plan_output("a.mp4", f).container, "mp4");
  EXPECT_EQ(plan_output("a.webm", f).codec, Codec::vp9);
  EXPECT_EQ(plan_output("a.gif", f).codec, Codec::gif);
  EXPECT_TRUE(plan_output("frames/", f).directory);
  EXPECT_EQ(plan_output("a.mkv", f).container, "matroska");
  f.codec = Codec::h265;
  EXPECT_EQ(plan_output("a.mov", f).codec, Codec::h265);
  f.codec.reset();
  f.transparent = true;
  EXPECT_EQ(plan_output("a.mov", f).codec, Codec::prores);
  EXPECT_EQ(plan_output("a.webm", f).codec, Codec::vp9);
  EXPECT_TRUE(plan_output("out/", f).directory);
  EXPECT_EQ(code_of([&] { plan_output("a.mp4", f); }), core::ExitCode::usage);  // VP9 alpha needs WebM/MKV
  EXPECT_EQ(code_of([&] { plan_output("a.gif", f); }), core::ExitCode::usage);
  f.transparent = false;
  f.codec = Codec::prores;
  EXPECT_EQ(code_of([&] { plan_output("a.mp4", f); }), core::ExitCode::usage);
  f.codec = Codec::h264;
  EXPECT_EQ(code_of([&] { plan_output("a.webm", f); }), core::ExitCode::usage);
  EXPECT_EQ(code_of([&] { plan_output("frames/", f); }), core::ExitCode::usage);
  EXPECT_EQ(code_of([&] { plan_output("a.avi", VideoFormat{}); }), core::ExitCode::usage);
}

TEST(FfmpegArguments, H264Mp4IsYuv420pCrf18FaststartWithEvenPadding) {
  VideoFormat f{.width = 641, .height = 360, .fps = 60, .background = 0xF3F4F6};
  const auto args = ffmpeg_arguments(plan_output("a.mp4", f), f, ".a.mp4.partial");
  EXPECT_TRUE(contains(args, {"-f", "rawvideo", "-pix_fmt", "rgba", "-s", "641x360", "-framerate", "60", "-i", "pipe:0"}));
  EXPECT_TRUE(contains(args, {"-c:v", "libx264"}));
  EXPECT_TRUE(contains(args, {"-crf", "18"}));
  EXPECT_TRUE(contains(args, {"-pix_fmt", "yuv420p"}));
  EXPECT_TRUE(contains(args, {"-movflags", "+faststart"}));
  EXPECT_TRUE(contains(args, {"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:color=0xF3F4F6"}));
  EXPECT_TRUE(contains(args, {"-f", "mp4", ".a.mp4.partial"}));
  f.width = 640;
  EXPECT_FALSE(contains(ffmpeg_arguments(plan_output("a.mp4", f), f, "x"), {"-vf"}));  // even: no padding
}

TEST(FfmpegArguments, AlphaCodecsAndGifPalette) {
  VideoFormat f{.width = 640, .height = 360, .transparent = true};
  EXPECT_TRUE(contains(ffmpeg_arguments(plan_output("a.mov", f), f, "x"), {"-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", "yuva444p10le"}));
  EXPECT_TRUE(contains(ffmpeg_arguments(plan_output("a.webm", f), f, "x"), {"-pix_fmt", "yuva420p"}));
  f.transparent = false;
  const auto gif = ffmpeg_arguments(plan_output("a.gif", f), f, "x");
  EXPECT_NE(std::find_if(gif.begin(), gif.end(), [](const std::string& a) { return a.find("palettegen") != std::string::npos; }),
            gif.end());
  f.codec = Codec::h265;
  EXPECT_TRUE(contains(ffmpeg_arguments(plan_output("a.mp4", f), f, "x"), {"-tag:v", "hvc1"}));
}

TEST(Unpremultiply, RestoresStraightAlpha) {
  std::vector<uint8_t> px{100, 50, 0, 128, 7, 8, 9, 255, 0, 0, 0, 0};
  unpremultiply(px);
  EXPECT_EQ(px, (std::vector<uint8_t>{199, 100, 0, 128, 7, 8, 9, 255, 0, 0, 0, 0}));
}

// A sink that records what it gets, optionally failing at a given frame.
struct FakeSink : FrameSink {
  std::vector<uint8_t>* seen;
  int fail_at;
  bool* finished;
  bool* aborted;
  FakeSink(std::vector<uint8_t>* s, int f, bool* fin, bool* ab) : seen(s), fail_at(f), finished(fin), aborted(ab) {}
  void write(std::span<const uint8_t> rgba) override {
    if (int(seen->size()) == fail_at) throw core::UserError(core::ExitCode::output, "disk full");
    seen->push_back(rgba[0]);
  }
  void finish() override { *finished = true; }
  void abort() noexcept override { *aborted = true; }
  uint64_t frames() const override { return seen->size(); }
};

TEST(QueuedWriter, KeepsOrderAndFinishes) {
  std::vector<uint8_t> seen;
  bool finished = false, aborted = false;
  QueuedWriter w(std::make_unique<FakeSink>(&seen, -1, &finished, &aborted), 2, false);
  for (uint8_t i = 0; i < 50; ++i) w.push(std::vector<uint8_t>{i, 0, 0, 255});
  w.finish();
  std::vector<uint8_t> want(50);
  std::iota(want.begin(), want.end(), uint8_t{0});
  EXPECT_EQ(seen, want);
  EXPECT_TRUE(finished);
  EXPECT_FALSE(aborted);
  EXPECT_EQ(w.written(), 50u);
}

TEST(QueuedWriter, HandsWrittenFramesBackAsSpareBuffers) {
  std::vector<uint8_t> seen;
  bool finished = false, aborted = false;
  QueuedWriter w(std::make_unique<FakeSink>(&seen, -1, &finished, &aborted), 2, false);
  EXPECT_TRUE(w.spare().empty());  // nothing written yet
  std::vector<uint8_t> frame(1 << 20, 7);
  const uint8_t* memory = frame.data();
  w.push(std::move(frame));
  // Once written, the frame's own memory comes back (the producer reads the next frame into it).
  std::vector<uint8_t> back;
  for (int i = 0; i < 2000 && back.empty(); ++i) {
    back = w.spare();
    if (back.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(back.data(), memory);
  EXPECT_EQ(back.size(), size_t(1) << 20);
  EXPECT_TRUE(w.spare().empty());  // handed out once
  // No more are kept than the queue holds and one more, however many frames pass.
  for (uint8_t i = 0; i < 40; ++i) w.push(std::vector<uint8_t>{i, 0, 0, 255});
  w.finish();
  size_t spares = 0;
  while (!w.spare().empty()) ++spares;
  EXPECT_LE(spares, 3u);
  EXPECT_EQ(w.written(), 41u);
}

// A sink that, like a pipe given the frames' pages, reads the last `later` frames again at each
// write and at the end: their bytes must not have changed (each frame is all one value).
struct ReadLaterSink : FrameSink {
  size_t later;
  std::deque<std::pair<std::span<const uint8_t>, uint8_t>>* kept;
  std::atomic<int>* changed;
  ReadLaterSink(size_t l, std::deque<std::pair<std::span<const uint8_t>, uint8_t>>* k, std::atomic<int>* c)
      : later(l), kept(k), changed(c) {}
  void check() {
    for (const auto& [bytes, value] : *kept)
      if (std::any_of(bytes.begin(), bytes.end(), [&](uint8_t b) { return b != value; })) ++*changed;
  }
  void write(std::span<const uint8_t> rgba) override {
    check();
    kept->push_back({rgba, rgba[0]});
    if (kept->size() > later) kept->pop_front();
  }
  size_t frames_read_later() const override { return later; }
  void finish() override { check(); }
  void abort() noexcept override {}
  uint64_t frames() const override { return 0; }
};

TEST(QueuedWriter, KeepsTheFramesASinkMayStillReadAsTheyAre) {
  // The producer reads each frame into a spare buffer as soon as it gets one, as FramePipeline
  // does: none may come back while the sink can still read it.
  for (const size_t later : {size_t(1), size_t(2), size_t(5)}) {
    std::deque<std::pair<std::span<const uint8_t>, uint8_t>> kept;
    std::atomic<int> changed{0};
    QueuedWriter w(std::make_unique<ReadLaterSink>(later, &kept, &changed), 2, false);
    size_t reused = 0;
    for (int i = 0; i < 60; ++i) {
      std::vector<uint8_t> frame = w.spare();
      reused += frame.empty() ? 0 : 1;
      frame.assign(64 * 1024, uint8_t(i));
      w.push(std::move(frame));
    }
    w.finish();
    EXPECT_EQ(changed.load(), 0) << later;
    EXPECT_GT(reused, 0u) << later;  // (buffers do come back)
    EXPECT_EQ(w.written(), 60u);
  }
}

TEST(QueuedWriter, ASinkErrorReachesTheProducerAndAbortsTheOutput) {
  std::vector<uint8_t> seen;
  bool finished = false, aborted = false;
  auto w = std::make_unique<QueuedWriter>(std::make_unique<FakeSink>(&seen, 3, &finished, &aborted), 2, false);
  bool thrown = false;
  try {
    for (uint8_t i = 0; i < 100; ++i) w->push(std::vector<uint8_t>{i, 0, 0, 255});
    w->finish();
  } catch (const core::UserError& e) {
    thrown = true;
    EXPECT_EQ(e.code, core::ExitCode::output);
    w->abort();
  }
  EXPECT_TRUE(thrown);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_FALSE(finished);
  EXPECT_TRUE(aborted);
}

TEST(QueuedWriter, DestroyedUnfinishedAborts) {
  std::vector<uint8_t> seen;
  bool finished = false, aborted = false;
  { QueuedWriter w(std::make_unique<FakeSink>(&seen, -1, &finished, &aborted), 4, false); w.push({1, 2, 3, 4}); }
  EXPECT_TRUE(aborted);
  EXPECT_FALSE(finished);
}

TEST(FfmpegSink, FramesReachTheVideoWholeWhileTheirBuffersAreReused) {
  // ffmpeg is given each frame's pages (vmsplice), and the producer reads the next frames into
  // the buffers handed back: every frame of the video must still be the one pushed. Frames
  // smaller than the pipe (several in it at once) and larger.
  const fs::path dir = fs::temp_directory_path() / "nnlive_ffmpeg_sink_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [w, h] : {std::pair{320u, 240u}, std::pair{1280u, 720u}}) {
    const std::string file = (dir / (std::to_string(w) + ".mp4")).string();
    VideoFormat f{.width = w, .height = h, .fps = 30.0};
    const int n = 24;
    auto level = [](int i) { return uint8_t(20 + (i * 67) % 216); };  // neighbours far apart
    {
      QueuedWriter writer(open_sink(file, f), 3, false);
      for (int i = 0; i < n; ++i) {
        std::vector<uint8_t> frame = writer.spare();
        frame.assign(size_t(w) * h * 4, level(i));
        for (size_t p = 3; p < frame.size(); p += 4) frame[p] = 255;
        writer.push(std::move(frame));
      }
      writer.finish();
    }
    // Decoded, each frame one grey, its own.
    std::string cmd = "ffmpeg -v error -i '";
    cmd.append(file).append("' -f rawvideo -pix_fmt rgb24 - 2>/dev/null");
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::vector<uint8_t> grey(size_t(w) * h * 3);
    int frames = 0;
    while (std::fread(grey.data(), 1, grey.size(), pipe) == grey.size()) {
      const auto [lo, hi] = std::minmax_element(grey.begin(), grey.end());
      EXPECT_LE(std::abs(int(*lo) - int(level(frames))), 6) << w << "x" << h << " frame " << frames;
      EXPECT_LE(std::abs(int(*hi) - int(level(frames))), 6) << w << "x" << h << " frame " << frames;
      ++frames;
    }
    pclose(pipe);
    EXPECT_EQ(frames, n) << w << "x" << h;
  }
  fs::remove_all(dir);
}

TEST(PngFolderSink, NumberedFramesAndAbortLeavesNothing) {
  const fs::path dir = fs::temp_directory_path() / "nnlive_png_sink_test";
  fs::remove_all(dir);
  VideoFormat f{.width = 4, .height = 2};
  std::vector<uint8_t> px(4 * 2 * 4, 200);
  {
    auto sink = open_sink(dir.string() + "/", f);
    sink->write(px);
    sink->write(px);
    sink->finish();
    EXPECT_EQ(sink->frames(), 2u);
  }
  EXPECT_TRUE(fs::exists(dir / "frame_00000.png"));
  EXPECT_TRUE(fs::exists(dir / "frame_00001.png"));
  fs::remove_all(dir);
  {
    auto sink = open_sink(dir.string() + "/", f);
    sink->write(px);
    sink->abort();
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(code_of([&] { open_sink("/nonexistent/dir/", f); }), core::ExitCode::output);
}

}  // namespace
}  // namespace nnlive::record
