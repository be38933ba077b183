#!/usr/bin/env bash
# Places ONNX Runtime 1.30's native library in .native/, taken from the npm package onnxruntime-node@1.30.0
# (the only registry here that ships it). The tarball is verified against the SHA-512 committed beside this
# script before anything is extracted. Idempotent: does nothing when the library is already in place.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=1.30.0
native="$root/.native"
cache="$root/.cache"
lib="$native/libonnxruntime.so.1"
stamp="$native/onnxruntime.version"
if [ -f "$lib" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "setup: ONNX Runtime $version present"
  exit 0
fi
mkdir -p "$native" "$cache"
tgz="$cache/onnxruntime-node-$version.tgz"
expected=$(cat "$root/deploy/setup/onnxruntime-node-$version.tgz.sha512")
if [ ! -f "$tgz" ] || [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$expected" ]; then
  echo "setup: downloading onnxruntime-node@$version with npm pack"
  rm -f "$tgz"
  (cd "$cache" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
fi
actual=$(sha512sum "$tgz" | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
  echo "setup: checksum mismatch for $tgz" >&2
  echo "  expected $expected" >&2
  echo "  actual   $actual" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$cache" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
mv "$cache/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$lib"
rm -rf "$cache/package"
echo "$version" > "$stamp"
echo "setup: ONNX Runtime $version -> $lib"
