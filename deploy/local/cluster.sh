#!/usr/bin/env bash
# A local VideoAnalytics cluster on loopback, from built binaries (`make build` first):
# redis-server + N silos + one cluster-mode gateway. For trying the cluster and for tests.
#
#   deploy/local/cluster.sh start|stop|status
#
# Settings (environment): VA_CLUSTER_DIR (state, logs, pids; default .cluster), VA_REDIS_PORT (6390),
# VA_GATEWAY_PORT (8080), VA_SILOS (2), VA_SILO_BASE_PORT (8181: silo i serves /healthz on base+i-1),
# VA_ORLEANS_BASE_PORT (11111: silo i talks to the other silos on base+i-1, and takes Orleans clients on
# VA_ORLEANS_GATEWAY_BASE_PORT+i-1, default 30000), VA_MODELS (models), VA_CONFIG (Release), and any
# VA__Section__Key setting, passed to every process.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$(realpath -m "${VA_CLUSTER_DIR:-$ROOT/.cluster}")"
REDIS_PORT="${VA_REDIS_PORT:-6390}"
GATEWAY_PORT="${VA_GATEWAY_PORT:-8080}"
SILOS="${VA_SILOS:-2}"
SILO_BASE_PORT="${VA_SILO_BASE_PORT:-8181}"
ORLEANS_BASE_PORT="${VA_ORLEANS_BASE_PORT:-11111}"
ORLEANS_GATEWAY_BASE_PORT="${VA_ORLEANS_GATEWAY_BASE_PORT:-30000}"
MODELS="$(realpath -m "${VA_MODELS:-$ROOT/models}")"
CONFIG="${VA_CONFIG:-Release}"
SILO_DLL="$ROOT/Silo/bin/$CONFIG/net10.0/VideoAnalytics.Silo.dll"
GATEWAY_DLL="$ROOT/Gateway/bin/$CONFIG/net10.0/VideoAnalytics.Gateway.dll"

die() { echo "cluster.sh: $*" >&2; exit 1; }

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# Waits for an HTTP probe to answer 200; fails with the process's log tail.
wait_ready() {
  local name=$1 url=$2
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$url"; then echo "  $name ready ($url)"; return 0; fi
    alive "$name" || { tail -n 30 "$DIR/$name.log" >&2; die "$name exited"; }
    sleep 0.5
  done
  tail -n 30 "$DIR/$name.log" >&2
  die "$name not ready after 60 s"
}

# Cluster settings shared by every silo and the gateway.
cluster_env() {
  export VA__Cluster__Provider=Redis
  export VA__Cluster__Redis="127.0.0.1:$REDIS_PORT"
  export VA__Inference__ModelsDirectory="$MODELS"
  export VA__Cameras__MediaRoots__0="$MODELS"
  export VA__Cluster__AdvertisedAddress=127.0.0.1
  export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Production}"
}

start_process() {
  local name=$1; shift
  if alive "$name"; then echo "  $name already running (pid $(cat "$DIR/$name.pid"))"; return; fi
  (cd "$DIR" && exec nohup "$@" >"$DIR/$name.log" 2>&1) &
  echo $! >"$DIR/$name.pid"
}

start() {
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  [[ -f "$SILO_DLL" && -f "$GATEWAY_DLL" ]] || die "build first: make build (looked for $SILO_DLL and $GATEWAY_DLL)"
  mkdir -p "$DIR/redis"
  echo "starting a cluster in $DIR"

  # Append-only file: cameras and stream history survive a Redis restart.
  start_process redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --save "" --appendonly yes
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null || die "redis-server did not start: $(tail -n 5 "$DIR/redis.log")"
  echo "  redis ready (127.0.0.1:$REDIS_PORT)"

  cluster_env
  for i in $(seq 1 "$SILOS"); do
    local port=$((SILO_BASE_PORT + i - 1))
    VA__Silo__Name="silo-$i" VA__Cluster__SiloPort=$((ORLEANS_BASE_PORT + i - 1)) \
      VA__Cluster__GatewayPort=$((ORLEANS_GATEWAY_BASE_PORT + i - 1)) \
      start_process "silo-$i" dotnet "$SILO_DLL" --urls "http://127.0.0.1:$port"
  done
  # The demo camera (seeded by the gateway) plays the demo clip from the models folder when there is one.
  if [[ -f "$MODELS/demo.mp4" ]]; then export VA__Demo__Url="$MODELS/demo.mp4"; else export VA__Demo__Enabled=false; fi
  VA__Gateway__HostSilo=false start_process gateway dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$GATEWAY_PORT"

  for i in $(seq 1 "$SILOS"); do wait_ready "silo-$i" "http://127.0.0.1:$((SILO_BASE_PORT + i - 1))/healthz"; done
  wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/healthz"
  echo "gateway: http://127.0.0.1:$GATEWAY_PORT  (logs: $DIR/*.log)"
}

stop_process() {
  local name=$1
  if alive "$name"; then
    local pid; pid=$(cat "$DIR/$name.pid")
    kill -TERM "$pid"
    # Silos leave the Orleans cluster on SIGTERM, deactivating their cameras so the others take them; give them the time to.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "  $name stopped"
  fi
  rm -f "$DIR/$name.pid"
}

stop() {
  stop_process gateway
  for pidfile in "$DIR"/silo-*.pid; do [[ -e "$pidfile" ]] && stop_process "$(basename "$pidfile" .pid)"; done
  stop_process redis
}

status() {
  local name
  for pidfile in "$DIR"/*.pid; do
    [[ -e "$pidfile" ]] || { echo "no cluster running in $DIR"; return 1; }
    name=$(basename "$pidfile" .pid)
    if alive "$name"; then echo "$name: running (pid $(cat "$pidfile"))"; else echo "$name: dead"; fi
  done
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    # Orleans' membership table (a hash of JSON entries beside a version field), newest silos of each name.
    echo "silos (Orleans membership):"
    redis-cli -p "$REDIS_PORT" --raw hvals "va-videoanalytics/members/va-videoanalytics" | /usr/bin/python3 -c '
import json, sys
names = {0: "None", 1: "Created", 2: "Joining", 3: "Active", 4: "ShuttingDown", 5: "Stopping", 6: "Dead"}
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        e = json.loads(line)
        status = e.get("Status")
        print("  %s: %s (started %s)" % (e.get("SiloName"), names.get(status, status), e.get("StartTime")))'
    echo "cameras: $(redis-cli -p "$REDIS_PORT" hkeys va:cameras | tr '\n' ' ')"
    # Each camera's state and the silo running it, from the status board (one JSON document per camera).
    redis-cli -p "$REDIS_PORT" --raw hvals va:status | /usr/bin/python3 -c '
import json, sys
states = ["starting", "streaming", "reconnecting", "failed", "stopped"]
for line in sys.stdin:
    if line.strip():
        s = json.loads(line)
        state = s.get("state")
        state = states[state] if isinstance(state, int) and 0 <= state < len(states) else state
        print("  %s: %s on %s (epoch %s)" % (s["id"], state, s.get("silo") or "no silo", s.get("epoch", 0)))'
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
