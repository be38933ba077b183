#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those not yet installed (idempotent).
set -euo pipefail
packages=(
  # native build of the OpenCV shim
  cmake g++ pkg-config libopencv-dev
  # media: test clips, the decode benchmark peer, the RTSP test server
  ffmpeg gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # model tooling (train, export, test models)
  python3-torch python3-torchvision python3-onnx python3-opencv python3-numpy
  # cluster engine
  redis-server
  # the MQTT sink's tests start their own broker (never the system service)
  mosquitto
  # npm fetches the ONNX Runtime native library
  nodejs npm
  # the dashboard's real-browser test (Playwright drives it; it never downloads its own browsers)
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from a non-Debian Node install; accept any working npm.
if command -v npm >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: Debian packages present"
  exit 0
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
# The MQTT sink's tests run their own broker on a free port; the Debian package also installs a system service on
# 1883, which nothing here uses: stop and disable it where an init system started it.
if [[ " ${missing[*]} " == *" mosquitto "* ]]; then
  if [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    $sudo service mosquitto stop >/dev/null 2>&1 || true
    $sudo update-rc.d mosquitto disable >/dev/null 2>&1 || true
  fi
fi
