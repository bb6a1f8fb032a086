// SPDX-License-Identifier: MIT
// field_coop.comp: the network's outputs over a W x H grid with the layers between hidden layers
// as fp16 cooperative-matrix products (VK_NV_cooperative_matrix: tensor cores), summed in fp32.
// The arithmetic, and its split into high and low halves, is nnlive/gpu/field_fp16.hpp's; its
// CPU reference there is what FieldEvaluator checks this kernel against on the device.
//
// A workgroup takes ROWS consecutive pixels (row-major) and keeps their activations in shared
// memory as fp16, one row of STRIDE halves per pixel (the widest hidden layer padded to 16, plus
// 8 against bank conflicts); split, the low halves in a second such array. Per layer:
//   first (inputs -> hidden): fp32, one (pixel, neuron) at a time over the invocations;
//   between hidden layers: out[ROWS x N] = act[ROWS x K] * W[K x N] + bias, in 16 x 16 tiles,
//     in one of two ways (STAGED, a specialisation constant):
//     direct: FIELD_COOP_SUBGROUPS subgroups, two buffers of activations (a layer reads one and
//       writes the other); each subgroup takes a 16-pixel row of tiles and COLS tiles of
//       outputs at a time, holding their sums (started from the bias) while it walks K 16
//       inputs at a time: one A tile from shared memory, COLS B tiles straight from the weights
//       (L1 and L2 serve every workgroup);
//     staged: any number of subgroups, one buffer, updated in place. Subgroup g owns output
//       tile columns g, g + G, ... (at most MC of them) for all ROWS / 16 row tiles, and holds
//       all those sums for the whole layer. The workgroup walks the weights KC x 16 rows (a
//       chunk: as many as shared memory holds beside the activations) at a time: each
//       invocation loads its share of the next chunk into registers as 16-byte words while the
//       tiles multiply the current one, which the workgroup copied into shared memory; split,
//       the low weights' rows follow the high ones' in the same walk. Every
//       weight is read from memory once per workgroup (direct: once per 16-pixel row of tiles),
//       and each B tile serves ROWS / 16 products. After the walk and a barrier no activation
//       of the layer is read again, and the sums overwrite them;
//     either way each sum tile leaves the tensor cores through the subgroup's staging tile in
//     shared memory, where its lanes add the low sum, apply the activation and write fp16 (split:
//     high and low halves; no element of a cooperative matrix is addressed, whatever the
//     device's layout);
//   last (hidden -> outputs): fp32, each pixel's sums split over T / ROWS invocations and
//     added in shared memory, then sigmoid or softmax.
// The inputs, the staging tiles, the staged weights and the last layer's partial sums share one
// array of 16-byte words (scratch): each is dead before the next is written.
// Every invocation runs every cooperative operation (pixels past the grid's end compute from
// clamped coordinates and are never written); only whole workgroups past the end return.
//
// Built a second time with EMULATE_COOPERATIVE_MATRICES, the operands become references to
// where they lie, the sums plain arrays and their operations loops (below), with 2 output
// tiles per subgroup at a time (direct): the same kernel, data movement and rounding on a device
// without cooperative matrices (lavapipe), so that the tests check all of it but the tensor
// cores themselves against fp16_reference_field on every machine. For tests only: it is slow.
#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_control_flow_attributes : require
#ifndef EMULATE_COOPERATIVE_MATRICES
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#endif
#include "nnlive/gpu/field_shared.h"

// T invocations: the subgroups' (FieldEvaluator sets constant 4: FIELD_COOP_SUBGROUPS
// subgroups direct, G staged).
layout(local_size_x_id = 4) in;

layout(constant_id = 0) const uint ROWS = 16;     // pixels per workgroup: a multiple of 16
layout(constant_id = 1) const uint STRIDE = 24;   // halves per pixel's row of activations
layout(constant_id = 2) const bool SPLIT = true;  // high and low halves: three products
layout(constant_id = 3) const uint LO_HALVES = 8; // the low halves' array: BUFFERS * ROWS * STRIDE when SPLIT, else 8
layout(constant_id = 5) const bool STAGED = false;  // the layers between hidden layers staged (above)
layout(constant_id = 6) const uint MC = 1;          // staged: the most output tile columns a subgroup owns
layout(constant_id = 7) const uint PRE = 1;         // staged: 16-byte words of a chunk each invocation loads
layout(constant_id = 8) const uint SCRATCH = 512;   // 16-byte words of scratch
layout(constant_id = 9) const uint LANES_ = 32;     // the subgroup's size
layout(constant_id = 10) const uint KC = 1;         // staged: 16-row tiles of weights a chunk

#define WEIGHTS_SSBO
#include "field_common.glsl"

// The weights between hidden layers (FieldLayer.act: y = high halves' offset, z = low halves',
// w = the bias rows'; nnlive::gpu::Fp16Weights), and each layer's bias in 16 equal rows. The
// halves are read as 16-byte words too (staged): every layer's matrices start on 16 bytes.
layout(std430, set = 0, binding = 3) readonly buffer HalvesBlock { float16_t halves[]; };
layout(std430, set = 0, binding = 3) readonly buffer HalfWordsBlock { uvec4 half_words[]; };
layout(std430, set = 0, binding = 4) readonly buffer BiasBlock { float bias_rows[]; };

const uint T = gl_WorkGroupSize.x;
#ifndef EMULATE_COOPERATIVE_MATRICES
const uint COLS = FIELD_COOP_COLS;  // direct: output tiles per subgroup at a time
#else
const uint COLS = 2u;  // (fewer private values for llvmpipe to compile)
#endif
const float LO_SCALE = 2048.0;      // k_fp16_lo_scale
const float HALF_MAX = 65504.0;
const uint BUFFERS = STAGED ? 1u : 2u;  // activation buffers
const uint RT = ROWS / 16u;             // row tiles
const uint OWN = STAGED ? RT * MC : 1u; // staged: the sum tiles a subgroup holds

shared float16_t act_hi[BUFFERS * ROWS * STRIDE];  // buffer b at b * ROWS * STRIDE
shared float16_t act_lo[LO_HALVES];  // (8 halves unsplit: 16 bytes keep the arrays after it aligned)
shared uvec4 scratch[SCRATCH];       // (see the top)

// Scratch as floats: pixel r's input i at r * 8 + i; subgroup g's staging tile at g * 512 (its
// low sum tile 256 on; staged, g * 256 and no low tile); the last layer's partial sums.
float scratch_f(uint i) { return uintBitsToFloat(scratch[i >> 2][i & 3u]); }
void set_scratch_f(uint i, float v) { scratch[i >> 2][i & 3u] = floatBitsToUint(v); }

// Two kinds of 16 x 16 tile: an operand (A or B, fp16) and a sum (fp32). Offsets and strides
// into scratch count 16-byte words (8 halves, 4 floats).
#ifndef EMULATE_COOPERATIVE_MATRICES
#define TILE_A fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>
#define TILE_C fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>
#define LOAD_A(m, buf, at, stride) coopMatLoadNV(m, buf, at, stride, false)
#define LOAD_A_SCRATCH(m, at, stride) coopMatLoadNV(m, scratch, at, stride, false)
#define LOAD_C(m, buf, at, stride) coopMatLoadNV(m, buf, at, stride, false)
#define STORE_C_SCRATCH(m, at, stride) coopMatStoreNV(m, scratch, at, stride, false)
#define MUL_ADD(a, b, c) coopMatMulAddNV(a, b, c)
#define ZERO_C TILE_C(0.0)
// The staging tile is written and read in different orders by the subgroup's lanes.
#define SUBGROUP_SYNC() subgroupMemoryBarrierShared(); subgroupBarrier()
// The loops over a subgroup's output tiles unrolled, so that its sums stay in registers (on the
// H200, fp16x3 2-256x4-1 at 3840x2160: 490 -> 360 ms; loading the next step's weights ahead as
// well measured slower, 400 ms).
#define COLS_LOOP [[unroll]]
const uint LANES = LANES_;
#else
// A subgroup's tiles emulated: an operand as where it lies (which array, the first element, the
// row stride), read when it is multiplied (nothing writes those arrays between a load and its
// products); a sum spread over the lanes, lane j holding elements e = j + LANES * i (row
// e / 16, column e % 16). A product's sum is the same fp32 sum of exact fp16 products.
// (Operands copied whole into every invocation's registers took llvmpipe minutes to compile.)
// The 16 terms of each element are unrolled: llvmpipe ends every loop of a shader once they
// have run 65,535 iterations in all, per invocation, without a word (Mesa's
// LP_MAX_TGSI_LOOP_ITERATIONS), and one term a step ran past it at 96 x 4 with 48 pixels a
// workgroup, or 160 wide split: garbage on every pixel. A product takes 32 iterations (lanes
// of 8), not 544 (four terms a step, 160, still ran past it at 8 x 256 staged). (Debian's
// glslc -O crashes on this build, so it is built with -O0; NIR optimises it.)
const uint LANES = FIELD_COOP_EMULATED_LANES;  // the subgroup's size (lavapipe's; FieldEvaluator checks)
const uint SPREAD = 256u / LANES;
struct TileA { uint src, at, stride; };
struct TileC { float v[SPREAD]; };
#define TILE_A TileA
#define TILE_C TileC
#define SRC_act_hi 0u
#define SRC_act_lo 1u
#define SRC_halves 2u
#define SRC_scratch 3u
#define LOAD_A(m, buf, at, stride) m = TileA(SRC_##buf, at, stride)
#define LOAD_A_SCRATCH(m, at, stride) m = TileA(SRC_scratch, at, stride)
float16_t operand(TileA m, uint row, uint col) {
  if (m.src == SRC_scratch) {  // (in 16-byte words: 8 halves each)
    const uint e = (m.at + row * m.stride) * 8u + col;
    const vec2 pair = unpackHalf2x16(scratch[e >> 3][(e >> 1) & 3u]);
    return float16_t((e & 1u) == 0u ? pair.x : pair.y);
  }
  const uint e = m.at + row * m.stride + col;
  return m.src == SRC_act_hi ? act_hi[e] : m.src == SRC_act_lo ? act_lo[e] : halves[e];
}
#define LOAD_C(m, buf, at, stride) \
  [[dont_unroll]] for (uint i_ = 0u; i_ < SPREAD; ++i_) { \
    const uint e_ = gl_SubgroupInvocationID + LANES * i_; \
    m.v[i_] = buf[(at) + (e_ >> 4) * (stride) + (e_ & 15u)]; \
  }
#define STORE_C_SCRATCH(m, at, stride) \
  [[dont_unroll]] for (uint i_ = 0u; i_ < SPREAD; ++i_) { \
    const uint e_ = gl_SubgroupInvocationID + LANES * i_; \
    set_scratch_f((at) * 4u + (e_ >> 4) * (stride) * 4u + (e_ & 15u), m.v[i_]); \
  }
TileC MUL_ADD(TileA a, TileA b, TileC c) {
  [[dont_unroll]] for (uint i = 0u; i < SPREAD; ++i) {
    const uint e = gl_SubgroupInvocationID + LANES * i, row = e >> 4, col = e & 15u;
    float s = c.v[i];
    [[unroll]] for (uint k = 0u; k < 16u; ++k) s += float(operand(a, row, k)) * float(operand(b, k, col));
    c.v[i] = s;
  }
  return c;
}
TileC zero_c() {
  TileC c;
  [[dont_unroll]] for (uint i = 0u; i < SPREAD; ++i) c.v[i] = 0.0;
  return c;
}
#define ZERO_C zero_c()
// Each lane reads back from the staging tile exactly the elements it stored there, so no
// barrier is needed.
#define SUBGROUP_SYNC()
#define COLS_LOOP [[dont_unroll]]
#endif

uint padded(uint n) { return (n + 15u) & ~15u; }

// v into buffer b at element e: its high half, and split its low half.
void store_split(uint b, uint e, float v) {
  v = clamp(v, -HALF_MAX, HALF_MAX);
  act_hi[b * ROWS * STRIDE + e] = float16_t(v);
  if (SPLIT) {
    // v - fp16(v), with fp16(v) rounded in fp32 by its bits (to nearest even, 11 significant
    // bits). Written as v - float(float16_t(v)), on the H200 it evidently came out 0: fp16x3
    // was as far from fp32 as one product (5e-4), with the tensor cores or without; this way,
    // 7e-7. Below fp16's normal range the two roundings differ by at most 3e-8.
    const uint u = floatBitsToUint(v);
    const float hi = uintBitsToFloat((u + 0x0FFFu + ((u >> 13) & 1u)) & 0xFFFFE000u);
    act_lo[b * ROWS * STRIDE + e] = float16_t(clamp((v - hi) * LO_SCALE, -HALF_MAX, HALF_MAX));
  }
}

// The activation pixel r's neuron k has in buffer b, in fp32 (split: hi + lo / LO_SCALE).
float load_split(uint b, uint r, uint k) {
  const uint e = b * ROWS * STRIDE + r * STRIDE + k;
  float v = float(act_hi[e]);
  if (SPLIT) v += float(act_lo[e]) * (1.0 / LO_SCALE);
  return v;
}

// Layer l between hidden layers, direct: reads buffer `cur`, writes the other.
void hidden_direct(uint l, uint cur) {
  const uint KP = padded(p.layers[l].dims.x), NP = padded(p.layers[l].dims.y), code = p.layers[l].act.x;
  const uint hi_w = p.layers[l].act.y, lo_w = p.layers[l].act.z, bias = p.layers[l].act.w;
  const uint col_tiles = NP / 16u, col_groups = (col_tiles + COLS - 1u) / COLS;
  const uint in_base = cur * ROWS * STRIDE;  // (store_split finds the other buffer)
  for (uint job = gl_SubgroupID; job < RT * col_groups; job += gl_NumSubgroups) {
    const uint rt = job / col_groups, c0 = (job % col_groups) * COLS;
    const uint a_at = rt * 16u * STRIDE;
    TILE_C sum[COLS], sum_lo[COLS];
    COLS_LOOP for (uint c = 0; c < COLS; ++c) {
      sum_lo[c] = ZERO_C;
      if (c0 + c < col_tiles) LOAD_C(sum[c], bias_rows, bias + (c0 + c) * 16u, NP);
    }
    for (uint k0 = 0; k0 < KP; k0 += 16u) {
      TILE_A a, a_lo;
      LOAD_A(a, act_hi, in_base + a_at + k0, STRIDE);
      if (SPLIT) LOAD_A(a_lo, act_lo, in_base + a_at + k0, STRIDE);
      COLS_LOOP for (uint c = 0; c < COLS; ++c) {
        if (c0 + c >= col_tiles) continue;
        const uint b_at = k0 * NP + (c0 + c) * 16u;
        TILE_A b;
        LOAD_A(b, halves, hi_w + b_at, NP);
        sum[c] = MUL_ADD(a, b, sum[c]);
        if (SPLIT) {
          TILE_A b_lo;
          LOAD_A(b_lo, halves, lo_w + b_at, NP);
          sum_lo[c] = MUL_ADD(a_lo, b, sum_lo[c]);
          sum_lo[c] = MUL_ADD(a, b_lo, sum_lo[c]);
        }
      }
    }
    // Each sum tile through the subgroup's staging tile: its lanes add the low sum, apply
    // the activation and write the result as fp16 (split: high and low halves).
    const uint s_at = gl_SubgroupID * 512u;
    COLS_LOOP for (uint c = 0; c < COLS; ++c) {
      if (c0 + c >= col_tiles) continue;
      STORE_C_SCRATCH(sum[c], s_at / 4u, 4u);
      if (SPLIT) STORE_C_SCRATCH(sum_lo[c], (s_at + 256u) / 4u, 4u);
      SUBGROUP_SYNC();
      for (uint e = gl_SubgroupInvocationID; e < 256u; e += gl_SubgroupSize) {
        float v = scratch_f(s_at + e);
        if (SPLIT) v += scratch_f(s_at + 256u + e) * (1.0 / LO_SCALE);
        store_split(1u - cur, a_at + (e >> 4) * STRIDE + (c0 + c) * 16u + (e & 15u), activate(code, v));
      }
      SUBGROUP_SYNC();
    }
  }
}

// Layer l between hidden layers, staged: buffer 0 in place.
void hidden_staged(uint l) {
  const uint KP = padded(p.layers[l].dims.x), NP = padded(p.layers[l].dims.y), code = p.layers[l].act.x;
  const uint words = p.layers[l].act.y / 8u, bias = p.layers[l].act.w;  // the high halves, then the low
  const uint col_tiles = NP / 16u, row_words = NP / 8u, stage_row = row_words + 1u;  // (1 word of padding a row)
  // The walk: the high weights' rows, then (split) the low weights', KC tiles of 16 rows a chunk.
  const uint k_tiles = KP / 16u, tiles = SPLIT ? 2u * k_tiles : k_tiles, chunks = (tiles + KC - 1u) / KC;
  const uint chunk_words = KC * 16u * row_words, all_words = tiles * 16u * row_words;
  const uint g = gl_SubgroupID, G = gl_NumSubgroups, t = gl_LocalInvocationIndex;

  uvec4 next[PRE];  // this invocation's words of the next chunk
  [[unroll]] for (uint q = 0; q < PRE; ++q) {
    const uint e = t + q * T;
    if (e < min(chunk_words, all_words)) next[q] = half_words[words + e];
  }
  TILE_C sum[OWN], sum_lo[SPLIT ? OWN : 1u];
  COLS_LOOP for (uint j = 0; j < MC; ++j) {
    const uint ct = g + j * G;
    if (ct >= col_tiles) continue;
    COLS_LOOP for (uint i = 0; i < RT; ++i) {
      LOAD_C(sum[i * MC + j], bias_rows, bias + ct * 16u, NP);
      if (SPLIT) sum_lo[i * MC + j] = ZERO_C;
    }
  }
  for (uint c = 0; c < chunks; ++c) {
    const uint c_words = min(chunk_words, all_words - c * chunk_words);
    barrier();  // the last chunk's products (or the last layer's writes) are done
    [[unroll]] for (uint q = 0; q < PRE; ++q) {
      const uint e = t + q * T;
      if (e < c_words) scratch[(e / row_words) * stage_row + e % row_words] = next[q];
    }
    barrier();
    if (c + 1u < chunks) {  // (in flight while the tiles multiply)
      [[unroll]] for (uint q = 0; q < PRE; ++q) {
        const uint e = t + q * T;
        if (e < min(chunk_words, all_words - (c + 1u) * chunk_words)) next[q] = half_words[words + (c + 1u) * chunk_words + e];
      }
    }
    for (uint kc = 0; kc < KC; ++kc) {
      const uint tile = c * KC + kc;  // of the walk
      if (tile >= tiles) break;
      const bool low_weights = tile >= k_tiles;
      const uint k0 = (low_weights ? tile - k_tiles : tile) * 16u;
      TILE_A a[RT], a_lo[SPLIT ? RT : 1u];
      COLS_LOOP for (uint i = 0; i < RT; ++i) {
        LOAD_A(a[i], act_hi, i * 16u * STRIDE + k0, STRIDE);
        if (SPLIT && !low_weights) LOAD_A(a_lo[i], act_lo, i * 16u * STRIDE + k0, STRIDE);
      }
      COLS_LOOP for (uint j = 0; j < MC; ++j) {
        const uint ct = g + j * G;
        if (ct >= col_tiles) continue;
        TILE_A b;
        LOAD_A_SCRATCH(b, kc * 16u * stage_row + ct * 2u, stage_row);
        COLS_LOOP for (uint i = 0; i < RT; ++i) {
          if (!low_weights) {
            sum[i * MC + j] = MUL_ADD(a[i], b, sum[i * MC + j]);
            if (SPLIT) sum_lo[i * MC + j] = MUL_ADD(a_lo[i], b, sum_lo[i * MC + j]);
          } else {
            sum_lo[i * MC + j] = MUL_ADD(a[i], b, sum_lo[i * MC + j]);
          }
        }
      }
    }
  }
  barrier();  // no activation of this layer is read again

  // Each sum tile through the subgroup's staging tile (256 floats at g * 256; split, the low
  // sum after the high one), activated, over its inputs.
  const uint s_at = g * 256u;
  COLS_LOOP for (uint j = 0; j < MC; ++j) {
    const uint ct = g + j * G;
    if (ct >= col_tiles) continue;
    COLS_LOOP for (uint i = 0; i < RT; ++i) {
      float v[256u / LANES];
      STORE_C_SCRATCH(sum[i * MC + j], s_at / 4u, 4u);
      SUBGROUP_SYNC();
      for (uint q = 0; q < 256u / LANES; ++q) v[q] = scratch_f(s_at + gl_SubgroupInvocationID + q * LANES);
      if (SPLIT) {
        SUBGROUP_SYNC();
        STORE_C_SCRATCH(sum_lo[i * MC + j], s_at / 4u, 4u);
        SUBGROUP_SYNC();
        for (uint q = 0; q < 256u / LANES; ++q) v[q] += scratch_f(s_at + gl_SubgroupInvocationID + q * LANES) * (1.0 / LO_SCALE);
      }
      for (uint q = 0; q < 256u / LANES; ++q) {
        const uint e = gl_SubgroupInvocationID + q * LANES;
        store_split(0u, (i * 16u + (e >> 4)) * STRIDE + ct * 16u + (e & 15u), activate(code, v[q]));
      }
      SUBGROUP_SYNC();
    }
  }
}

void main() {
  const uint t = gl_LocalInvocationIndex;
  const uint total = p.size.x * p.size.y;
  const uint block = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first = block * ROWS;
  if (first >= total) return;  // the whole workgroup: barriers and subgroups stay uniform
  const uint n_in = p.size.w, layers = p.size.z;

  for (uint r = t; r < ROWS; r += T) {
    const uint pixel = min(first + r, total - 1u);
    const vec2 c = pixel_centre(pixel % p.size.x, pixel / p.size.x);
    for (uint i = 0; i < 8u; ++i)
      set_scratch_f(r * 8u + i, i < n_in ? (raw_feature(p.features[i >> 2][i & 3u], c.x, c.y) - p.feature_offset[i >> 2][i & 3u]) *
                                               p.feature_scale[i >> 2][i & 3u]
                                         : 0.0);
  }
  barrier();

  // The first layer, in fp32, into buffer 0 (the padding's neurons as 0).
  {
    const uint N = p.layers[0].dims.y, NP = padded(N), wo = p.layers[0].dims.z, bo = p.layers[0].dims.w, code = p.layers[0].act.x;
    for (uint e = t; e < ROWS * NP; e += T) {
      const uint r = e / NP, n = e % NP;
      float v = 0.0;
      if (n < N) {
        float s = weight(bo + n);
        for (uint i = 0; i < n_in; ++i) s += weight(wo + n * n_in + i) * scratch_f(r * 8u + i);
        v = activate(code, s);
      }
      store_split(0u, r * STRIDE + n, v);
    }
  }
  barrier();

  // Between hidden layers: tiles of 16 x 16 on the tensor cores.
  uint cur = 0u;
  for (uint l = 1u; l + 1u < layers; ++l) {
    if (STAGED) {
      hidden_staged(l);
    } else {
      hidden_direct(l, cur);
      cur = 1u - cur;
    }
    barrier();
  }

  // The output layer, in fp32: each pixel's sums split over L invocations (inputs j, j + L, ...),
  // added in scratch by the first of them, which writes the pixel.
  const uint l = layers - 1u;
  const uint K = p.layers[l].dims.x, N = p.layers[l].dims.y, wo = p.layers[l].dims.z, bo = p.layers[l].dims.w, code = p.layers[l].act.x;
  const uint channels = p.mode.y;
  const uint L = max(T / ROWS, 1u), PER_PASS = T / L;  // (PER_PASS >= ROWS when ROWS < T)
  const uint j = t % L;
  const uint OUT_PASS = SCRATCH * 4u / T;  // outputs whose partial sums scratch holds at once
  for (uint r0 = 0; r0 < ROWS; r0 += PER_PASS) {
    const uint r = r0 + t / L;
    const bool mine = r < ROWS && first + r < total;
    float z[FIELD_COOP_MAX_OUTPUTS];
    for (uint n0 = 0; n0 < N; n0 += OUT_PASS) {
      const uint n1 = min(n0 + OUT_PASS, N);
      for (uint n = n0; n < n1; ++n) {
        float s = 0.0;
        if (mine)
          for (uint k = j; k < K; k += L) s += weight(wo + n * K + k) * load_split(cur, r, k);
        set_scratch_f((n - n0) * T + t, s);
      }
      barrier();
      if (mine && j == 0u)
        for (uint n = n0; n < n1; ++n) {
          float sum_n = weight(bo + n);
          for (uint i = 0; i < L; ++i) sum_n += scratch_f((n - n0) * T + t + i);
          z[n] = sum_n;
        }
      barrier();
    }
    if (!mine || j != 0u) continue;
    const uint base = (first + r) * channels;
    if (code == FIELD_ACT_SOFTMAX) {
      float m = -3.0e38;
      for (uint n = 0; n < N; ++n) m = max(m, z[n]);
      float total_e = 0.0;
      for (uint n = 0; n < N; ++n) total_e += exp(z[n] - m);
      for (uint n = 0; n < N; ++n) field[base + n] = exp(z[n] - m) / total_e;
    } else {
      for (uint n = 0; n < N; ++n) field[base + n] = activate(code, z[n]);
    }
  }
}
