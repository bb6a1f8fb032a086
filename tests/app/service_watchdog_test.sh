#!/usr/bin/env bash
# The window under a service manager, as an exhibit's systemd unit runs it (Type=notify,
# WatchdogSec): a stand-in for systemd listens on NOTIFY_SOCKET and records what the app sends.
#  1. A healthy run sends READY=1 once frames are presented, WATCHDOG=1 every third of the
#     interval, STOPPING=1 at the end, and exits 0.
#  2. A frame loop that stops for good (NNLIVE_FAULT=hang-frame) ends the process with code 9
#     and one sentence, at 3/4 of the watchdog interval, before systemd's own kill.
#  3. A lost GPU (NNLIVE_FAULT=device-lost) ends it with code 8 and one sentence.
#  4. Without systemd, --hang-exit sets the hang check.
set -euo pipefail
bin="$1"
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_session.sh"

listen() {  # $1: socket path, $2: log file; records each datagram on its own line
  /usr/bin/python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode().replace("\n", "|") + "\n")
PY
  listener_pid=$!
  for _ in $(seq 50); do [ -S "$1" ] && return; sleep 0.1; done
  fail "the notify listener did not start"
}

# 1. Healthy: 3 s watchdog interval, pings at least every second.
listen "$work/notify1" notify1.log
NOTIFY_SOCKET="$work/notify1" WATCHDOG_USEC=3000000 NNLIVE_VALIDATION=1 "$bin" run --preset xor --quit-after 10 >app.log 2>&1 || fail "the healthy run exited with code $?"
sleep 0.5
kill "$listener_pid"
grep -q "^READY=1" notify1.log || fail "no READY=1 (got: $(cat notify1.log))"
pings=$(grep -c "^WATCHDOG=1" notify1.log || true)
[ "$pings" -ge 4 ] || fail "only $pings watchdog pings in 10 s at a 3 s interval (got: $(tr '\n' ' ' <notify1.log))"
tail -n 1 notify1.log | grep -q "^STOPPING=1" || fail "the last message is not STOPPING=1"
echo "healthy: READY=1, $pings pings, STOPPING=1"

# 2. Hung frame loop: 4 s interval -> the hang check fires after 3 s without a pass.
listen "$work/notify2" notify2.log
code=0
t0=$(date +%s)
NOTIFY_SOCKET="$work/notify2" WATCHDOG_USEC=4000000 NNLIVE_FAULT=hang-frame:4 timeout 120 "$bin" run --preset xor >app.log 2>&1 || code=$?
took=$(($(date +%s) - t0))
kill "$listener_pid"
[ "$code" = 9 ] || fail "a hung frame loop exited with code $code, not 9"
grep -q "has not come round for .* (hung); exiting with code 9" app.log || fail "no sentence about the hang"
grep -q "^READY=1" notify2.log || fail "no READY=1 before the hang"
echo "hung: exit 9 after $took s: $(grep hung app.log)"

# 3. Device lost.
code=0
NNLIVE_FAULT=device-lost:3 timeout 120 "$bin" run --preset xor >app.log 2>&1 || code=$?
[ "$code" = 8 ] || fail "a lost device exited with code $code, not 8"
grep -q "the GPU device was lost" app.log || fail "no sentence about the lost device"
echo "device lost: exit 8: $(grep 'device was lost' app.log)"

# 4. No systemd: --hang-exit alone.
code=0
NNLIVE_FAULT=hang-frame:3 timeout 120 "$bin" run --preset xor --hang-exit 2 >app.log 2>&1 || code=$?
[ "$code" = 9 ] || fail "--hang-exit 2 with a hung loop exited with code $code, not 9"
echo "service watchdog: passed"
