// SPDX-License-Identifier: MIT
// DejaVu Sans (regular and bold) built into the binary as the fallback when the font files
// are missing at run time. NNLIVE_FONT_REGULAR/BOLD are paths set by src/render/CMakeLists.txt.
asm(".section .rodata\n"
    ".global nnlive_font_regular\n"
    "nnlive_font_regular:\n"
    ".incbin \"" NNLIVE_FONT_REGULAR "\"\n"
    ".global nnlive_font_regular_end\n"
    "nnlive_font_regular_end:\n"
    ".global nnlive_font_bold\n"
    "nnlive_font_bold:\n"
    ".incbin \"" NNLIVE_FONT_BOLD "\"\n"
    ".global nnlive_font_bold_end\n"
    "nnlive_font_bold_end:\n"
    ".byte 0\n"
    ".previous\n");
