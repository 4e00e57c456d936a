#!/usr/bin/env bash
# Test services for kiln: two private dockerds (BuildKit, no bridge network), two local
# distribution registries (plain and htpasswd), and a busybox base image imported offline into
# each engine. The engines: Debian 12's docker.io 20.10 (the oldest API kiln supports) and the
# modern one users run, Docker 28 with the containerd image store, from Debian unstable's packages.
#
#   scripts/services.sh start   install what is missing, start everything, print the env
#   scripts/services.sh stop    stop what `start` started (pidfiles under /run/kiln-test{,/modern})
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

# The modern engine. Its binaries live under /var/lib/kiln-test (not in a checkout) because
# there is one such engine per machine, on a fixed socket, whichever checkout started it.
MODERN_RUN_DIR=$RUN_DIR/modern
MODERN_STATE_DIR=$STATE_DIR/modern
MODERN_SOCKET=$MODERN_RUN_DIR/docker.sock
MODERN_DOCKER_HOST_URL="unix://$MODERN_SOCKET"
MODERN_PIDFILE=$MODERN_RUN_DIR/dockerd.pid
MODERN_LOG=$MODERN_RUN_DIR/dockerd.log
MODERN_PREFIX=$MODERN_STATE_DIR/root                 # the packages, extracted
MODERN_DOCKER_CONFIG=$MODERN_STATE_DIR/docker-config # a DOCKER_CONFIG whose cli-plugins hold buildx
MODERN_PACKAGES=(docker.io docker-cli docker-buildx containerd)

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
export KILN_TEST_MODERN_DOCKER_HOST=$MODERN_DOCKER_HOST_URL
export KILN_TEST_MODERN_DOCKER_CLI=$MODERN_PREFIX/usr/bin/docker
export KILN_TEST_MODERN_DOCKER_CONFIG=$MODERN_DOCKER_CONFIG
EOF
}

# ---------------------------------------------------------------- packages
ensure_packages() {
  local missing=() cmd pkg
  # command → Debian package that provides it
  for pair in dockerd:docker.io runc:runc docker-registry:docker-registry htpasswd:apache2-utils \
              tmux:tmux curl:curl tar:tar dpkg-deb:dpkg; do
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

# engine_ping SOCKET: the engine on SOCKET answers.
engine_ping() { curl -fsS --max-time 3 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

# Any HTTP answer from /v2/ (200 plain, 401 with auth) means the registry is serving.
registry_code() { curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://127.0.0.1:$1/v2/" 2>/dev/null || true; }

# ---------------------------------------------------------------- dockerd (both engines)
# already_running NAME PIDFILE SOCKET: true when that dockerd runs and answers. A dockerd that
# runs (perhaps still starting, or started by a concurrent run) gets time to answer first.
already_running() {
  local name=$1 pidfile=$2 socket=$3 i
  alive "$pidfile" || return 1
  for ((i = 0; i < 120; i++)); do
    engine_ping "$socket" && { log "$name already running"; return 0; }
    alive "$pidfile" || return 1
    sleep 0.5
  done
  die "$name (pid $(cat "$pidfile")) does not answer on $socket; run '$0 stop' first"
}

# await_engine NAME PID SOCKET LOG: true once it answers /_ping, false if the process exits.
await_engine() {
  local name=$1 pid=$2 socket=$3 logfile=$4 i
  for ((i = 0; i < 120; i++)); do # ~60 s
    engine_ping "$socket" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  tail -n 40 "$logfile" >&2 || true
  die "$name did not answer /_ping on $socket within 60 s (log: $logfile)"
}

# The daemon flags both engines share: no bridge, no iptables, the loopback registries over HTTP.
common_dockerd_flags() {
  echo --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --insecure-registry "127.0.0.1:$REGISTRY_PORT" --insecure-registry "127.0.0.1:$AUTH_REGISTRY_PORT"
}

# ---------------------------------------------------------------- dockerd 20.10
start_dockerd() {
  already_running dockerd "$DOCKERD_PIDFILE" "$SOCKET" && return
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
  local driver=$1
  log "starting dockerd ($driver) on $SOCKET"
  echo "=== $(date -Is) starting dockerd, storage driver $driver" >>"$DOCKERD_LOG"
  # shellcheck disable=SC2046 # the common flags are words
  setsid dockerd \
    --host "$DOCKER_HOST_URL" \
    --data-root "$STATE_DIR/docker" \
    --exec-root "$RUN_DIR/exec" \
    --pidfile "$DOCKERD_PIDFILE" \
    --config-file "$RUN_DIR/daemon.json" \
    --storage-driver "$driver" \
    $(common_dockerd_flags) \
    </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
  await_engine dockerd $! "$SOCKET" "$DOCKERD_LOG"
}

# ---------------------------------------------------------------- dockerd 28 (containerd store)
# Debian unstable's packages, fetched through a private apt list and state folder (the system's
# apt setup is untouched) from the mirror this machine's own sources use, then extracted with
# dpkg-deb. Done once: a complete install leaves a stamp, and a half-done one is redone.
install_modern() {
  [ -f "$MODERN_PREFIX/.kiln-installed" ] && return
  local apt=$MODERN_STATE_DIR/apt tmp=$MODERN_PREFIX.new uri f
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || die "no URIs: line in /etc/apt/sources.list.d/debian.sources: no Debian mirror to fetch the modern engine from"
  rm -rf "$apt" "$tmp"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$tmp"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri sid main" >"$apt/sources.list"
  local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
  log "fetching ${MODERN_PACKAGES[*]} from Debian unstable"
  apt-get "${opts[@]}" update >&2 || die "apt-get update of the private Debian unstable list failed"
  (cd "$apt/debs" && apt-get "${opts[@]}" download "${MODERN_PACKAGES[@]}" >&2) \
    || die "apt-get download ${MODERN_PACKAGES[*]} from Debian unstable failed"
  for f in "$apt"/debs/*.deb; do dpkg-deb -x "$f" "$tmp" || die "dpkg-deb -x $f failed"; done
  # sid's runc needs GLIBC_2.38 (bookworm has 2.36) and fails at the first RUN step. It is not
  # fetched, and never kept if a package carries it, so bookworm's runc on PATH is the one used.
  rm -f "$tmp/usr/sbin/runc" "$tmp/usr/bin/runc"
  [ -x "$tmp/usr/sbin/dockerd" ] && [ -x "$tmp/usr/bin/containerd" ] && [ -x "$tmp/usr/bin/docker" ] \
    || die "the extracted packages lack dockerd, containerd or docker (in $tmp)"
  (cd "$apt/debs" && ls -- *.deb) >"$tmp/.kiln-installed"
  rm -rf "$MODERN_PREFIX" && mv "$tmp" "$MODERN_PREFIX"
  rm -rf "$apt" # the .debs and lists: ~80 MB, not needed once extracted
  log "installed $(tr '\n' ' ' <"$MODERN_PREFIX/.kiln-installed")in $MODERN_PREFIX"
}

# buildx: the docker CLI finds plugins in $DOCKER_CONFIG/cli-plugins, so a private DOCKER_CONFIG.
install_modern_buildx() {
  mkdir -p "$MODERN_DOCKER_CONFIG/cli-plugins"
  ln -sfn "$MODERN_PREFIX/usr/libexec/docker/cli-plugins/docker-buildx" "$MODERN_DOCKER_CONFIG/cli-plugins/docker-buildx"
}

start_modern_dockerd() {
  if ! already_running "modern dockerd" "$MODERN_PIDFILE" "$MODERN_SOCKET"; then
    mkdir -p "$MODERN_STATE_DIR/docker" "$MODERN_RUN_DIR/exec"
    echo '{"features":{"containerd-snapshotter":true}}' >"$MODERN_RUN_DIR/daemon.json"
    log "starting modern dockerd ($("$MODERN_PREFIX/usr/sbin/dockerd" --version)) on $MODERN_SOCKET"
    echo "=== $(date -Is) starting modern dockerd (containerd image store)" >>"$MODERN_LOG"
    # The extracted bin folders go first on PATH: dockerd starts the containerd (and shim) it finds
    # there; runc is bookworm's (/usr/sbin).
    # shellcheck disable=SC2046 # the common flags are words
    PATH="$MODERN_PREFIX/usr/bin:$MODERN_PREFIX/usr/sbin:$PATH" setsid "$MODERN_PREFIX/usr/sbin/dockerd" \
      --host "$MODERN_DOCKER_HOST_URL" \
      --data-root "$MODERN_STATE_DIR/docker" \
      --exec-root "$MODERN_RUN_DIR/exec" \
      --pidfile "$MODERN_PIDFILE" \
      --config-file "$MODERN_RUN_DIR/daemon.json" \
      $(common_dockerd_flags) \
      </dev/null >>"$MODERN_LOG" 2>&1 9>&- &
    if ! await_engine "modern dockerd" $! "$MODERN_SOCKET" "$MODERN_LOG"; then
      tail -n 40 "$MODERN_LOG" >&2 || true
      die "the modern dockerd exited at startup (log: $MODERN_LOG)"
    fi
  fi
  # Tests on this engine mean the containerd image store: refuse anything else, loudly.
  local info
  info=$(engine_api "$MODERN_SOCKET" "http://localhost/$API/info" || true)
  if [[ $info != *'"io.containerd.snapshotter.v1"'* ]]; then
    tail -n 40 "$MODERN_LOG" >&2 || true
    die "the modern dockerd on $MODERN_SOCKET does not use the containerd image store (log: $MODERN_LOG)"
  fi
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
# engine_api SOCKET CURL_ARGS...
engine_api() { local socket=$1; shift; curl -fsS --unix-socket "$socket" "$@"; }

# Fails if a JSON progress stream (file $1) carries an error message.
check_stream() {
  if grep -q '"errorDetail"' "$1"; then cat "$1" >&2; return 1; fi
}

# import_base_image SOCKET
import_base_image() {
  local socket=$1
  if engine_api "$socket" -o /dev/null "http://localhost/$API/images/$BASE_IMAGE/json" 2>/dev/null; then
    log "$BASE_IMAGE already present on $socket"; return
  fi
  log "importing $BASE_IMAGE from busybox-static into $socket (no network)"
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
  engine_api "$socket" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$root.tar" \
    "http://localhost/$API/images/create?fromSrc=-&repo=${BASE_IMAGE%%:*}&tag=${BASE_IMAGE##*:}&changes=$(urlencode 'CMD ["sh"]')&changes=$(urlencode 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')" \
    >"$out" || { cat "$out" >&2; die "import of $BASE_IMAGE failed"; }
  check_stream "$out" || die "import of $BASE_IMAGE failed"
  rm -rf "$root" "$root.tar" "$out"
}

urlencode() { local s=$1 i c out=''; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}
  case "$c" in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac; done; echo "$out"; }

# A BuildKit build with RUN on the base image proves the whole chain (no network needed).
# check_build SOCKET
check_build() {
  local socket=$1 dir out id
  dir=$(mktemp -d) out=$(mktemp)
  printf 'FROM %s\nRUN echo hi\n' "$BASE_IMAGE" >"$dir/Dockerfile"
  tar -C "$dir" -cf "$dir.tar" Dockerfile
  engine_api "$socket" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$dir.tar" \
    "http://localhost/$API/build?version=2&networkmode=none" >"$out" \
    || { cat "$out" >&2; die "BuildKit check build failed"; }
  check_stream "$out" || die "BuildKit check build failed"
  id=$(grep -o '"ID":"sha256:[0-9a-f]*"' "$out" | tail -n 1 | cut -d'"' -f4)
  [ -n "$id" ] || { cat "$out" >&2; die "BuildKit check build produced no image"; }
  # Leave no dangling image behind for tests that list or prune images.
  engine_api "$socket" -X DELETE -o /dev/null "http://localhost/$API/images/$id" || true
  rm -rf "$dir" "$dir.tar" "$out"
  log "BuildKit check build ok on $socket"
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
      install_modern
      install_modern_buildx
      start_modern_dockerd
      start_registry "$REGISTRY_PORT" plain
      start_registry "$AUTH_REGISTRY_PORT" auth
      import_base_image "$SOCKET"
      import_base_image "$MODERN_SOCKET"
      check_build "$SOCKET"
      check_build "$MODERN_SOCKET"
      log "ready"
      print_env
      ;;
    stop)
      mkdir -p "$RUN_DIR"
      exec 9>"$RUN_DIR/start.lock"
      flock -w 300 9 || true
      stop_pidfile "$RUN_DIR/registry-$REGISTRY_PORT.pid"
      stop_pidfile "$RUN_DIR/registry-$AUTH_REGISTRY_PORT.pid"
      stop_pidfile "$MODERN_PIDFILE"
      stop_pidfile "$DOCKERD_PIDFILE"
      ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
  esac
}

main "$@"
