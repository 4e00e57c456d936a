#!/usr/bin/env bash
# Test services for kiln: a private dockerd (BuildKit, no bridge network), two local
# distribution registries (plain and htpasswd), and a busybox base image imported offline.
#
#   scripts/services.sh start   install what is missing, start everything, print the env
#   scripts/services.sh stop    stop what `start` started (pidfiles under /run/kiln-test)
#   scripts/services.sh env     print `export KEY=VALUE` lines:  eval "$(scripts/services.sh env)"
#
# Idempotent and safe to run twice (or concurrently: `start` holds a lock). Needs root.
# Only the `export` lines go to stdout; progress and errors go to stderr.
set -euo pipefail

RUN_DIR=/run/kiln-test
STATE_DIR=/var/lib/kiln-test
SOCKET="$RUN_DIR/docker.sock"
DOCKER_HOST_URL="unix://$SOCKET"
DOCKERD_PIDFILE="$RUN_DIR/dockerd.pid"
DOCKERD_LOG="$RUN_DIR/dockerd.log"
REGISTRY_PORT=5000
AUTH_REGISTRY_PORT=5001
AUTH_USER=kiln
AUTH_PASSWORD=kiln-secret-pw
BASE_IMAGE=busybox:latest
API=v1.41 # the oldest engine we support; every engine we start (20.10+) speaks it

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

print_env() {
  cat <<EOF
export KILN_TEST_DOCKER_HOST=$DOCKER_HOST_URL
export KILN_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT
export KILN_TEST_AUTH_REGISTRY=127.0.0.1:$AUTH_REGISTRY_PORT
export KILN_TEST_AUTH_USER=$AUTH_USER
export KILN_TEST_AUTH_PASSWORD=$AUTH_PASSWORD
export KILN_TEST_BASE_IMAGE=$BASE_IMAGE
export DOCKER_HOST=$DOCKER_HOST_URL
EOF
}

# ---------------------------------------------------------------- packages
ensure_packages() {
  local missing=() cmd pkg
  # command → Debian package that provides it
  for pair in dockerd:docker.io docker-registry:docker-registry htpasswd:apache2-utils \
              tmux:tmux curl:curl tar:tar; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  # The image needs the static build; the dynamic `busybox` package would not run in it.
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root to install them"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # A distro service may have grabbed our ports on install; we run our own instances.
  if [[ " ${missing[*]} " == *" docker-registry "* ]] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------- helpers
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

engine_ping() { curl -fsS --max-time 3 --unix-socket "$SOCKET" http://localhost/_ping >/dev/null 2>&1; }

# Any HTTP answer from /v2/ (200 plain, 401 with auth) means the registry is serving.
registry_code() { curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://127.0.0.1:$1/v2/" 2>/dev/null || true; }

# ---------------------------------------------------------------- dockerd
start_dockerd() {
  if alive "$DOCKERD_PIDFILE"; then
    # Running (perhaps still starting, or started by a concurrent run): give it time to answer.
    local i
    for ((i = 0; i < 120; i++)); do
      engine_ping && { log "dockerd already running"; return; }
      alive "$DOCKERD_PIDFILE" || break
      sleep 0.5
    done
    alive "$DOCKERD_PIDFILE" && die "dockerd (pid $(cat "$DOCKERD_PIDFILE")) does not answer on $SOCKET; run '$0 stop' first"
  fi
  mkdir -p "$STATE_DIR/docker" "$RUN_DIR/exec"
  echo '{}' >"$RUN_DIR/daemon.json" # isolate from /etc/docker/daemon.json
  local driver
  for driver in overlay2 vfs; do
    if launch_dockerd "$driver"; then return; fi
    log "dockerd did not start with storage driver $driver"
  done
  tail -n 40 "$DOCKERD_LOG" >&2 || true
  die "dockerd failed to start (log: $DOCKERD_LOG)"
}

launch_dockerd() {
  local driver=$1 pid i
  log "starting dockerd ($driver) on $SOCKET"
  echo "=== $(date -Is) starting dockerd, storage driver $driver" >>"$DOCKERD_LOG"
  setsid dockerd \
    --host "$DOCKER_HOST_URL" \
    --data-root "$STATE_DIR/docker" \
    --exec-root "$RUN_DIR/exec" \
    --pidfile "$DOCKERD_PIDFILE" \
    --config-file "$RUN_DIR/daemon.json" \
    --storage-driver "$driver" \
    --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --insecure-registry "127.0.0.1:$REGISTRY_PORT" \
    --insecure-registry "127.0.0.1:$AUTH_REGISTRY_PORT" \
    </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
  pid=$!
  for ((i = 0; i < 120; i++)); do # ~60 s
    engine_ping && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  tail -n 40 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer /_ping within 60 s (log: $DOCKERD_LOG)"
}

# ---------------------------------------------------------------- registries
start_registry() {
  local port=$1 auth=$2 name="registry-$1"
  local pidfile="$RUN_DIR/$name.pid" config="$RUN_DIR/$name.yml" logfile="$RUN_DIR/$name.log" i code
  if alive "$pidfile" && [ -n "$(registry_code "$port" | grep -E '^(200|401)$' || true)" ]; then
    log "$name already running"; return
  fi
  code=$(registry_code "$port")
  if [ "$code" != "000" ] && [ -n "$code" ]; then
    die "127.0.0.1:$port is already served by another process (HTTP $code); stop it (systemctl stop docker-registry?)"
  fi
  mkdir -p "$STATE_DIR/$name"
  cat >"$config" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/$name
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: kiln-test-$port
EOF
  if [ "$auth" = auth ]; then
    htpasswd -Bbc "$RUN_DIR/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" 2>/dev/null
    cat >>"$config" <<EOF
auth:
  htpasswd:
    realm: kiln-test
    path: $RUN_DIR/htpasswd
EOF
  fi
  log "starting $name on 127.0.0.1:$port"
  setsid docker-registry serve "$config" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $! >"$pidfile"
  for ((i = 0; i < 60; i++)); do
    case "$(registry_code "$port")" in 200 | 401) return ;; esac
    alive "$pidfile" || break
    sleep 0.5
  done
  tail -n 20 "$logfile" >&2 || true
  die "$name did not answer /v2/ on 127.0.0.1:$port (log: $logfile)"
}

# ---------------------------------------------------------------- base image
engine_api() { curl -fsS --unix-socket "$SOCKET" "$@"; }

# Fails if a JSON progress stream (file $1) carries an error message.
check_stream() {
  if grep -q '"errorDetail"' "$1"; then cat "$1" >&2; return 1; fi
}

import_base_image() {
  if engine_api -o /dev/null "http://localhost/$API/images/$BASE_IMAGE/json" 2>/dev/null; then
    log "$BASE_IMAGE already present"; return
  fi
  log "importing $BASE_IMAGE from busybox-static (no network)"
  local root out applet
  root=$(mktemp -d) out=$(mktemp)
  mkdir -p "$root"/{bin,etc,tmp,root,var,home}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$root.tar" .
  engine_api -X POST -H 'Content-Type: application/x-tar' --data-binary "@$root.tar" \
    "http://localhost/$API/images/create?fromSrc=-&repo=${BASE_IMAGE%%:*}&tag=${BASE_IMAGE##*:}&changes=$(urlencode 'CMD ["sh"]')&changes=$(urlencode 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')" \
    >"$out" || { cat "$out" >&2; die "import of $BASE_IMAGE failed"; }
  check_stream "$out" || die "import of $BASE_IMAGE failed"
  rm -rf "$root" "$root.tar" "$out"
}

urlencode() { local s=$1 i c out=''; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}
  case "$c" in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac; done; echo "$out"; }

# A BuildKit build with RUN on the base image proves the whole chain (no network needed).
check_build() {
  local dir out id
  dir=$(mktemp -d) out=$(mktemp)
  printf 'FROM %s\nRUN echo hi\n' "$BASE_IMAGE" >"$dir/Dockerfile"
  tar -C "$dir" -cf "$dir.tar" Dockerfile
  engine_api -X POST -H 'Content-Type: application/x-tar' --data-binary "@$dir.tar" \
    "http://localhost/$API/build?version=2&networkmode=none" >"$out" \
    || { cat "$out" >&2; die "BuildKit check build failed"; }
  check_stream "$out" || die "BuildKit check build failed"
  id=$(grep -o '"ID":"sha256:[0-9a-f]*"' "$out" | tail -n 1 | cut -d'"' -f4)
  [ -n "$id" ] || { cat "$out" >&2; die "BuildKit check build produced no image"; }
  # Leave no dangling image behind for tests that list or prune images.
  engine_api -X DELETE -o /dev/null "http://localhost/$API/images/$id" || true
  rm -rf "$dir" "$dir.tar" "$out"
  log "BuildKit check build ok"
}

# ---------------------------------------------------------------- stop
stop_pidfile() {
  local pidfile=$1 pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $(basename "$pidfile" .pid) ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- main
main() {
  case "${1:-}" in
    start)
      [ "$(id -u)" -eq 0 ] || die "start needs root (dockerd)"
      ensure_packages
      mkdir -p "$RUN_DIR" "$STATE_DIR"
      exec 9>"$RUN_DIR/start.lock"
      flock -w 300 9 || die "another 'services.sh start' holds $RUN_DIR/start.lock"
      start_dockerd
      start_registry "$REGISTRY_PORT" plain
      start_registry "$AUTH_REGISTRY_PORT" auth
      import_base_image
      check_build
      log "ready"
      print_env
      ;;
    stop)
      mkdir -p "$RUN_DIR"
      exec 9>"$RUN_DIR/start.lock"
      flock -w 300 9 || true
      stop_pidfile "$RUN_DIR/registry-$REGISTRY_PORT.pid"
      stop_pidfile "$RUN_DIR/registry-$AUTH_REGISTRY_PORT.pid"
      stop_pidfile "$DOCKERD_PIDFILE"
      ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
  esac
}

main "$@"
