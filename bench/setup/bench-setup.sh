#!/usr/bin/env bash
# What `make bench` needs beyond `make setup`; idempotent and quick when everything is in place. Not needed by
# `make test`.
#  - python3-matplotlib (Debian) for the PNG plots;
#  - the Node peer: onnxruntime-node from its npm tarball (checked against the SHA-512 beside this script, cached in
#    .cache/), installed without its install scripts into bench/peers/node_modules (git-ignored) from the committed
#    package-lock.json. Only the bench needs it: the service runs ONNX Runtime from its NuGet package;
#  - a model: the shipped models/refinedet-lite-320.onnx (+ -fused.onnx) when present, else an untrained lite-320
#    pair exported with the project's own tools into .cache/bench-models (timing does not depend on weights).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
python=/usr/bin/python3
version=1.30.0

if ! dpkg-query -W -f='${Status}' python3-matplotlib 2>/dev/null | grep -q "install ok installed"; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bench-setup: installing python3-matplotlib"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends python3-matplotlib
fi

tgz="$root/.cache/onnxruntime-node-$version.tgz"
expected=$(cat "$root/bench/setup/onnxruntime-node-$version.tgz.sha512")
if [ ! -f "$tgz" ] || [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$expected" ]; then
  # Cached in .cache/ after the first bench; only the bench needs it (the service uses the NuGet package).
  echo "bench-setup: fetching onnxruntime-node@$version with npm pack"
  mkdir -p "$root/.cache" && rm -f "$tgz"
  (cd "$root/.cache" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
  [ "$(sha512sum "$tgz" | cut -d' ' -f1)" = "$expected" ] || { echo "bench-setup: checksum mismatch for $tgz" >&2; exit 1; }
fi

peers="$root/bench/peers"
stamp="$peers/node_modules/.installed-from.sha256"
lock=$(sha256sum "$peers/package-lock.json" | cut -d' ' -f1)
# Reinstall only when the committed lock changed since the last install (a stamp beside the modules).
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
  echo "bench-setup: installing the Node peer (npm ci --ignore-scripts)"
  (cd "$peers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock" > "$stamp"
fi

models="$root/.cache/bench-models"
if [ -f "$root/models/refinedet-lite-320.onnx" ] && [ -f "$root/models/refinedet-lite-320-fused.onnx" ]; then
  echo "bench-setup: using the shipped models/refinedet-lite-320.onnx"
elif [ ! -f "$models/refinedet-lite-320.onnx" ] || [ ! -f "$models/refinedet-lite-320-fused.onnx" ]; then
  echo "bench-setup: models/refinedet-lite-320.onnx missing; exporting an UNTRAINED lite-320 pair to $models"
  mkdir -p "$models"
  "$python" "$root/bench/setup/untrained_checkpoint.py" "$models/untrained-lite-320.pt"
  (cd "$root/tools" && "$python" -m refinedet.export "$models/untrained-lite-320.pt" --out "$models" --name refinedet-lite-320 --no-check)
fi
echo "bench-setup: ready"
