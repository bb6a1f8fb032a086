# nnlive_embed_files(<out.cpp> <function> <files...>): generates a C++ file defining
# `std::span<const nnlive::embedded::File> nnlive::embedded::<function>()` with each file's
# base name and bytes, regenerated whenever a file changes.
function(nnlive_embed_files out_cpp function)
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DFUNCTION=${function} "-DFILES=${ARGN}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${function}"
    VERBATIM)
endfunction()
