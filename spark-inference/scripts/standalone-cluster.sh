#!/usr/bin/env bash
# A Spark standalone cluster on this machine from the Spark jars Maven resolved for spark-inference (no downloaded
# distribution): one master and N one-core workers, separate JVMs, bound to 127.0.0.1 only.
#
#   spark-inference/scripts/standalone-cluster.sh start [WORKERS]   # default 2; prints the master URL
#   spark-inference/scripts/standalone-cluster.sh status
#   spark-inference/scripts/standalone-cluster.sh stop
#
# Needs target/spark-classpath.txt, which the module's build writes (any build through generate-test-resources):
#   ./mvnw -B -q -o -pl spark-inference -am package -DskipTests
# Environment: CLUSTER_DIR (default spark-inference/target/standalone), WORKER_MEMORY (default 3g), JAVA_HOME.
# Layout: $CLUSTER_DIR/spark-home/{jars/,RELEASE} (links to Maven's jars), logs/{master,worker-N}.log,
# worker-N/ (each worker's work dir: app-*/<executor id>/{stderr,stdout}), pids/, master-url.
set -euo pipefail

module=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
dir=${CLUSTER_DIR:-$module/target/standalone}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true"

# What a worker needs to launch executors from these jars: a SPARK_HOME whose RELEASE file marks jars/ as the jars
# directory, and the Scala version (else "Cannot find any build directories"); 127.0.0.1 everywhere.
export SPARK_HOME=$dir/spark-home SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

# Waits (at most 120 s) for a log line matching $2 in file $1; fails if process $3 exits first.
await() {
  for _ in $(seq 1 1200); do
    if grep -q -- "$2" "$1" 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "standalone-cluster: process $3 exited; see $1" >&2; tail -20 "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "standalone-cluster: no '$2' in $1 within 120 s" >&2
  return 1
}

start() {
  local workers=${1:-2}
  [ -f "$dir/pids/master" ] && kill -0 "$(cat "$dir/pids/master")" 2>/dev/null && {
    echo "standalone-cluster: already running: $(cat "$dir/master-url")" >&2; exit 1; }
  for f in "$module/target/spark-classpath.txt" "$module/target/spark-classpath-shared.txt"; do
    [ -f "$f" ] || { echo "standalone-cluster: $f is missing; build first:" \
      "./mvnw -B -q -o -pl spark-inference -am package -DskipTests" >&2; exit 2; }
  done
  rm -rf "$dir"
  mkdir -p "$SPARK_HOME/jars" "$dir/logs" "$dir/pids"
  # Spark's jars (the module's provided scope) and slf4j-api, which Spark needs and Maven puts in the compile scope.
  cat "$module/target/spark-classpath.txt" <(echo) "$module/target/spark-classpath-shared.txt" | tr ':' '\n' |
    while read -r jar || [ -n "$jar" ]; do [ -n "$jar" ] && ln -s "$jar" "$SPARK_HOME/jars/"; done
  echo "Spark 4.2.0 (Maven's jars, slimport standalone-cluster.sh)" > "$SPARK_HOME/RELEASE"
  cd "$dir"
  # shellcheck disable=SC2086
  nohup "$java" $opens -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port 0 --webui-port 0 > logs/master.log 2>&1 &
  echo $! > pids/master
  await logs/master.log "Starting Spark master at" "$!"
  local url
  url=$(sed -n 's/.*Starting Spark master at \(spark:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' logs/master.log | head -1)
  echo "$url" > master-url
  for i in $(seq 0 $((workers - 1))); do
    mkdir -p "worker-$i"
    # shellcheck disable=SC2086
    nohup "$java" $opens -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --port 0 --webui-port 0 --cores 1 --memory "${WORKER_MEMORY:-3g}" \
      --work-dir "$dir/worker-$i" "$url" > "logs/worker-$i.log" 2>&1 &
    echo $! > "pids/worker-$i"
    await "logs/worker-$i.log" "Successfully registered with master" "$!"
  done
  echo "$url"
}

stop() {
  [ -d "$dir/pids" ] || { echo "standalone-cluster: not started ($dir/pids missing)" >&2; return 0; }
  # Executors and cluster-mode drivers run in the workers' work dirs; stop them with their workers.
  for f in "$dir"/pids/worker-* "$dir"/pids/master; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for child in $(pgrep -P "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
  done
  for f in "$dir"/pids/*; do
    pid=$(cat "$f")
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  echo "standalone-cluster: stopped"
}

status() {
  [ -f "$dir/master-url" ] && echo "master: $(cat "$dir/master-url")"
  for f in "$dir"/pids/*; do
    [ -f "$f" ] || continue
    if kill -0 "$(cat "$f")" 2>/dev/null; then s=running; else s=dead; fi
    echo "$(basename "$f"): pid $(cat "$f") $s"
  done
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
