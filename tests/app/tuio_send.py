#!/usr/bin/python3
# A stand-in touch table: sends TUIO 1.1 cursor frames (/tuio/2Dcur OSC bundles: alive, set,
# fseq) over UDP to localhost. Gestures are given as arguments, in TUIO coordinates (0..1):
#   tap X Y            a finger down and up at once
#   hold X Y SECONDS   a finger held still
#   drag X0 Y0 X1 Y1   a finger moving from one place to another over 0.5 s
#   pinch X Y D0 D1    two fingers about (X, Y), their distance going from D0 to D1 over 0.5 s
#   taps X0 Y0 X1 Y1   two fingers down and up together without moving (two people's taps)
#   pan2 X Y DX DY     two fingers about (X, Y) moving together by (DX, DY) over 0.5 s
#   wait SECONDS
# Usage: tuio_send.py PORT GESTURE [ARGS] [GESTURE [ARGS] ...]
import socket
import struct
import sys
import time

port = int(sys.argv[1])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
seq = 0
next_id = 100


def pad(s):
    b = s.encode() + b"\0"
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def message(*args):
    types = ","
    body = b""
    for a in args:
        if isinstance(a, str):
            types += "s"
            body += pad(a)
        elif isinstance(a, int):
            types += "i"
            body += struct.pack(">i", a)
        else:
            types += "f"
            body += struct.pack(">f", a)
    return pad("/tuio/2Dcur") + pad(types) + body


def frame(cursors):
    """cursors: {id: (x, y)} on the surface now."""
    global seq
    seq += 1
    parts = [message("alive", *cursors.keys())]
    parts += [message("set", i, float(x), float(y), 0.0, 0.0, 0.0) for i, (x, y) in cursors.items()]
    parts.append(message("fseq", seq))
    packet = pad("#bundle") + struct.pack(">II", 0, 1)
    for p in parts:
        packet += struct.pack(">i", len(p)) + p
    sock.sendto(packet, ("127.0.0.1", port))
    time.sleep(1 / 60)


def new_id():
    global next_id
    next_id += 1
    return next_id


args = sys.argv[2:]
while args:
    g = args.pop(0)
    if g == "tap":
        x, y = float(args.pop(0)), float(args.pop(0))
        i = new_id()
        frame({i: (x, y)})
        frame({i: (x, y)})
        frame({})
    elif g == "taps":  # two people tapping at the same moment
        x0, y0, x1, y1 = (float(args.pop(0)) for _ in range(4))
        a, b = new_id(), new_id()
        frame({a: (x0, y0), b: (x1, y1)})
        frame({a: (x0, y0), b: (x1, y1)})
        frame({})
    elif g == "pan2":  # two fingers side by side moving together
        x, y, dx, dy = (float(args.pop(0)) for _ in range(4))
        a, b = new_id(), new_id()
        for k in range(31):
            u = k / 30
            frame({a: (x - 0.02 + dx * u, y + dy * u), b: (x + 0.02 + dx * u, y + dy * u)})
        frame({})
    elif g == "hold":
        x, y, s = float(args.pop(0)), float(args.pop(0)), float(args.pop(0))
        i = new_id()
        end = time.time() + s
        while time.time() < end:
            frame({i: (x, y)})
        frame({})
    elif g == "drag":
        x0, y0, x1, y1 = (float(args.pop(0)) for _ in range(4))
        i = new_id()
        for k in range(31):
            u = k / 30
            frame({i: (x0 + (x1 - x0) * u, y0 + (y1 - y0) * u)})
        frame({})
    elif g == "pinch":
        x, y, d0, d1 = (float(args.pop(0)) for _ in range(4))
        a, b = new_id(), new_id()
        for k in range(31):
            d = d0 + (d1 - d0) * k / 30
            frame({a: (x - d / 2, y), b: (x + d / 2, y)})
        frame({})
    elif g == "wait":
        time.sleep(float(args.pop(0)))
    else:
        sys.exit("unknown gesture " + g)
    frame({})
