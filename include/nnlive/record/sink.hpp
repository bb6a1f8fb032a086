// SPDX-License-Identifier: MIT
// Frame sinks: where recorded frames go. A video through an ffmpeg subprocess fed raw RGBA on a
// pipe (MP4/MOV/MKV/WebM/GIF), or a folder of PNGs. Output appears under its final name only
// once complete (or, after finish() on an interrupted recording, as a valid file holding the
// frames so far); abort() leaves nothing behind.
//
// Contract: write() frames of exactly width x height RGBA8 (row 0 at the top), then finish() or
// abort(). Errors are core::UserError: output (cannot write, ffmpeg failed, disk full),
// missing_tool (no ffmpeg), usage (a codec the container cannot hold).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nnlive::record {

enum class Codec { h264, h265, vp9, prores, gif, png };

std::optional<Codec> parse_codec(const std::string& name);  // "h264", "h265", "vp9", "prores"
const char* codec_name(Codec c);

struct VideoFormat {
  uint32_t width = 0, height = 0;
  double fps = 60.0;
  std::optional<Codec> codec;  // unset: chosen by the output's extension
  int crf = 18;                // quality for h264/h265/vp9 (lower is better)
  bool transparent = false;    // keep the alpha channel (ProRes 4444, VP9 in WebM, PNG)
  // The frames' background colour (0xRRGGBB): odd sizes are padded with it, as 4:2:0 video
  // needs even ones.
  uint32_t background = 0xFFFFFF;
};

// What an output path means: a PNG folder (ends in '/' or is an existing folder) or a video
// whose container comes from the extension, and the codec that goes in it. Throws
// core::UserError(usage) for an unknown extension or a codec/container/alpha mismatch.
struct OutputPlan {
  Codec codec = Codec::h264;
  std::string container;  // ffmpeg muxer: mp4, mov, matroska, webm, gif; empty for PNG folders
  bool directory = false;
};
OutputPlan plan_output(const std::string& path, const VideoFormat& format);

// ffmpeg's command line (without the program name) reading raw RGBA frames on stdin and
// writing `file` with the planned codec and muxer.
std::vector<std::string> ffmpeg_arguments(const OutputPlan& plan, const VideoFormat& format, const std::string& file);

// Straight alpha from premultiplied (what blending onto a transparent target leaves), in place.
void unpremultiply(std::span<uint8_t> rgba);

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write(std::span<const uint8_t> rgba) = 0;
  // How many of the latest frames written the sink may still read after write() returned (a
  // pipe that took their pages rather than a copy): their memory must stay as it is, and
  // allocated, until that many later frames are written, or finish() or abort() returns.
  virtual size_t frames_read_later() const { return 0; }
  // Completes the output under its final name.
  virtual void finish() = 0;
  // Stops and removes everything written (safe to call after a failure, or twice).
  virtual void abort() noexcept = 0;
  virtual uint64_t frames() const = 0;
};

// The sink for `path` (see plan_output); checks the folder is writable and ffmpeg is installed
// before any frame is made. A PNG folder that already holds frame_*.png files is refused
// (UserError output) unless `overwrite`, which removes those files first. A video is checked
// after ffmpeg ends (ffprobe must read every frame back) before it gets its final name.
std::unique_ptr<FrameSink> open_sink(const std::string& path, const VideoFormat& format, bool overwrite = false);

}  // namespace nnlive::record
