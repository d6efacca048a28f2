#!/bin/sh
# sdl_window.sh CINDER WORKDIR
#
# The SDL window on a virtual X server (Debian's xvfb), with Debian's SeaBIOS
# as the guest, in real time (the boot menu's wait is host time):
#  - a headless run gives the reference screen size;
#  - `cinder -display sdl -screendump` opens a window of the guest's size,
#    and SIGTERM ends it with status 0 and the screendump written;
#  - with xwd (x11-apps): the window's pixels, captured by the X server,
#    match the screendump (except the blinking cursor's character cell);
#  - with xdotool: Escape typed into the window reaches the guest (SeaBIOS
#    opens its boot menu, seen in the -screendump-text dump on SIGUSR1);
#    a click grabs the mouse (title says so) and Ctrl+Alt+G releases it;
#    Ctrl+Alt+P pauses and resumes (title); Ctrl+Alt+S writes
#    cinder-screenshot-1.png; Ctrl+Alt+Q quits (status 0); keys typed into
#    the window reach a guest that echoes the 8042's bytes, exactly.
# Skipped (77) without xvfb-run, python3 or SeaBIOS.
set -u
cinder=$1
work=$2
src=$(cd "$(dirname "$0")" && pwd)
bios=/usr/share/seabios/bios.bin
for tool in xvfb-run python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool not found (install Debian's xvfb and python3)"
        exit 77
    fi
done
if [ ! -f "$bios" ]; then
    echo "SKIP: $bios not found (install Debian's seabios package)"
    exit 77
fi
if [ -z "${CINDER_IN_XVFB:-}" ]; then
    mkdir -p "$work"
    rm -rf "$work"/*
    # Sanitizer builds: SDL_Quit unloads the X11/GL libraries SDL dlopen()ed,
    # so LeakSanitizer sees their never-freed allocations as "unknown module"
    # and no suppression can name them: leak checking is off for these runs
    # (Cinder's own code is leak-checked by every headless test).
    ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export ASAN_OPTIONS
    CINDER_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x1024x24" sh "$0" "$@"
fi

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
have_xdotool=0
command -v xdotool >/dev/null 2>&1 && have_xdotool=1
have_xwd=0
command -v xwd >/dev/null 2>&1 && have_xwd=1
guest="-m 32M -boot menu=on,splash-time=60000"

# wait_for CMD...: retry CMD every 0.1 s for up to 60 s; its status.
wait_for() {
    i=0
    while [ $i -lt 600 ]; do
        "$@" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# usr1_ready PID: Cinder has installed its SIGUSR1 handler (before that the
# signal's default action would kill it): bit 9 of SigCgt in /proc.
usr1_ready() {
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && [ $((0x$mask & 0x200)) -ne 0 ]
}
window_id() { xdotool search --name '^Cinder - ' 2>/dev/null | head -n 1; }
have_window() { [ -n "$(window_id)" ]; }
title_has() { xdotool getwindowname "$win" 2>/dev/null | grep -q -- "$1"; }
title_lacks() { ! title_has "$1"; }
menu_shown() {
    kill -USR1 $pid
    sleep 0.3
    grep -q "Select boot device" "$work/sdl.txt" 2>/dev/null
}

# 1. Reference: the same guest headless, up to its boot menu prompt.
(cd "$work" && exec "$cinder" -display none $guest -screendump "$work/headless.png" \
    -screendump-text "$work/headless.txt" >"$work/headless.out" 2>"$work/headless.err" \
    </dev/null) &
pid=$!
prompt_shown() {
    usr1_ready $pid || return 1
    kill -USR1 $pid
    sleep 0.3
    grep -q "Press ESC for boot menu" "$work/headless.txt" 2>/dev/null
}
wait_for prompt_shown || fail "headless: SeaBIOS showed no boot menu prompt"
kill -TERM $pid
wait $pid
ref=$(python3 "$src/png_check.py" "$work/headless.png") || fail "headless screendump is not a PNG"
echo "headless screen: $ref"

# 2. The window.
(cd "$work" && exec "$cinder" -display sdl $guest -screendump "$work/sdl.png" \
    -screendump-text "$work/sdl.txt" >"$work/sdl.out" 2>"$work/sdl.err" </dev/null) &
pid=$!
if [ $have_xdotool -eq 1 ]; then
    wait_for have_window || fail "no window titled 'Cinder - ...' appeared"
    win=$(window_id)
    echo "window $win: $(xdotool getwindowname "$win")"
    # The guest must come up to its boot menu prompt first.
    sleep 2
    xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
    i=0
    until menu_shown; do
        i=$((i + 1))
        [ $i -ge 150 ] && break
        xdotool key Escape
    done
    grep -q "Select boot device" "$work/sdl.txt" 2>/dev/null ||
        fail "Escape typed into the window did not open SeaBIOS's boot menu"
    sleep 1
else
    echo "note: no xdotool, input checks skipped"
    sleep 4
fi
if [ $have_xwd -eq 1 ] && [ $have_xdotool -eq 1 ]; then
    kill -USR1 $pid
    xwd -id "$win" -silent >"$work/window.xwd" || fail "xwd could not capture the window"
    sleep 0.5
    python3 "$src/xwd_match.py" "$work/window.xwd" "$work/sdl.png" 9 16 ||
        fail "the window does not show the screendump"
fi
if [ $have_xdotool -eq 1 ]; then
    xdotool mousemove --window "$win" 100 100 click 1
    wait_for title_has "Ctrl+Alt+G releases the mouse" || fail "a click did not grab the mouse"
    xdotool key ctrl+alt+g
    wait_for title_lacks "Ctrl+Alt+G" || fail "Ctrl+Alt+G did not release the mouse"
    xdotool key ctrl+alt+p
    wait_for title_has "^Cinder - paused - " || fail "Ctrl+Alt+P did not pause"
    xdotool key ctrl+alt+p
    wait_for title_has "^Cinder - running - " || fail "Ctrl+Alt+P did not resume"
    xdotool key ctrl+alt+s
    wait_for test -s "$work/cinder-screenshot-1.png" || fail "Ctrl+Alt+S wrote no screenshot"
    grep -q "screenshot cinder-screenshot-1.png" "$work/sdl.err" ||
        fail "Ctrl+Alt+S: file name not printed"
fi
kill -TERM $pid
wait $pid
st=$?
[ $st -eq 0 ] || fail "SIGTERM: status $st, expected 0 ($(head -c 300 "$work/sdl.err"))"
got=$(python3 "$src/png_check.py" "$work/sdl.png") || fail "-display sdl: no valid screendump"
[ "$got" = "$ref" ] || fail "-display sdl screendump is $got, headless $ref"
grep -q "SeaBIOS" "$work/sdl.txt" || fail "text dump lacks SeaBIOS"
[ -f "$work/cinder-screenshot-1.png" ] && { python3 "$src/png_check.py" \
    "$work/cinder-screenshot-1.png" >/dev/null || fail "Ctrl+Alt+S screenshot is not a PNG"; }

# 3. Ctrl+Alt+Q quits cleanly, writing the screendump.
if [ $have_xdotool -eq 1 ]; then
    (cd "$work" && exec "$cinder" -display sdl,zoom-to-fit=off $guest \
        -screendump "$work/quit.png" >"$work/quit.out" 2>"$work/quit.err" </dev/null) &
    pid=$!
    wait_for have_window || fail "second run: no window"
    win=$(window_id)
    xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
    xdotool key ctrl+alt+q
    i=0
    while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 $pid 2>/dev/null; then
        fail "Ctrl+Alt+Q did not quit"
        kill -TERM $pid
    fi
    wait $pid
    st=$?
    [ $st -eq 0 ] || fail "Ctrl+Alt+Q: status $st, expected 0"
    python3 "$src/png_check.py" "$work/quit.png" >/dev/null || fail "Ctrl+Alt+Q: no screendump"
fi

# 4. Keys typed into the window reach the guest as the right set-2 bytes: a
#    multiboot kernel (made here) copies every byte of the 8042's output
#    buffer to the debug console.  With -kernel no firmware runs, so the 8042
#    does not translate and the window is the blank 640x480.
if [ $have_xdotool -eq 1 ]; then
    python3 - "$work/echo.krn" <<'PY'
import struct, sys
base, flags = 0x100000, 0x00010000
# poll: in al,0x64 / test al,1 / jz poll / in al,0x60 / out 0xE9,al / jmp poll
body = bytes([0xE4, 0x64, 0xA8, 0x01, 0x74, 0xFA, 0xE4, 0x60, 0xE6, 0xE9, 0xEB, 0xF4])
hdr = struct.pack("<8I", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF,
                  base, base, base + 32 + len(body), base + 0x2000, base + 32)
open(sys.argv[1], "wb").write(hdr + body)
PY
    (cd "$work" && exec "$cinder" -display sdl -kernel "$work/echo.krn" \
        -debugcon file:"$work/keys.bin" -screendump "$work/keys.png" \
        >"$work/keys.out" 2>"$work/keys.err" </dev/null) &
    pid=$!
    wait_for have_window || fail "echo guest: no window"
    win=$(window_id)
    xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
    # xdotool releases a chord's keys in the order it pressed them, so
    # Ctrl+Pause and Alt+Print Screen also check that a release matches
    # its press after the modifier is up.
    for k in a Right KP_Enter super Menu Print Pause ctrl+Pause alt+Print; do
        xdotool key $k
        sleep 0.1
    done
    want="1c f0 1c e0 74 e0 f0 74 e0 5a e0 f0 5a e0 1f e0 f0 1f e0 2f e0 f0 2f"
    want="$want e0 12 e0 7c e0 f0 7c e0 f0 12 e1 14 77 e1 f0 14 f0 77"
    want="$want 14 e0 7e e0 f0 7e f0 14 11 84 f0 11 f0 84"
    sleep 2 # the debug console file is flushed at exit: let the guest catch up first
    kill -TERM $pid
    wait $pid
    got=$(od -An -v -tx1 "$work/keys.bin" 2>/dev/null | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
    [ "$got" = "$want" ] || fail "keys: got '$got', want '$want'"
    got=$(python3 "$src/png_check.py" "$work/keys.png") || fail "echo guest: no screendump"
    [ "$got" = "640x480" ] || fail "echo guest (no VGA BIOS run): screen $got, expected 640x480"
fi

if [ $fails -ne 0 ]; then
    for f in headless sdl quit keys; do
        [ -s "$work/$f.err" ] && { echo "--- $f.err"; head -20 "$work/$f.err"; }
    done
    exit 1
fi
echo "ok: SDL window"
exit 0
