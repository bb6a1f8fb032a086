// SPDX-License-Identifier: MIT
// Output planning, ffmpeg's command line, and the two sinks: an ffmpeg subprocess fed on a pipe
// (its stderr drained by a thread and shown when it fails) and a PNG folder.
#include "nnlive/record/sink.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>

#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/core/interrupt.hpp"

extern char** environ;

namespace nnlive::record {
namespace {

namespace fs = std::filesystem;
using core::ExitCode;
using core::UserError;

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (auto& ch : ext) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return ext;
}

std::string hex_colour(uint32_t rgb) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%06X", rgb & 0xFFFFFFu);
  return buf;
}

// The last non-empty line of ffmpeg's output, for the one-sentence error.
std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of(" \r\n");
  if (end == std::string::npos) return "no message";
  const size_t start = text.find_last_of('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// Runs a program to completion (stdin from /dev/null) and returns its exit status (127 when it
// cannot start) with what it printed on stdout and stderr together.
std::pair<int, std::string> run_program(std::vector<std::string> args) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {127, std::strerror(errno)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string text;
  if (rc == 0) {
    char buf[4096];
    for (;;) {
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (text.size() < 65536) text.append(buf, size_t(n));
    }
  }
  close(out[0]);
  if (rc != 0) return {127, std::strerror(rc)};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

class PngFolderSink final : public FrameSink {
 public:
  PngFolderSink(std::string dir, const VideoFormat& f, bool overwrite) : dir_(std::move(dir)), width_(f.width), height_(f.height) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    std::error_code ec;
    if (!fs::exists(dir_, ec)) {
      const fs::path parent = fs::path(dir_).parent_path().empty() ? fs::path(".") : fs::path(dir_).parent_path();
      if (!fs::is_directory(parent, ec))
        throw UserError(ExitCode::output, "cannot write " + dir_ + ": the folder " + parent.string() + " does not exist");
      if (!fs::create_directory(dir_, ec) || ec)
        throw UserError(ExitCode::output, "cannot create the folder " + dir_ + ": " + ec.message());
      created_ = true;
    }
    if (!fs::is_directory(dir_, ec)) throw UserError(ExitCode::output, "cannot write " + dir_ + ": it is not a folder");
    if (access(dir_.c_str(), W_OK) != 0) throw UserError(ExitCode::output, "cannot write into " + dir_ + ": it is not writable");
    // Frames of an earlier recording would mix with the new ones (a shorter run leaves the old
    // tail): refused, or removed with overwrite. Other files in the folder are not ours to touch.
    std::vector<fs::path> old;
    for (const auto& e : fs::directory_iterator(dir_, ec))
      if (is_frame_name(e.path().filename().string())) old.push_back(e.path());
    if (!old.empty() && !overwrite)
      throw UserError(ExitCode::output, "the folder " + dir_ + " already holds " + std::to_string(old.size()) +
                                            " frames of an earlier recording; use --overwrite to replace them, or another folder");
    for (const auto& p : old)
      if (!fs::remove(p, ec) || ec) throw UserError(ExitCode::output, "cannot remove the old frame " + p.string() + ": " + ec.message());
  }

  // frame_ followed by five or more digits and .png: the names write() gives.
  static bool is_frame_name(const std::string& n) {
    if (n.size() < 15 || n.rfind("frame_", 0) != 0 || n.substr(n.size() - 4) != ".png") return false;
    const std::string digits = n.substr(6, n.size() - 10);
    return digits.find_first_not_of("0123456789") == std::string::npos;
  }

  void write(std::span<const uint8_t> rgba) override {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%05llu.png", static_cast<unsigned long long>(frames_));
    const std::string path = (fs::path(dir_) / name).string();
    core::write_png(path, int(width_), int(height_), 4, rgba.data());  // whole or not at all
    written_.push_back(path);
    ++frames_;
  }
  void finish() override {}
  void abort() noexcept override {
    std::error_code ec;
    for (const auto& p : written_) fs::remove(p, ec);
    written_.clear();
    if (created_) fs::remove(dir_, ec);  // only if still empty
  }
  uint64_t frames() const override { return frames_; }

 private:
  std::string dir_;
  uint32_t width_, height_;
  bool created_ = false;
  uint64_t frames_ = 0;
  std::vector<std::string> written_;
};

class FfmpegSink final : public FrameSink {
 public:
  FfmpegSink(const std::string& path, const OutputPlan& plan, const VideoFormat& format)
      : named_(path), final_(core::regular_output_path(path)), partial_(core::partial_path(final_)), partial_guard_(partial_),
        frame_bytes_(size_t(format.width) * format.height * 4) {
    core::sweep_stale_partials(final_);
    // A dead ffmpeg must make write() fail with EPIPE rather than kill nnlive.
    signal(SIGPIPE, SIG_IGN);
    int in[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
      throw UserError(ExitCode::output, std::string("cannot start ffmpeg: ") + std::strerror(errno));
    std::vector<std::string> args = ffmpeg_arguments(plan, format, partial_);
    args.insert(args.begin(), "ffmpeg");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group: Ctrl-C in the terminal stops nnlive, which then lets ffmpeg finish
    // the file properly, instead of reaching ffmpeg directly. Default signal handling inside.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawnp(&pid_, "ffmpeg", &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(err[1]);
    if (rc != 0) {
      close(in[1]);
      close(err[0]);
      if (rc == ENOENT)
        throw UserError(ExitCode::missing_tool,
                        "ffmpeg is not installed (tools/setup.sh installs it); a PNG sequence needs no ffmpeg: --out DIR/");
      throw UserError(ExitCode::output, std::string("cannot start ffmpeg: ") + std::strerror(rc));
    }
    stdin_ = in[1];
    // A pipe of a megabyte (the most an unprivileged process may ask for by default) rather than
    // 64 KiB: a 1080p frame is 8 MB, 130 writes and as many switches to ffmpeg and back at the
    // default size. A refusal leaves the default, which works as well, only slower.
    fcntl(stdin_, F_SETPIPE_SZ, 1 << 20);
    const int pipe_bytes = fcntl(stdin_, F_GETPIPE_SZ);
    // The pipe holds at most pipe_bytes / page of our pages: after a frame of that many pages is
    // spliced in, every page of the frame before has been read. Smaller frames: more of them.
    const long page = sysconf(_SC_PAGESIZE);
    if (pipe_bytes > 0 && page > 0) {
      const size_t slots = size_t(pipe_bytes) / size_t(page), pages = frame_bytes_ / size_t(page);
      read_later_ = pages == 0 ? slots + 1 : slots / pages + 2;
      splice_ = true;
    }
    partial_guard_.set_writer(pid_);  // a second Ctrl-C kills it and removes the partial file
    drain_ = std::thread([this, fd = err[0]] {
      char buf[4096];
      for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        stderr_.append(buf, size_t(n));
        if (stderr_.size() > 16384) stderr_.erase(0, stderr_.size() - 16384);
      }
      close(fd);
    });
  }

  ~FfmpegSink() override { abort(); }

  void write(std::span<const uint8_t> rgba) override {
    if (rgba.size() != frame_bytes_) throw UserError(ExitCode::internal, "a frame of the wrong size reached the encoder");
    const uint8_t* p = rgba.data();
    size_t left = rgba.size();
    while (left > 0) {
      // The frame's pages into the pipe, not a copy of them (ffmpeg's read copies them once):
      // the caller keeps them as they are for frames_read_later() frames. A kernel that
      // refuses leaves plain writes.
      ssize_t n;
      if (splice_) {
        iovec v{const_cast<uint8_t*>(p), left};
        n = vmsplice(stdin_, &v, 1, 0);
        if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
          splice_ = false;
          continue;
        }
      } else {
        n = ::write(stdin_, p, left);
      }
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int status = reap();
        abort();
        throw failure(status);
      }
      p += n;
      left -= size_t(n);
    }
    ++frames_;
  }

  size_t frames_read_later() const override { return read_later_; }

  void finish() override {
    if (stdin_ < 0) return;
    close(stdin_);  // end of input: ffmpeg writes the trailer (and moves the index for +faststart)
    stdin_ = -1;
    const int status = reap();
    if (status != 0) {
      abort();
      throw failure(status);
    }
    verify();
    std::error_code ec;
    fs::rename(partial_, final_, ec);
    if (ec) {
      abort();
      throw UserError(ExitCode::output, "cannot write " + named_ + ": " + ec.message());
    }
    done_ = true;
  }

  void abort() noexcept override {
    if (stdin_ >= 0) close(stdin_), stdin_ = -1;
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      reap();
    }
    if (drain_.joinable()) drain_.join();
    if (!done_) {
      std::error_code ec;
      fs::remove(partial_, ec);
    }
  }

  uint64_t frames() const override { return frames_; }

 private:
  // ffmpeg exits 0 even when the disk fills up under it, leaving a truncated file: read the
  // result back (ffprobe demuxes it, without decoding) and expect every frame written, before
  // it gets its final name.
  void verify() {
    if (frames_ == 0) return;
    auto [status, said] = run_program({"ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                                       "stream=nb_read_packets", "-of", "csv=p=0", partial_});
    if (status == 127) return;  // no ffprobe (it comes with ffmpeg): ffmpeg's status is all there is
    // The packet count is the last line; anything before it is what ffprobe found wrong.
    const size_t end = said.find_last_not_of(" \r\n");
    said.erase(end == std::string::npos ? 0 : end + 1);
    const size_t nl = said.find_last_of('\n');
    const std::string count = nl == std::string::npos ? said : said.substr(nl + 1);
    const bool counted = !count.empty() && count.size() < 19 && count.find_first_not_of("0123456789") == std::string::npos;
    std::string problem;
    if (status != 0 || !counted)
      problem = said.empty() ? "ffprobe cannot read it" : said.substr(0, said.find('\n'));
    else if (std::stoull(count) < frames_)
      problem = "it holds " + count + " of " + std::to_string(frames_) + " frames";
    if (problem.empty()) return;
    std::error_code ec;
    const auto space = fs::space(fs::path(final_).parent_path().empty() ? fs::path(".") : fs::path(final_).parent_path(), ec);
    const bool full = !ec && space.available < 1024 * 1024;
    abort();
    throw UserError(ExitCode::output, "cannot write " + named_ + (full ? ": the disk is full" : "") + " (the video ffmpeg wrote is incomplete: " +
                                          problem + "); nothing was written");
  }

  // Waits for ffmpeg to exit and collects the rest of its output; its exit status, or 128+signal.
  int reap() noexcept {
    if (pid_ <= 0) return exit_status_;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
  }

  UserError failure(int status) {
    std::lock_guard lock(mutex_);
    std::string message = "ffmpeg failed writing " + named_ + " (exit status " + std::to_string(status) + "): " + last_line(stderr_);
    // The whole of what ffmpeg said, after the sentence, for anyone who needs more.
    const std::string said = stderr_.substr(0, stderr_.find_last_not_of(" \r\n") + 1);
    if (said.find('\n') != std::string::npos) message += "\nffmpeg said:\n" + said;
    return UserError(ExitCode::output, message);
  }

  std::string named_, final_, partial_;  // as given, the file it names, the file being written
  core::PartialOutput partial_guard_;
  size_t frame_bytes_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  bool splice_ = false;     // frames go into the pipe by vmsplice
  size_t read_later_ = 0;   // frames the pipe may still hold pages of (FrameSink::frames_read_later)
  int exit_status_ = 0;
  bool done_ = false;
  uint64_t frames_ = 0;
  std::thread drain_;
  std::mutex mutex_;
  std::string stderr_;
};

}  // namespace

std::optional<Codec> parse_codec(const std::string& name) {
  if (name == "h264" || name == "avc") return Codec::h264;
  if (name == "h265" || name == "hevc") return Codec::h265;
  if (name == "vp9") return Codec::vp9;
  if (name == "prores" || name == "prores4444") return Codec::prores;
  return std::nullopt;
}

const char* codec_name(Codec c) {
  switch (c) {
    case Codec::h264: return "h264";
    case Codec::h265: return "h265";
    case Codec::vp9: return "vp9";
    case Codec::prores: return "prores";
    case Codec::gif: return "gif";
    case Codec::png: return "png";
  }
  return "?";
}

OutputPlan plan_output(const std::string& path, const VideoFormat& f) {
  OutputPlan plan;
  std::error_code ec;
  if (!path.empty() && (path.back() == '/' || fs::is_directory(path, ec))) {
    if (f.codec) throw UserError(ExitCode::usage, "--codec applies to videos; " + path + " is a folder of PNG frames");
    plan.codec = Codec::png;
    plan.directory = true;
    return plan;
  }
  const std::string ext = lower_extension(path);
  if (ext == ".gif") {
    if (f.codec) throw UserError(ExitCode::usage, "--codec does not apply to a GIF");
    if (f.transparent) throw UserError(ExitCode::usage, "--transparent needs ProRes (.mov), VP9 (.webm) or a PNG folder, not a GIF");
    return {Codec::gif, "gif", false};
  }
  if (ext == ".mp4") plan.container = "mp4";
  else if (ext == ".mov") plan.container = "mov";
  else if (ext == ".mkv") plan.container = "matroska";
  else if (ext == ".webm") plan.container = "webm";
  else
    throw UserError(ExitCode::usage, "--out must be FILE.mp4, .mov, .mkv, .webm, .gif or a folder DIR/ for PNG frames; got '" + path + "'");
  const Codec fallback = plan.container == "webm" ? Codec::vp9
                         : f.transparent            ? (plan.container == "mov" ? Codec::prores : Codec::vp9)
                                                    : Codec::h264;
  plan.codec = f.codec.value_or(fallback);
  if (plan.container == "webm" && plan.codec != Codec::vp9) throw UserError(ExitCode::usage, "a .webm file holds VP9 only; use --codec vp9");
  if (plan.codec == Codec::prores && plan.container == "mp4") throw UserError(ExitCode::usage, "ProRes goes in a .mov (or .mkv), not a .mp4");
  if (f.transparent && plan.codec != Codec::prores && plan.codec != Codec::vp9)
    throw UserError(ExitCode::usage, "--transparent needs --codec prores (.mov) or vp9 (.webm or .mkv), or a PNG folder");
  if (f.transparent && plan.codec == Codec::vp9 && plan.container == "mp4")
    throw UserError(ExitCode::usage, "VP9 with alpha needs a .webm or .mkv file");
  return plan;
}

std::vector<std::string> ffmpeg_arguments(const OutputPlan& plan, const VideoFormat& f, const std::string& file) {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.6g", f.fps);
  std::vector<std::string> a{"-hide_banner", "-loglevel", "error", "-y",
                             "-f", "rawvideo", "-pix_fmt", "rgba",
                             "-s", std::to_string(f.width) + "x" + std::to_string(f.height),
                             "-framerate", rate, "-i", "pipe:0"};
  const bool odd = (f.width | f.height) & 1u;
  const bool subsampled = plan.codec == Codec::h264 || plan.codec == Codec::h265 || plan.codec == Codec::vp9;
  if (plan.codec == Codec::gif) {
    // One palette for the whole clip, then dithering against it.
    a.insert(a.end(), {"-filter_complex", "[0:v]split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a",
                       "-loop", "0"});
  } else if (odd && subsampled) {
    // 4:2:0 needs even sizes: one more row or column of the background colour.
    a.insert(a.end(), {"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:color=" + hex_colour(f.background) + (f.transparent ? "@0" : "")});
  }
  const std::string crf = std::to_string(f.crf);
  switch (plan.codec) {
    case Codec::h264:
      a.insert(a.end(), {"-c:v", "libx264", "-preset", "medium", "-crf", crf, "-pix_fmt", "yuv420p"});
      break;
    case Codec::h265:
      a.insert(a.end(), {"-c:v", "libx265", "-preset", "medium", "-crf", crf, "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"});
      if (plan.container == "mp4" || plan.container == "mov") a.insert(a.end(), {"-tag:v", "hvc1"});
      break;
    case Codec::vp9:
      a.insert(a.end(), {"-c:v", "libvpx-vp9", "-crf", crf, "-b:v", "0", "-row-mt", "1", "-pix_fmt",
                         f.transparent ? "yuva420p" : "yuv420p"});
      break;
    case Codec::prores:
      a.insert(a.end(), {"-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", f.transparent ? "yuva444p10le" : "yuv444p10le"});
      break;
    case Codec::gif:
    case Codec::png:
      break;
  }
  if (plan.container == "mp4" || plan.container == "mov") a.insert(a.end(), {"-movflags", "+faststart"});
  a.insert(a.end(), {"-f", plan.container, file});
  return a;
}

void unpremultiply(std::span<uint8_t> rgba) {
  for (size_t i = 0; i + 3 < rgba.size(); i += 4) {
    const unsigned a = rgba[i + 3];
    if (a == 0 || a == 255) continue;
    for (int c = 0; c < 3; ++c) rgba[i + c] = uint8_t(std::min(255u, (rgba[i + c] * 255u + a / 2) / a));
  }
}

std::unique_ptr<FrameSink> open_sink(const std::string& path, const VideoFormat& format, bool overwrite) {
  const OutputPlan plan = plan_output(path, format);
  if (plan.directory) return std::make_unique<PngFolderSink>(path, format, overwrite);
  return std::make_unique<FfmpegSink>(path, plan, format);
}

}  // namespace nnlive::record
