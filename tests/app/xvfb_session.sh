# Sourced by the window tests: a private working folder and XDG_RUNTIME_DIR, an Xvfb display
# (1280x720) on a display number the server picks, cleanup of the app and the server on exit, and
# fail() that prints the app's log, start_window, read_report and quit_app. Sets work, display,
# xvfb_pid and app_pid.
work="$(mktemp -d)"
export XDG_RUNTIME_DIR="$work/xdg"
mkdir -m 700 "$XDG_RUNTIME_DIR"
cd "$work"
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  # NNLIVE_TEST_KEEP=1 keeps the folder (the app's log, a core file) for a post-mortem.
  if [ -n "${NNLIVE_TEST_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- app log"; cat app.log 2>/dev/null || true; exit 1; }

# The server picks a free display itself (-displayfd: it takes the display's lock atomically and
# writes the number it got), so tests running side by side never share a server and never
# drive each other's windows.
Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp 3>display.txt >xvfb.log 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s display.txt ] && break; sleep 0.1; done
[ -s display.txt ] || { echo "FAIL: Xvfb did not start: $(cat xvfb.log)"; exit 1; }
display=":$(head -n 1 display.txt)"
export DISPLAY="$display"
for _ in $(seq 100); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# A UDP port free on loopback now (for the app's TUIO listener).
free_udp_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_window SECONDS ARGS...: starts the app ($bin with ARGS, the validation layer on, output
# in app.log), waits for its window, lets it settle SECONDS and gives it the focus; sets app_pid
# and wid.
start_window() {
  local settle="$1"
  shift
  NNLIVE_VALIDATION=1 "$bin" "$@" >app.log 2>&1 &
  app_pid=$!
  wid="$(timeout 60 xdotool search --sync --onlyvisible --classname '^nnlive$' | head -1)" || fail "no window appeared"
  sleep "$settle"
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
}

# The session report the app printed on closing (app.log), and from it the frames presented
# and those presented while the field was still refining; $1 names the case in messages.
read_report() {
  report="$(grep "frames in" app.log)" || fail "no session report${1:+ ($1)}"
  frames=$(sed -n 's/.*nnlive: \([0-9]*\) frames in .*/\1/p' <<<"$report")
  refining=$(sed -n 's/.*: \([0-9]*\) frames presented while it was refining.*/\1/p' <<<"$report")
  [ -n "$refining" ] || fail "the report does not count frames presented while the field was refining${1:+ ($1)}"
}

# Ctrl+Q to the app (started in the background as $app_pid); fails unless it exits with code 0.
# $1 names the case in the message.
quit_app() {
  xdotool key ctrl+q
  local code=0
  wait "$app_pid" || code=$?
  app_pid=""
  [ "$code" = "0" ] || fail "Ctrl+Q exited with code $code${1:+ ($1)}"
}
