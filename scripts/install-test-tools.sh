#!/usr/bin/env bash
# Installs the real programs the test suite drives, from Debian's packages, when missing:
# Chromium (site tests), Hugo and Jekyll (proof that they read our posts), nginx (the image
# proxy's documented front server), and a CJK font (fonts-noto-cjk) so that browser
# screenshots show Chinese text, not empty boxes. Best effort: without root or apt the
# tests that need a tool skip and say why.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v hugo >/dev/null 2>&1 || need+=(hugo)
command -v jekyll >/dev/null 2>&1 || need+=(jekyll)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  need+=(fonts-noto-cjk)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not root or no apt-get: tests needing ${need[*]} will skip" >&2
  exit 0
fi
echo "installing ${need[*]} from Debian for the test suite" >&2
apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 \
  || echo "could not install ${need[*]}: tests needing them will skip" >&2
exit 0
