#!/usr/bin/env bash
# The .deb as an admin gets it: cpack -G DEB from the build directory, then
# dpkg -x into a scratch root (nothing touches this machine's system), its
# files and dependencies checked, and the installed binary run: --help and
# doctor on the installed config.
# usage: deb-package-test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(mktemp -d /tmp/mvdeb-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/pkg/mirrorvox_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$scratch/cpack.log"; fail "no mirrorvox_*.deb made"; }
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# Dependencies: Debian runtime packages (dpkg-shlibdeps), never -dev ones.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for want in pocketsphinx-en-us espeak-ng-data libboost-url1.81.0 libavcodec libspdlog libyaml-cpp \
            libsoxr libportaudio2 libwebrtc-audio-processing libflite1 libssl; do
  grep -q "$want" <<<"$depends" || fail "Depends lacks $want"
done
if grep -q -- '-dev' <<<"$depends"; then fail "Depends names a -dev package"; fi

dpkg-deb -e "$deb" "$scratch/control"
grep -qx /etc/mirrorvox/mirrorvox.yaml "$scratch/control/conffiles" || fail "config is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$scratch/control/$script" ] || fail "no executable $script"
done
grep -q 'systemd-sysusers\|adduser' "$scratch/control/postinst" || fail "postinst makes no user"

root="$scratch/root"
dpkg -x "$deb" "$root"
for f in usr/bin/mirrorvox etc/mirrorvox/mirrorvox.yaml usr/lib/systemd/system/mirrorvox.service \
         usr/lib/sysusers.d/mirrorvox.conf usr/share/mirrorvox/web/index.html \
         usr/share/mirrorvox/web/app.js usr/share/mirrorvox/mirrorvox.example.yaml \
         usr/share/doc/mirrorvox/README.md; do
  [ -f "$root/$f" ] || fail "missing /$f"
done
[ -x "$root/usr/bin/mirrorvox" ] || fail "/usr/bin/mirrorvox is not executable"
if find "$root" -name '*_tests' -o -name 'mirrorvox-fake-*' | grep -q .; then
  fail "test binaries in the package"
fi

unit="$root/usr/lib/systemd/system/mirrorvox.service"
for line in 'User=mirrorvox' 'ProtectSystem=strict' 'StateDirectory=mirrorvox' \
            'Restart=on-failure' 'KillSignal=SIGTERM' \
            'ExecStart=/usr/bin/mirrorvox serve -c /etc/mirrorvox/mirrorvox.yaml' \
            'WantedBy=multi-user.target'; do
  grep -qxF "$line" "$unit" || fail "unit lacks '$line'"
done
grep -q '^u mirrorvox ' "$root/usr/lib/sysusers.d/mirrorvox.conf" || fail "sysusers.d has no user"

bin="$root/usr/bin/mirrorvox"
help=$("$bin" --help)
for cmd in serve doctor transcribe say config client; do
  grep -q "^  $cmd" <<<"$help" || fail "--help lacks $cmd"
done

# doctor on the installed config; no LLM discovery (whatever runs here), some
# high port, the voice library in the scratch dir.
set +e
MIRRORVOX_LLM__DISCOVER=false MIRRORVOX_SERVER__PORT=$((20000 + RANDOM % 40000)) \
  MIRRORVOX_LIBRARY__DIR="$scratch/voices" \
  "$bin" doctor -c "$root/etc/mirrorvox/mirrorvox.yaml" >"$scratch/doctor.out" 2>"$scratch/doctor.err"
rc=$?
set -e
cat "$scratch/doctor.out"
for line in '✓ config valid' '✓ asr engine pocketsphinx loads' '✓ tts engine auto loads and speaks' \
            "✓ voice library folder $scratch/voices is writable" '✗ no language model'; do
  grep -qF "$line" "$scratch/doctor.out" || { cat "$scratch/doctor.err"; fail "doctor lacks '$line'"; }
done
[ "$rc" -eq 1 ] || fail "doctor exited $rc with a failed check"
echo "PASS"
