#!/usr/bin/env bash
# `make deploy-smoke`: Hearth deployed as an operator would, then removed again.
#
# Builds the image, starts the compose stack (TLS proxy, web, worker, beat, migrate, PostgreSQL,
# Redis, mail catcher), checks that seed_demo refuses in production, signs two members in
# through the proxy over HTTPS, posts, receives the reply on the other's WebSocket, downloads a
# data export built by the worker, scales web to 3 and checks that a socket on each web
# container receives a reply posted through another, checks that every Hearth process logged
# JSON only, then stops everything and removes the containers, volumes, network and images it
# made. When Docker's registry cannot be reached the base images are built locally
# (deploy/standin/build.sh, cached under $STANDIN_CACHE) so that the same Dockerfile and
# compose file are tested. Needs docker, and docker compose v2 or docker-compose >= 1.29.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
t0=$(date +%s)
say() { printf '\n== [%4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }
elapsed() { echo $(( $(date +%s) - $1 )); }

PYTHON=${PYTHON:-$root/.venv/bin/python}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-hearthsmoke}
export HTTPS_PORT=${SMOKE_HTTPS_PORT:-18443} HTTP_PORT=${SMOKE_HTTP_PORT:-18080}
export HEARTH_DOMAIN=localhost
export BASE_URL="https://localhost:$HTTPS_PORT"
export HEARTH_IMAGE="hearth-smoke:$COMPOSE_PROJECT_NAME"
export SECRET_KEY
SECRET_KEY=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))")
STANDIN_CACHE=${STANDIN_CACHE:-/var/cache/hearth-standin}
work=$(mktemp -d)
made_images=("$HEARTH_IMAGE")
dangling_before=$(docker images -q -f dangling=true | sort -u)

if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null; then compose=(docker-compose)
else echo "needs docker compose v2 or docker-compose 1.29"; exit 1; fi
echo "  $("${compose[@]}" version 2>/dev/null | sed -n 1p)"

cleanup() {
  status=$?
  say "cleaning up"
  if [[ $status -ne 0 ]]; then
    "${compose[@]}" ps || true
    "${compose[@]}" logs --tail 40 || true
  fi
  "${compose[@]}" down --volumes --remove-orphans >/dev/null 2>&1 || true
  if [[ -n "${SMOKE_KEEP_IMAGES:-}" ]]; then  # while working on the smoke run itself
    docker tag "$HEARTH_IMAGE" hearth-smoke:kept >/dev/null 2>&1 || true
  fi
  docker rmi -f "${made_images[@]}" >/dev/null 2>&1 || true
  # the build's intermediate layers (the legacy builder leaves them untagged)
  comm -13 <(echo "$dangling_before") <(docker images -q -f dangling=true | sort -u) \
    | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
  say "$( [[ $status -eq 0 ]] && echo "deploy smoke passed" || echo "deploy smoke FAILED" ) \
in $(elapsed "$t0") s"
}
trap cleanup EXIT

say "base images"
started=$(date +%s)
if timeout 60 docker pull -q python:3.11-slim >/dev/null 2>&1; then
  echo "  Docker's registry answers: official images"
else
  echo "  Docker's registry is not reachable: building stand-in images from Debian's packages"
  deploy/standin/build.sh "$STANDIN_CACHE"
  export BASE_IMAGE=hearth-standin/python:3.11 POSTGRES_IMAGE=hearth-standin/postgres:15 \
    REDIS_IMAGE=hearth-standin/redis:7 CADDY_IMAGE=hearth-standin/caddy:2 \
    MAILPIT_IMAGE=hearth-standin/mailpit
  made_images+=("$BASE_IMAGE" "$POSTGRES_IMAGE" "$REDIS_IMAGE" "$CADDY_IMAGE" "$MAILPIT_IMAGE"
                hearth-standin/rootfs)
fi
echo "  base images: $(elapsed "$started") s"

say "building the image (the Dockerfile as it is)"
started=$(date +%s)
"${compose[@]}" build --quiet web
echo "  build: $(elapsed "$started") s"
# No secrets, history or local data in the image (.dockerignore).
docker run --rm "$HEARTH_IMAGE" sh -c 'test ! -e .env && test ! -e .git && test ! -e .venv \
  && test ! -e var/hearth.sqlite3 && test -f staticfiles/staticfiles.json' \
  || { echo "the image holds files it must not (or lacks static files)"; exit 1; }

say "starting the stack"
started=$(date +%s)
"${compose[@]}" up -d
wait_healthy() {  # services... : every container of each is healthy (or, for migrate, done)
  local deadline=$(( $(date +%s) + 300 ))
  while :; do
    local pending=()
    for service in "$@"; do
      for cid in $("${compose[@]}" ps -q "$service"); do
        local state
        state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid")
        case "$state" in
          "running healthy"|"exited "*) ;;
          *) pending+=("$service:$state") ;;
        esac
      done
    done
    [[ ${#pending[@]} -eq 0 ]] && return 0
    if [[ $(date +%s) -gt $deadline ]]; then echo "  not healthy: ${pending[*]}"; return 1; fi
    sleep 2
  done
}
wait_healthy postgres redis mailpit migrate web worker beat proxy
[[ $(docker inspect -f '{{.State.ExitCode}}' "$("${compose[@]}" ps -q migrate)") == 0 ]]
echo "  every service healthy: $(elapsed "$started") s after up"

say "seed_demo refuses in production, then runs with --force"
if "${compose[@]}" exec -T web python manage.py seed_demo >"$work/seed.out" 2>&1; then
  echo "  seed_demo ran with DEBUG off"; exit 1
fi
grep -q "Refusing to seed demo data in production" "$work/seed.out"
started=$(date +%s)
"${compose[@]}" exec -T web python manage.py seed_demo --force --verbosity 0
echo "  ok  refused without --force; seeded with it ($(elapsed "$started") s)"

say "the monthly report's PDF (WeasyPrint with the image's Pango)"
"${compose[@]}" exec -T web sh -c \
  'python manage.py insights_report --pdf /tmp/report.pdf >/dev/null && head -c 5 /tmp/report.pdf' \
  | grep -q '%PDF-' || { echo "  the report's PDF was not made"; exit 1; }
echo "  ok  a PDF"

say "as members, through the TLS proxy"
proxy=$("${compose[@]}" ps -q proxy)
docker cp "$proxy:/data/caddy/pki/authorities/local/root.crt" "$work/ca.crt"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$HTTP_PORT/")
[[ $code == 308 || $code == 301 ]] || { echo "  http is not redirected to https ($code)"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.crt" \
  "https://localhost:$HTTPS_PORT/metrics")
[[ $code == 404 ]] || { echo "  /metrics is public ($code)"; exit 1; }
"$PYTHON" deploy/smoke_client.py proxy "https://localhost:$HTTPS_PORT" "$work/ca.crt" \
  "$work/state.json"

say "scaling web to 3"
started=$(date +%s)
"${compose[@]}" up -d --no-recreate --scale web=3
wait_healthy web
ips=()
for cid in $("${compose[@]}" ps -q web); do
  ips+=("$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$cid")")
done
[[ ${#ips[@]} -eq 3 ]] || { echo "  expected 3 web containers, found ${#ips[@]}"; exit 1; }
echo "  3 web containers healthy: $(elapsed "$started") s (${ips[*]})"
cp deploy/smoke_client.py "$work/"
chmod -R a+rX "$work"
docker run --rm --network "container:$proxy" -v "$work:/smoke:ro" "$HEARTH_IMAGE" \
  python /smoke/smoke_client.py cross /smoke/state.json "localhost:$HTTPS_PORT" "${ips[@]}"

say "every Hearth process (and the proxy) logs one JSON object a line"
bad=0
for service in migrate web worker beat proxy; do
  for cid in $("${compose[@]}" ps -q "$service"); do
    lines=$(docker logs "$cid" 2>&1 | wc -l)
    non_json=$(docker logs "$cid" 2>&1 | "$PYTHON" -c '
import json, sys
bad = 0
for line in sys.stdin:
    try:
        assert isinstance(json.loads(line), dict)
    except Exception:
        bad += 1
        print("    not JSON:", line.rstrip()[:160], file=sys.stderr)
print(bad)')
    echo "  $service $(docker inspect -f '{{.Name}}' "$cid"): $lines lines, $non_json not JSON"
    bad=$(( bad + non_json ))
  done
done
[[ $bad -eq 0 ]]
