#!/usr/bin/env bash
# Stand-in base images for machines that cannot reach Docker's image registry.
#
# Builds one Debian bookworm root file system with debootstrap (from Debian's own packages:
# Python 3.11, PostgreSQL 15, Redis, Caddy, aiosmtpd) and imports it as local images:
#   hearth-standin/python:3.11   for the Dockerfile's BASE_IMAGE (python and pip on PATH)
#   hearth-standin/postgres:15   POSTGRES_USER/PASSWORD/DB and /var/lib/postgresql/data, as the
#                                official image reads them (deploy/standin/postgres-entrypoint)
#   hearth-standin/redis:7       redis-server, redis-cli
#   hearth-standin/caddy:2       caddy, with /data and /config as in the official image
#   hearth-standin/mailpit       an SMTP catcher on :1025 (aiosmtpd); `/mailpit readyz` probes it
# The same Dockerfile and docker-compose.yml are then used with BASE_IMAGE, POSTGRES_IMAGE, ...
# pointing at these (scripts/deploy-smoke does that when a pull fails).
#
# Usage: deploy/standin/build.sh [cache-dir]   (needs root, debootstrap and docker)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-/var/cache/hearth-standin}"
rootfs="$cache/rootfs"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache"

if [[ ! -f "$rootfs/.hearth-standin-done" ]]; then
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  # The host's extra certificate authorities (an egress proxy's, for example), so that pip and
  # Caddy inside the images trust what the host trusts.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  chroot "$rootfs" /bin/sh -c '
    set -e
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends ca-certificates python3.11 python3.11-venv \
      postgresql-15 redis-server redis-tools caddy python3-aiosmtpd netcat-openbsd wget >/dev/null
    update-ca-certificates >/dev/null
    python3.11 -m venv /usr/local/python
    /usr/local/python/bin/pip install --quiet --upgrade pip
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15/main /etc/postgresql
  '
  touch "$rootfs/.hearth-standin-done"
fi
install -m 0755 "$here/postgres-entrypoint" "$rootfs/usr/local/bin/docker-entrypoint.sh"
install -m 0755 "$here/mailpit" "$rootfs/mailpit"

tarball="$cache/rootfs.tar"
tar -C "$rootfs" --exclude=./.hearth-standin-done -cf "$tarball" .
pg_bin=/usr/lib/postgresql/15/bin
docker import --change "ENV PATH=/usr/local/python/bin:$pg_bin:/usr/local/sbin:/usr/local/bin:\
/usr/sbin:/usr/bin:/sbin:/bin" --change "ENV LANG=C.UTF-8" \
  --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" "$tarball" hearth-standin/rootfs
role() {  # tag, then Dockerfile lines after FROM
  local tag=$1; shift
  { echo "FROM hearth-standin/rootfs"; printf '%s\n' "$@"; } \
    | docker build -q -t "$tag" - >/dev/null 2>&1
  echo "  $tag"
}
role hearth-standin/python:3.11 'CMD ["python3"]'
role hearth-standin/postgres:15 'ENV PGDATA=/var/lib/postgresql/data' \
  'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]'
role hearth-standin/redis:7 'CMD ["redis-server", "--protected-mode", "no"]'
role hearth-standin/caddy:2 'ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data' \
  'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
role hearth-standin/mailpit 'ENTRYPOINT ["/mailpit"]'
