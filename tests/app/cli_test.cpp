// SPDX-License-Identifier: MIT
// The nnlive binary as a user runs it: outputs, the JSON summary, and bad input giving one
// clear sentence, the documented exit code and no output file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out, err;
};

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nnlive_cli_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs nnlive in the test's folder; `env` is put before it (such as "PATH=/nowhere").
  Result run(const std::string& args, const std::string& env = "") const {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const std::string cmd = "cd '" + dir_.string() + "' && " + env + " NNLIVE_VALIDATION=1 " NNLIVE_BINARY " " + args + " >'" +
                            out + "' 2>'" + err + "' </dev/null";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read(out);
    r.err = read(err);
    fs::remove(out);
    fs::remove(err);
    return r;
  }
  static std::string read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  // Nothing but the given names in the temporary folder (no partial or temporary files).
  void expect_only(std::initializer_list<std::string> names) const {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir_)) found.push_back(e.path().filename().string());
    std::sort(found.begin(), found.end());
    std::vector<std::string> want(names);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(found, want);
  }
  fs::path dir_;
};

nlohmann::json last_json_line(const std::string& out) {
  std::istringstream is(out);
  std::string line, last;
  while (std::getline(is, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last);
}

TEST_F(Cli, TrainWritesEverythingAndSummarizesInJson) {
  const Result r = run("train --preset xor --save-weights w.json --metrics m.csv --save-config c.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = last_json_line(r.out);
  for (const char* key : {"epoch", "train_loss", "test_loss", "train_acc", "test_acc", "diverged", "paused_at", "user_points"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["diverged"], false);
  EXPECT_TRUE(j["paused_at"].is_number());
  EXPECT_EQ(j["user_points"], 0);
  const std::string csv = read(path("m.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "epoch,train_loss,test_loss,train_acc,test_acc");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), j["epoch"].get<int>() + 2);  // header, epochs 0..E
  expect_only({"w.json", "m.csv", "c.toml"});

  // The saved config reproduces the run exactly.
  const Result again = run("train --config c.toml");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(last_json_line(again.out)["train_loss"], j["train_loss"]);
}

TEST_F(Cli, FlagsOverrideConfigOverridesPreset) {
  write("exp.toml", "preset = \"xor\"\n[training]\nepochs = 7\nlearning_rate = 0.1\n");
  const Result r = run("train --config exp.toml --epochs 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(last_json_line(r.out)["epoch"], 3);
  const Result r2 = run("train --config exp.toml");
  EXPECT_EQ(last_json_line(r2.out)["epoch"], 7);
}

TEST_F(Cli, ConfigWithUserPointsReportsThem) {
  write("exp.toml", "preset = \"xor\"\n[data]\nuser_points = [[1.0, 2.0, 1], [-3.0, 0.5, 0]]\n[training]\nepochs = 5\n");
  const Result r = run("train --config exp.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(last_json_line(r.out)["user_points"], 2);
}

TEST_F(Cli, DivergenceIsReportedNotCrashed) {
  const Result r = run("train --preset xor --hidden 16,16 --activation linear --lr 100 --epochs 500");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = last_json_line(r.out);
  EXPECT_EQ(j["diverged"], true);
  EXPECT_TRUE(j["diverged_at"].is_number());
}

TEST_F(Cli, FieldWritesNpyOfTheRightShape) {
  ASSERT_EQ(run("train --preset blobs --epochs 20 --save-weights w.json").code, 0);
  const Result r = run("field --weights w.json --size 20x10 --out f.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string npy = read(path("f.npy"));
  EXPECT_NE(npy.find("'shape': (10, 20, 4)"), std::string::npos);
  ASSERT_EQ(run("field --weights w.json --size 8x6 --view -1,-1,1,1 --out f2.npy --neuron 1:2").code, 0);
  EXPECT_NE(read(path("f2.npy")).find("'shape': (6, 8)"), std::string::npos);
  ASSERT_EQ(run("field --weights w.json --size 30x30 --out f.png").code, 0);
  EXPECT_EQ(read(path("f.png")).substr(1, 3), "PNG");
}

TEST_F(Cli, PresetsAndHelp) {
  const Result r = run("presets");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("spiral"), std::string::npos);
  EXPECT_GE(std::count(r.out.begin(), r.out.end(), '\n'), 10);
  for (const char* sub : {"--help", "train --help", "field --help", "bench field --help"}) {
    const Result h = run(sub);
    EXPECT_EQ(h.code, 0) << sub;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << sub;
  }
  EXPECT_NE(run("--help").out.find("Exit codes"), std::string::npos);
}

struct BadCase {
  const char* args;
  int code;
  const char* message;
};

TEST_F(Cli, BadInputGivesOneSentenceAndTheDocumentedCode) {
  write("bad.toml", "[model]\nhiden = [3]\n");
  write("bad.csv", "x,y,label\n1,2,1\n3,oops,0\n");
  write("bad.json", "{\"format\": \"nnlive.mlp/1\"}");
  ASSERT_EQ(run("train --preset xor --epochs 1 --save-weights ok.json").code, 0);
  const std::string ok = read(path("ok.json"));
  write("huge.json", std::regex_replace(ok, std::regex("\"bias\": \\["), "\"bias\": [1e400, ", std::regex_constants::format_first_only));
  write("nul.json", ok + '\0');
  write("playlist.txt", "# the museum's loop\nspiral-story\n\nno-such-lesson\n");
  write("empty_playlist.txt", "# nothing\n\n");
  write("tiny_view.json", std::regex_replace(ok, std::regex("\"view\": \\[[^\\]]*\\]"), "\"view\": [0, 0, 1e-300, 1e-300]"));
  const BadCase cases[] = {
      {"train --preset nope", 2, "unknown preset 'nope'"},
      {"train --frobnicate", 2, "frobnicate"},
      {"train --epochs -5", 2, "epoch count"},
      {"train --epochs many", 2, "--epochs"},
      {"train --hidden 4,4,4,4,4,4,4,4,4", 2, "at most 8 hidden layers"},
      {"train --hidden 0", 2, "width"},
      {"train --hidden 513", 2, "width"},
      {"train --activation swish", 2, "unknown activation 'swish'"},
      {"train --dataset mnist", 2, "unknown dataset 'mnist'"},
      {"train --lr 1000", 2, "learning rate"},
      {"train --confidence-penalty -1", 2, "confidence penalty"},
      {"train --features x,q", 2, "unknown input feature 'q'"},
      {"train --config bad.toml", 3, "bad.toml:2: unknown key 'hiden'"},
      {"train --config missing.toml", 3, "the config file missing.toml cannot be opened"},
      {"train --config .", 3, "is a folder"},
      {"train --config /dev/zero", 3, "over 1 MiB"},
      {"train --epochs ''", 2, "--epochs: needs a value"},
      {"train --seed ''", 2, "--seed: needs a value"},
      {"train --noise ''", 2, "--noise: needs a value"},
      {"train --batch ''", 2, "--batch: needs a value"},
      {"train --hidden ''", 2, "--hidden: needs a value"},
      {"render --preset xor --time '' --out r.png", 2, "--time: needs a value"},
      {"record --preset xor --crf '' --out v.mp4", 2, "--crf: needs a value"},
      {"run --present-mode foo", 2, "--present-mode"},
      {"render --preset xor --field-precision fp8 --out r.png", 2, "--field-precision must be one of auto, fp32, fp16x3, fp16; got 'fp8'"},
      {"bench field --fp16-rows 20", 2, "--fp16-rows must be a multiple of 16 from 16 to 128"},
      {"bench field --fp16-rows 144", 2, "--fp16-rows must be a multiple of 16 from 16 to 128"},
      {"run --step-back-memory 0", 2, "--step-back-memory must be 1 to 65536 MiB"},
      {"run --step-back-memory 1e9", 2, "--step-back-memory must be 1 to 65536 MiB"},
      {"lesson xor-step-by-step --step-back-memory nan", 2, "--step-back-memory"},
      {"exhibit --idle 1", 2, "--idle must be 5 to 86400 seconds"},
      {"exhibit --operator-pin 12", 2, "--operator-pin must be 4 to 12 digits"},
      {"exhibit --operator-pin 12ab", 2, "--operator-pin must be 4 to 12 digits"},
      {"exhibit --lessons spiral-story,nosuch", 2, "nosuch"},
      {"exhibit --playlist playlist.txt", 3, "playlist.txt:4: "},
      {"exhibit --playlist empty_playlist.txt", 3, "names no lesson"},
      {"exhibit --playlist missing.txt", 3, "the playlist missing.txt"},
      {"exhibit --playlist playlist.txt --lessons xor-step-by-step", 2, "excludes"},
      {"run --tuio abc", 2, "--tuio must be a UDP port (1 to 65535) or off, not 'abc'"},
      {"exhibit --tuio 70000", 2, "--tuio must be a UDP port"},
      {"lesson xor-step-by-step --tuio-map 1,2,3", 2, "--tuio-map must be four numbers X0,Y0,X1,Y1"},
      {"run --tuio-map 0,0,0,1", 2, "--tuio-map must span at least 0.01 on each axis"},
      {"run --tuio-map 0,0,1,nan", 2, "--tuio-map"},
      {"run --xi-touch maybe", 2, "--xi-touch must be on or off, not 'maybe'"},
      {"exhibit --xi-touch ON", 2, "--xi-touch must be on or off"},
      {"run --hang-exit 0.5", 2, "--hang-exit must be 0 (never) or 1 to 86400 seconds"},
      {"run --hang-exit nan", 2, "--hang-exit"},
      {"field --weights /dev/zero --size 8x8 --out f.npy", 3, "over 256 MiB"},
      {"field --weights huge.json --size 8x8 --out f.npy", 3, "number overflow"},
      {"field --weights nul.json --size 8x8 --out f.npy", 3, "NUL byte"},
      {"field --weights tiny_view.json --size 8x8 --out f.npy", 3, "too small to draw"},
      {"field --weights ok.json --size 8x8 --view 0,0,1e-300,1e-300 --out f.npy", 2, "too small to draw"},
      {"field --weights ok.json --size 8x8 --view -1e308,0,1e308,1 --out f.npy", 2, "within -1e6..1e6"},
      {"train --dataset /dev/zero.csv", 3, "cannot be opened"},
      {"train --dataset bad.csv", 3, "bad.csv:3: y 'oops'"},
      {"train --epochs 1 --save-weights nodir/w.json", 4, "does not exist"},
      {"field --weights bad.json --size 8x8 --out f.npy", 3, "bad.json"},
      {"field --weights missing.json --size 8x8 --out f.npy", 3, "the weights file missing.json cannot be opened"},
      {"field --weights bad.json --size 0x8 --out f.npy", 2, "--size"},
      {"field --weights bad.json --size 8 --out f.npy", 2, "--size"},
      {"field --weights bad.json --size 8x8 --out f.txt", 2, ".npy or .png"},
      {"field --weights bad.json --size 8x8 --view 1,1,0,2 --out f.npy", 3, "bad.json"},
      {"bench field --hidden 600", 2, "width"},
      {"bench", 2, "bench needs what to do: field or record (see nnlive bench --help)"},
      {"render --preset xor --size 100x100 --out r.png", 2, "320x240 to 7680x4320"},
      {"render --preset xor --layout grid --out r.png", 2, "unknown layout 'grid'"},
      {"render --preset xor --palette rainbow --out r.png", 2, "unknown palette 'rainbow'"},
      {"render --preset xor --neuron 3:1 --out r.png", 2, "counted from 1; the network's hidden layers have 4 neurons"},
      {"render --preset xor --out r.jpg", 2, ".png"},
      {"render --preset xor --out nodir/r.png", 4, "does not exist"},
      {"render --preset xor --compare nosuch --out r.png", 2, "nosuch"},
      {"record --preset xor --fps 0 --out v.mp4", 2, "--fps"},
      {"record --preset xor --seconds 0 --out v.mp4", 2, "--seconds"},
      {"record --preset xor --seconds -1 --out v.mp4", 2, "--seconds"},
      {"record --preset xor --seconds 1 --frames 5 --out v.mp4", 2, "excludes"},
      {"record --preset xor --frames 0 --out v.mp4", 2, "--frames"},
      {"record --preset xor --out nodir/v.mp4", 4, "does not exist"},
      {"record --preset xor --out nodir/frames/", 4, "does not exist"},
      {"record --preset xor --codec av1 --out v.mp4", 2, "unknown codec 'av1'"},
      {"record --preset xor --out v.avi", 2, ".mp4"},
      {"record --preset xor --codec h264 --out v.webm", 2, "VP9"},
      {"record --preset xor --transparent --out v.mp4", 2, "VP9 with alpha"},
      {"record --preset xor --transparent --out v.gif", 2, "--transparent"},
      {"record --preset xor --epochs-per-frame fast --out v.mp4", 2, "--epochs-per-frame"},
      {"record --preset xor --crf 99 --out v.mp4", 2, "--crf"},
      {"record --preset xor --size 100x100 --out v.mp4", 2, "--size"},
      {"render --preset xor --compare \"--hidden 0\" --out r.png", 2, "hidden"},
      {"render --preset xor --compare \"--bogus 1\" --out r.png", 2, "--compare '--bogus 1'"},
      {"render --preset xor --compare \"xor --layout field\" --out r.png", 2, "'--layout field' is not an experiment flag"},
      {"render --preset xor --compare \"--hidden\" --out r.png", 2, "--compare '--hidden': --hidden needs a value"},
      {"render --preset xor --compare \"--help\" --out r.png", 2, "a --compare takes experiment flags, not --help"},
      {"render --compare \"spiral --preset xor\" --out r.png", 2, "it names 'spiral' and gives --preset as well; give one"},
      {"render --preset xor --preset spiral --out r.png", 2, "--preset is given more than once; give it once"},
      {"render --preset xor --out", 2, "--out needs a value"},
      {"render --preset xor --epochs abc --out r.png", 2, "--epochs takes a number, not 'abc'"},
      {"render --preset xor --out r.png extra more", 2, "'extra more' are not commands or flags nnlive knows here"},
      {"run --present-mode foo", 2, "--present-mode must be one of fifo, vsync, fifo-relaxed, mailbox, immediate; got 'foo'"},
      {"render --preset xor --seed -1 --out r.png", 2, "--seed must be a whole number from 0 to 2^63 - 1"},
      {"render --preset xor --compare xor --compare xor --size 640x480 --out r.png", 2, "each panel needs at least 320x240"},
      {"render --compare-set nosuch --out r.png", 2, "unknown --compare-set 'nosuch'; choose depth, activation, width, batch"},
      {"render --compare-set depth --compare xor --out r.png", 2, "drop --compare"},
      {"render --preset xor --compare xor --compare xor --compare xor --compare xor --compare xor --compare xor --compare xor "
       "--compare xor --compare xor --out r.png", 2, "10 experiments side by side; at most 9 fit"},
      {"run --preset xor --compare-free", 2, "--compare-free needs experiments side by side"},
      {"run --preset xor --compare nosuch", 2, "nosuch"},
      {"run --preset xor --compare \"--hidden 0\"", 2, "hidden"},
      {"record --lesson xor --compare-set depth --out v.mp4", 2, "--lesson sets the length and the experiments"},
  };
  for (const auto& c : cases) {
    const Result r = run(c.args);
    EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("nnlive: ", 0), 0u) << c.args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << "\n" << r.err;
  }
  expect_only({"bad.toml", "bad.csv", "bad.json", "ok.json", "huge.json", "nul.json", "tiny_view.json", "playlist.txt", "empty_playlist.txt"});
}

TEST_F(Cli, RenderWritesAPng) {
  const Result r = run("render --preset xor --epochs 20 --size 400x300 --layout field+curves --out r.png");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string png = read(path("r.png"));
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  expect_only({"r.png"});
}

TEST_F(Cli, RenderComparesExperimentsSideBySide) {
  const Result r = run("render --preset xor --epochs 20 --compare \"--hidden 8 --activation relu\" --compare too-simple "
                       "--size 1000x600 --layout field --out r.png");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("and 2 more"), std::string::npos) << r.err;
  EXPECT_EQ(read(path("r.png")).substr(1, 3), "PNG");
  expect_only({"r.png"});
}

// ffprobe's view of a video: codec, pixel format, size and the frames it decodes.
std::string probe(const std::string& file) {
  const std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                          "stream=codec_name,pix_fmt,width,height,nb_read_frames -of csv=p=0 '" + file + "' 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ',')) out.pop_back();
  return out;
}

TEST_F(Cli, RecordWritesAPlayableH264Mp4) {
  const Result r = run("record --preset xor --size 320x240 --fps 10 --frames 6 --epochs-per-frame 2 --out v.mp4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(probe(path("v.mp4")), "h264,320,240,yuv420p,6");
  EXPECT_NE(r.err.find("6/6 frames"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("epoch 0 to 10"), std::string::npos) << r.err;  // frame 0 untrained, then 2 epochs a frame
  expect_only({"v.mp4"});
}

TEST_F(Cli, RecordPadsOddSizesAndWritesGifAndH265) {
  ASSERT_EQ(run("record --preset xor --size 321x241 --frames 3 --quiet --out odd.mp4").code, 0);
  EXPECT_EQ(probe(path("odd.mp4")), "h264,322,242,yuv420p,3");
  ASSERT_EQ(run("record --preset xor --size 320x240 --frames 3 --quiet --codec h265 --out v.mov").code, 0);
  EXPECT_EQ(probe(path("v.mov")), "hevc,320,240,yuv420p,3");
  ASSERT_EQ(run("record --preset xor --size 320x240 --frames 3 --quiet --out v.gif").code, 0);
  EXPECT_EQ(probe(path("v.gif")).substr(0, 12), "gif,320,240,");
  ASSERT_EQ(run("record --preset xor --size 320x240 --frames 2 --quiet --transparent --out a.webm").code, 0);
  EXPECT_EQ(probe(path("a.webm")).substr(0, 12), "vp9,320,240,");
}

TEST_F(Cli, RecordSameCommandSameFrames) {
  const std::string args = "record --preset spiral --size 320x240 --frames 3 --epochs-per-frame 0.5@0,4@0.1 --quiet --out ";
  ASSERT_EQ(run(args + "a/").code, 0);
  ASSERT_EQ(run(args + "b/").code, 0);
  for (const char* f : {"frame_00000.png", "frame_00001.png", "frame_00002.png"}) {
    const std::string a = read(path("a/") + f), b = read(path("b/") + f);
    EXPECT_GT(a.size(), 1000u) << f;
    EXPECT_EQ(a, b) << f;
  }
  EXPECT_FALSE(fs::exists(path("a/frame_00003.png")));
  EXPECT_NE(read(path("a/frame_00000.png")), read(path("a/frame_00002.png")));
}

TEST_F(Cli, RecordWithoutFfmpegSaysSoAndWritesNothing) {
  const Result r = run("record --preset xor --size 320x240 --frames 2 --out v.mp4", "PATH=/nonexistent");
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_NE(r.err.find("ffmpeg is not installed"), std::string::npos) << r.err;
  expect_only({});
}

TEST_F(Cli, RecordWhenFfmpegFailsShowsWhyAndLeavesNoFile) {
  // An ffmpeg that takes some input and then fails as it would on a full disk.
  fs::create_directories(path("bin"));
  write("bin/ffmpeg", "#!/bin/sh\nhead -c 100000 >/dev/null\necho 'frame=    1 fps=0.0' >&2\n"
                      "echo 'av_interleaved_write_frame(): No space left on device' >&2\nexit 1\n");
  fs::permissions(path("bin/ffmpeg"), fs::perms::owner_all);
  const Result r = run("record --preset xor --size 320x240 --frames 20 --quiet --out v.mp4", "PATH=" + path("bin") + ":$PATH");
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("ffmpeg failed writing v.mp4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  fs::remove_all(path("bin"));
  expect_only({});
}

TEST_F(Cli, RecordInterruptedLeavesAPlayableFileOfTheFramesSoFar) {
  // Ctrl-C once frames are reaching the encoder (its partial file has grown).
  const std::string cmd = "cd '" + dir_.string() + "' && (NNLIVE_VALIDATION=1 " NNLIVE_BINARY
                          " record --preset xor --size 320x240 --frames 100000 --out v.mp4 2>err.txt & pid=$!; "
                          "for i in $(seq 600); do [ -n \"$(find . -name '.v.mp4.*.partial' -size +0)\" ] && break; sleep 0.1; done; "
                          "kill -INT $pid; wait $pid; echo $? >code.txt)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(read(path("code.txt")), "6\n") << read(path("err.txt"));
  EXPECT_NE(read(path("err.txt")).find("interrupted after"), std::string::npos) << read(path("err.txt"));
  const std::string p = probe(path("v.mp4"));
  EXPECT_EQ(p.substr(0, 21), "h264,320,240,yuv420p,") << p;
  EXPECT_GT(std::atoi(p.substr(p.rfind(',') + 1).c_str()), 0) << p;
  fs::remove(path("err.txt"));
  fs::remove(path("code.txt"));
  expect_only({"v.mp4"});
}

TEST_F(Cli, RecordOnAFullDiskFailsAndLeavesNoFile) {
  // ffmpeg exits 0 on a full disk, leaving a truncated file: an ffmpeg that does just that.
  fs::create_directories(path("bin"));
  write("bin/ffmpeg", "#!/bin/sh\ncat >/dev/null\nfor last; do :; done\nhead -c 3000 /dev/urandom >\"$last\"\nexit 0\n");
  fs::permissions(path("bin/ffmpeg"), fs::perms::owner_all);
  const Result r = run("record --preset xor --size 320x240 --frames 5 --quiet --out v.mp4", "PATH=" + path("bin") + ":$PATH");
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("cannot write v.mp4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("incomplete"), std::string::npos) << r.err;
  fs::remove_all(path("bin"));
  expect_only({});
}

TEST_F(Cli, InterruptedCommandsExit6AndWriteNothing) {
  // Ctrl-C while training (a long run), and during record's setup, before the first frame.
  auto interrupted = [&](const std::string& args, const char* delay) {
    // The signal goes once the handler is in place (SigCgt has SIGINT), however slowly the
    // process starts (sanitizer builds); before that a background job ignores SIGINT.
    const std::string cmd = "cd '" + dir_.string() + "' && (" NNLIVE_BINARY " " + args +
                            " 2>err.txt & pid=$!; for i in $(seq 1000); do "
                            "c=$(awk '/SigCgt/{print $2}' /proc/$pid/status 2>/dev/null); "
                            "[ -n \"$c\" ] && [ $((0x$c & 2)) -ne 0 ] && break; sleep 0.01; done; sleep " + delay +
                            "; kill -INT $pid; wait $pid; echo $? >code.txt)";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    const std::string code = read(path("code.txt")), err = read(path("err.txt"));
    fs::remove(path("code.txt"));
    fs::remove(path("err.txt"));
    EXPECT_EQ(code, "6\n") << args << ": " << err;
    EXPECT_NE(err.find("interrupted"), std::string::npos) << err;
  };
  interrupted("train --preset spiral --epochs 10000000 --stop-window 0 --metrics m.csv --save-weights w.json", "1");
  interrupted("render --preset spiral --epochs 10000000 --stop-window 0 --out r.png", "1");
  interrupted("record --preset xor --size 320x240 --frames 100 --quiet --out v.mp4", "0");
  // Many epochs per frame: the signal is seen between two steps, not after the frame.
  interrupted("record --preset spiral --size 320x240 --frames 3 --epochs-per-frame 100000 --epochs 10000000 --stop-window 0 "
              "--quiet --out v2.mp4", "2");
  EXPECT_FALSE(fs::exists(path("m.csv")));
  EXPECT_FALSE(fs::exists(path("v.mp4")));
  fs::remove(path("v2.mp4"));  // frames so far, kept (or none if the frame had not ended)
  expect_only({});
}

TEST_F(Cli, OutputsFollowSymlinksWriteFifosInPlaceAndSweepStalePartials) {
  fs::create_directories(path("real"));
  fs::create_symlink("real/w.json", path("link.json"));
  ASSERT_EQ(std::system(("mkfifo '" + path("fifo.csv") + "'").c_str()), 0);
  write(".c.toml.partial", "left by an older version");
  write(".c.toml.999999999.partial", "left by a process killed long ago");
  const std::string cmd = "cd '" + dir_.string() + "' && (cat fifo.csv >from_fifo.txt & " NNLIVE_BINARY
                          " train --preset xor --save-weights link.json --metrics fifo.csv --save-config c.toml >/dev/null 2>err.txt; "
                          "echo $? >code.txt; wait)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(read(path("code.txt")), "0\n") << read(path("err.txt"));
  EXPECT_TRUE(fs::is_symlink(path("link.json")));
  EXPECT_NE(read(path("real/w.json")).find("\"layers\""), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(path("fifo.csv")));
  EXPECT_EQ(read(path("from_fifo.txt")).substr(0, 6), "epoch,");
  for (const char* f : {"code.txt", "err.txt", "from_fifo.txt", "fifo.csv", "link.json"}) fs::remove(path(f));
  fs::remove_all(path("real"));
  expect_only({"c.toml"});
}

TEST_F(Cli, RecordRefusesAFolderWithOldFramesUnlessOverwrite) {
  const Result first = run("record --preset xor --size 320x240 --frames 4 --quiet --out frames/");
  ASSERT_EQ(first.code, 0) << first.err;
  write("frames/notes.txt", "not ours");
  const Result again = run("record --preset xor --size 320x240 --frames 2 --quiet --out frames/");
  EXPECT_EQ(again.code, 4) << again.err;
  EXPECT_NE(again.err.find("already holds 4 frames"), std::string::npos) << again.err;
  EXPECT_TRUE(fs::exists(path("frames/frame_00003.png")));
  const Result over = run("record --preset xor --size 320x240 --frames 2 --quiet --overwrite --out frames/");
  ASSERT_EQ(over.code, 0) << over.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path("frames"))) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"frame_00000.png", "frame_00001.png", "notes.txt"}));
}

TEST_F(Cli, BenchFieldPrintsOneJsonLine) {
  const Result r = run("bench field --size 32x32 --reps 2");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = last_json_line(r.out);
  for (const char* key : {"gpu_ms", "gpu_wall_ms", "cpu_ms", "speedup", "gpu_gmacs", "cpu_gmacs", "device", "kernel",
                          "tiled_vs_per_pixel", "kernels_max_abs_diff"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["arch"], "2-24-24-1");
  EXPECT_LE(j["max_abs_diff"].get<double>(), 1e-3);
  EXPECT_LE(j["kernels_max_abs_diff"].get<double>(), 1e-4);  // the two kernels agree
  // The fp16 kernel: timed where offered, else said so (on lavapipe, CI).
  EXPECT_TRUE(j.contains("fp16x3_ms") || j.value("fp16", "").find("not offered") != std::string::npos) << r.out;
}

// The field kernels' environment variables: a value they do not know is one sentence and exit
// code 5 (the device could not be set up as asked), before anything is written.
TEST_F(Cli, UnknownFieldKernelSettingsInTheEnvironmentAreRefused) {
  for (const auto& [env, message] : std::vector<std::pair<std::string, std::string>>{
           {"NNLIVE_FIELD_FP16_KERNEL=bogus", "the fp16 field kernel must be direct or staged, not 'bogus'"},
           {"NNLIVE_FIELD_PRECISION=fp9", "the field precision must be auto, fp32, fp16x3 or fp16, not 'fp9'"}}) {
    const Result r = run("render --preset xor --size 320x240 --out r.png", env);
    EXPECT_EQ(r.code, 5) << env << "\n" << r.err;
    EXPECT_EQ(r.err, "nnlive: " + message + "\n") << env;
  }
  expect_only({});
  const Result ok = run("render --preset xor --size 320x240 --out r.png", "NNLIVE_FIELD_FP16_KERNEL=staged");
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST_F(Cli, BenchRecordPrintsOneJsonLineWithARatioPerRound) {
  const Result r = run("bench record --size 320x240 --frames 4 --rounds 2 --epochs 20");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = last_json_line(r.out);
  ASSERT_TRUE(j.contains("results")) << r.out;
  const auto& res = j["results"].at(0);
  for (const char* key : {"render_fps", "encode_fps_steady", "both_fps_steady", "export_vs_encode", "render_cpu_ms_per_frame",
                          "encoder_cpu_ms_per_frame", "cpu_bound_export_vs_encode", "passes_ms"})
    EXPECT_TRUE(res.contains(key)) << key;
  EXPECT_EQ(res["size"], "320x240");
  EXPECT_EQ(res["export_vs_encode_rounds"].size(), 2u);  // one a round, export first in the second
  EXPECT_GT(res["render_cpu_ms_per_frame"].get<double>(), 0.0);
}

}  // namespace

namespace lessons {

const char* k_short_lesson =
    "title = \"Short\"\n"
    "[[step]]\npreset = \"xor\"\npause = true\ncaption = \"Four clusters.\"\n"
    "[[step]]\nuntil_epoch = 30\nhighlight_curve = \"train\"\ncaption = \"Training.\"\n"
    "[[step]]\npreset = \"too-simple\"\nuntil_seconds = 1\nhighlight_region = [-5, -5, 0, 0]\ncaption = \"A line.\"\n";

TEST_F(Cli, LessonsAreListedAndDrawnStepByStep) {
  const Result list = run("lessons");
  ASSERT_EQ(list.code, 0) << list.err;
  for (const char* name : {"spiral-story", "training-loop", "xor-step-by-step", "playground-exercises", "fruit-backprop"})
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  const Result r = run("render --lesson training-loop --step 2 --size 480x270 --out s.png");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("step 2 of 7 (xor at epoch 60)"), std::string::npos) << r.err;
  const Result bad_step = run("render --lesson training-loop --step 8 --out s2.png");
  EXPECT_EQ(bad_step.code, 2);
  EXPECT_NE(bad_step.err.find("has 7 steps"), std::string::npos) << bad_step.err;
  expect_only({"s.png"});
}

TEST_F(Cli, RecordALessonFrameExact) {
  write("short.toml", k_short_lesson);
  const std::string args = "record --lesson short.toml --size 320x240 --fps 10 --caption-seconds 0.5 --speed 100 --quiet --out ";
  const Result a = run(args + "a.mp4");
  ASSERT_EQ(a.code, 0) << a.err;
  // Frame 0, then step 1 waits 0.5 s (5 frames), step 2 trains 30 epochs at 10 a frame but
  // stays the 0.5 s minimum (5 frames), step 3 lasts 1 s (10 frames): 21 frames.
  EXPECT_EQ(probe(path("a.mp4")), "h264,320,240,yuv420p,21");
  EXPECT_NE(a.err.find("lesson short (3 steps), 21 frames"), std::string::npos) << a.err;
  const Result b = run(args + "b.mp4");
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(read(path("a.mp4")), read(path("b.mp4")));  // same command, same bytes
  const Result frames = run("record --lesson short.toml --frames 5 --out c.mp4");
  EXPECT_EQ(frames.code, 2);
  expect_only({"short.toml", "a.mp4", "b.mp4"});
}

TEST_F(Cli, BadLessonFileNamesFileLineAndProblem) {
  write("bad.toml", std::string(k_short_lesson) + "until_epoch = 3\n");
  for (const std::string cmd : {"render --lesson bad.toml --out x.png", "record --lesson bad.toml --out x.mp4", "lesson bad.toml"}) {
    const Result r = run(cmd);
    EXPECT_EQ(r.code, 3) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("bad.toml:15: a step has one of until_epoch"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one sentence
  }
  write("hl.toml", std::string(k_short_lesson) + "highlight_edge = \"1:3:1\"\n");
  const Result r = run("render --lesson hl.toml --out x.png");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("highlight_edge 1:3:1 is not an edge of the network"), std::string::npos) << r.err;
  const Result missing = run("lesson nope.toml");
  EXPECT_EQ(missing.code, 3);
  const Result unknown = run("lesson nope");
  EXPECT_EQ(unknown.code, 2);
  expect_only({"bad.toml", "hl.toml"});
}

}  // namespace lessons
