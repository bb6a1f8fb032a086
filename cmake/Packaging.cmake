# Install layout and the Debian package (CPack): `bash tools/package.sh` builds
# build/package/nnlive_<version>_amd64.deb. The binary carries its presets, lessons, shaders and a
# fallback font; the package adds the desktop entry, the icon, the exhibit's systemd user unit
# (installed disabled) and the README.
include(GNUInstallDirs)
install(TARGETS nnlive RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/nnlive.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/nnlive.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
# /usr/lib/systemd/user: where Debian's systemd looks for units that packages ship.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/nnlive-exhibit.service DESTINATION lib/systemd/user)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nnlive)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the nnlive authors")
set(CPACK_PACKAGE_CONTACT "the nnlive authors <nnlive@users.noreply.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "watch a neural network learn, live, on the GPU")
# The control file's long description (CPack indents its lines; the summary is the first line).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "nnlive trains a small multilayer perceptron on 2-D points and shows, every frame,
its decision field evaluated at every pixel, the points, the network with its forward and
backward pulses, and the loss curves. Presets and lessons reproduce convergence, a learning rate
too high, underfitting and overfitting; render and record write stills and frame-exact videos;
a systemd user unit runs it full screen and unattended for exhibits.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # nnlive_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries the binary links come from dpkg-shlibdeps; a Vulkan driver (Mesa's lavapipe runs
# anywhere) and the UI font are needed at run time too; ffmpeg only for `record`.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "mesa-vulkan-drivers | vulkan-icd, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ffmpeg")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "vulkan-validationlayers, xvfb")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
include(CPack)
