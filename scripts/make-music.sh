#!/usr/bin/env bash
# Makes the queue and hold music the server plays (crates/hovor-server/assets/voice/*.opus): two eight-second
# arpeggios, 48 kHz mono, Opus at 24 kbit/s in 20 ms packets. Needs sox and opus-tools (Debian packages);
# the files are committed, so neither the build nor the tests run this.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Half-second notes with a soft fade, joined into one tune. Their frequencies stay clear of the tones
# the voice journeys give each party (440, 660, 880 and 1100 Hz), so a test can tell music from a voice.
tune() {
  local out=$1 i=0 parts=()
  shift
  for hz in "$@"; do
    sox -n -r 48000 -c 1 -b 16 "$work/n$i.wav" synth 0.5 sine "$hz" fade q 0.03 0.5 0.15 vol 0.3
    parts+=("$work/n$i.wav")
    i=$((i + 1))
  done
  sox "${parts[@]}" "$work/$out.wav"
  opusenc --quiet --bitrate 24 --framesize 20 --comp 10 --title "Hovor $out music" \
    "$work/$out.wav" "crates/hovor-server/assets/voice/$out.opus"
}

tune queue 262 330 392 330 262 330 392 523 392 330 262 196 262 330 392 330
tune hold 294 370 494 370 294 370 494 587 494 370 294 220 294 370 494 370
