// SPDX-License-Identifier: MIT
// Structs and limits shared by the C++ field evaluator and shaders/field.comp (std140 layout).
// Compiled as C++ and as GLSL; the static_asserts keep the two views of the bytes equal.
#ifndef NNLIVE_GPU_FIELD_SHARED_H
#define NNLIVE_GPU_FIELD_SHARED_H

#define FIELD_MAX_LAYERS 9    // 8 hidden layers + the output layer
#define FIELD_UBO_VEC4S 4096  // weights in the uniform-buffer variant: 16384 floats = 64 KiB
#define FIELD_LOCAL_SIZE 8    // field.comp: a workgroup is 8 x 8 pixels
#define FIELD_TILED_INVOCATIONS 64     // field_tiled.comp: invocations per workgroup
#define FIELD_TILED_BLOCK_VALUES 4096  // field_tiled.comp: pixels per block x widest layer
#define FIELD_TILED_WEIGHT_ROWS 8      // field_tiled.comp: inputs per staged weight tile
#define FIELD_COOP_SUBGROUPS 4       // field_coop.comp: subgroups per workgroup
#define FIELD_COOP_COLS 4            // field_coop.comp: output tiles a subgroup sums at a time
#define FIELD_COOP_MAX_OUTPUTS 16    // field_coop.comp: the most outputs (k_fp16_max_outputs)
#define FIELD_COOP_EMULATED_LANES 8  // field_coop.comp emulated (tests): the subgroup size it is built for
#define FIELD_MODE_OUTPUT 0u  // write the network's outputs (K channels)
#define FIELD_MODE_NEURON 1u  // write one hidden neuron's activation (1 channel)
#define FIELD_MODE_HIDDEN 2u  // write every hidden neuron's activation (sum of hidden widths channels)

// Activation codes (nn::Activation; render/ asserts they agree).
#define FIELD_ACT_LINEAR 0u
#define FIELD_ACT_SIGMOID 1u
#define FIELD_ACT_TANH 2u
#define FIELD_ACT_RELU 3u
#define FIELD_ACT_LEAKY_RELU 4u
#define FIELD_ACT_GELU 5u
#define FIELD_ACT_SIN 6u
#define FIELD_ACT_SOFTMAX 7u

// Input feature codes (nn::Feature; render/ asserts they agree).
#define FIELD_FEATURE_X 0u
#define FIELD_FEATURE_Y 1u
#define FIELD_FEATURE_X2 2u
#define FIELD_FEATURE_Y2 3u
#define FIELD_FEATURE_XY 4u
#define FIELD_FEATURE_SIN_X 5u
#define FIELD_FEATURE_SIN_Y 6u

#ifdef __cplusplus
#include <cstdint>
namespace nnlive::gpu::shared {
using uint = uint32_t;
struct uvec4 { uint x, y, z, w; };
struct vec4 { float x, y, z, w; };
#endif

struct FieldLayer {
  uvec4 dims;  // x = inputs, y = outputs, z = weight offset, w = bias offset (floats into the weights)
  uvec4 act;   // x = activation code (nn::Activation); field_coop.comp: y, z = high and low
               // halves' offsets, w = the bias rows' offset (nnlive::gpu::Fp16Weights)
};

struct FieldParams {
  uvec4 size;            // x = width, y = height (pixels), z = layer count, w = input count
  uvec4 mode;            // x = FIELD_MODE_*, y = output channels, z = neuron's layer, w = neuron index
  vec4 view;             // x0, y0, x1, y1 in data units; row 0 is the top (y1)
  uvec4 features[2];     // feature codes (nn::Feature) of the inputs, in order
  vec4 feature_offset[2];  // input_i = (feature_i(x, y) - offset_i) * scale_i
  vec4 feature_scale[2];
  FieldLayer layers[FIELD_MAX_LAYERS];
};

#ifdef __cplusplus
static_assert(sizeof(FieldLayer) == 32, "FieldLayer must match std140");
static_assert(sizeof(FieldParams) == 16 * 9 + 32 * FIELD_MAX_LAYERS, "FieldParams must match std140");
}  // namespace nnlive::gpu::shared
#endif

#endif
