#!/usr/bin/env bash
# Validates docker-compose.yml with Debian's docker-compose (no Docker engine
# needed): `docker-compose config -q` parses it, checks it against the Compose
# schema and resolves the build context. Skips (exit 77) only when the binary
# is missing and EF_REQUIRE_COMPOSE is unset; ./dev test installs it and sets
# EF_REQUIRE_COMPOSE=1, so in CI it always runs.
set -euo pipefail
src=${1:?usage: compose_check.sh SOURCE_DIR [EVENTFABRIC_BINARY]}
bin=${2:-}
if ! command -v docker-compose >/dev/null; then
  if [[ -n "${EF_REQUIRE_COMPOSE:-}" ]]; then
    echo "FAIL: docker-compose is not installed (./dev setup installs the Debian package)" >&2
    exit 1
  fi
  echo "SKIP: docker-compose is not installed (./dev setup installs the Debian package docker-compose)"
  exit 77
fi
cd "$src"
docker-compose -f docker-compose.yml config -q
# The Dockerfile it builds from must exist, and the service must run `serve`.
config=$(docker-compose -f docker-compose.yml config)
grep -q 'dockerfile: Dockerfile' <<<"$config"
test -f Dockerfile
grep -q -- '- serve' <<<"$config"
# The runtime image must install every shared library the binary needs
# (beyond libc, libstdc++ and libgcc, which debian:12-slim has).
if [[ -n "$bin" ]] && command -v dpkg >/dev/null; then
  runtime=$(sed -n '/^FROM debian:12-slim/,$p' Dockerfile)
  for lib in $(ldd "$bin" | awk '/=>/ {print $3}'); do
    pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    case "$pkg" in "" | libc6 | libstdc++6 | libgcc-s1) continue ;; esac
    if ! grep -qw -- "$pkg" <<<"$runtime"; then
      echo "FAIL: the Dockerfile's runtime stage does not install $pkg (needed for $lib)" >&2
      exit 1
    fi
  done
fi
echo "docker-compose.yml is valid"
