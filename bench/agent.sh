#!/usr/bin/env bash
# Benchmarks the probe agent against a hello-world Java program: median wall time and peak RSS over N runs each
# (after a warm-up), with default JVM flags, with start-up flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn8m -Xshare:auto),
# and with the start-up flags plus an application CDS archive of the agent's classes (JDK 17: made once with
# -XX:ArchiveClassesAtExit, used with -XX:SharedArchiveFile; JDK 19+ can do both with -XX:+AutoCreateSharedArchive).
# The hello-world baseline gets the same flags with the JDK's default CDS archive (-Xshare:auto) in the third one.
#
# Second part (as root, with Docker): one host run over many containers. Starts busybox containers (prefix
# cakbbench-, removed at the end) in steps up to N (default 100), times one host run at each step (median of the runs,
# same start-up flags and CDS archive) and prints the cost per extra container (slope between the fewest and the most
# containers found), the wall time and peak RSS at N, and - on 16 containers - the ratio against docker-bench-security's
# container-runtime section (`-c container_runtime`), when a local checkout of docker/docker-bench-security is given
# (its code is never copied into this project; without it that comparison is skipped with a message).
#
# Usage: bench/agent.sh [runs] [--containers N] [--docker-bench PATH]   (or env DOCKER_BENCH_SECURITY=PATH)
#        (needs target/cakb-agent.jar: ./mvnw -q package -DskipTests)
set -eu
cd "$(dirname "$0")/.."
RUNS=7
NCONT=100
DBS=${DOCKER_BENCH_SECURITY:-}
while [ $# -gt 0 ]; do
  case $1 in
    --containers) NCONT=$2; shift 2 ;;
    --docker-bench) DBS=$2; shift 2 ;;
    [0-9]*) RUNS=$1; shift ;;
    *) echo "usage: bench/agent.sh [runs] [--containers N] [--docker-bench PATH]" >&2; exit 2 ;;
  esac
done
JAR=target/cakb-agent.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time missing: apt-get install -y time" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'J'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
J
javac -d "$work" "$work/Hello.java"
checks=$(java -jar "$JAR" list-checks | tail -1 | awk '{print $1}')

measure() { # label, then command; prints "median_ms peak_kib"
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true   # warm-up (page cache, CDS archive)
  : > "$work/t"
  for i in $(seq "$RUNS"); do
    s=$(date +%s%N)
    "$TIME" -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    echo "$(( (e - s) / 1000000 )) $(cat "$work/rss")" >> "$work/t"
  done
  med=$(cut -d' ' -f1 "$work/t" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(cut -d' ' -f2 "$work/t" | sort -n | tail -1)
  echo "$med $rss"
}

FAST="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn8m"   # the flags docs/agent.md recommends (minus -Xmx)
java $FAST -XX:ArchiveClassesAtExit="$work/agent.jsa" -jar "$JAR" run >/dev/null 2>&1 || true
[ -f "$work/agent.jsa" ] || echo "note: could not create a CDS archive; the third configuration uses the default one" >&2

for flags in "" "$FAST -Xshare:auto" "$FAST -XX:SharedArchiveFile=$work/ARCHIVE.jsa"; do
  echo "== JVM flags: ${flags:-(default)}   runs: $RUNS   checks: $checks   load average: $(cut -d' ' -f1 /proc/loadavg)"
  # alternate agent and hello-world rounds so drift affects both alike
  aflags=${flags//ARCHIVE/agent}; hflags=${flags/-XX:SharedArchiveFile=*/-Xshare:auto}
  read -r a_ms a_kib <<<"$(measure agent java $aflags -jar "$JAR" run)"
  read -r h_ms h_kib <<<"$(measure hello java $hflags -cp "$work" Hello)"
  read -r a2_ms a2_kib <<<"$(measure agent java $aflags -jar "$JAR" run)"
  read -r h2_ms h2_kib <<<"$(measure hello java $hflags -cp "$work" Hello)"
  a_ms=$(( (a_ms + a2_ms) / 2 )); h_ms=$(( (h_ms + h2_ms) / 2 ))
  a_kib=$(( a_kib > a2_kib ? a_kib : a2_kib )); h_kib=$(( h_kib > h2_kib ? h_kib : h2_kib ))
  printf '  agent run    median %5d ms   peak RSS %6.1f MiB\n' "$a_ms" "$(echo "$a_kib/1024" | bc -l)"
  printf '  hello world  median %5d ms   peak RSS %6.1f MiB\n' "$h_ms" "$(echo "$h_kib/1024" | bc -l)"
  printf '  ratio wall %.2fx (target <= 1.5x)   agent RSS %.1f MiB (target <= 64 MiB)   checks %s (target >= 40)\n' \
    "$(echo "$a_ms/$h_ms" | bc -l)" "$(echo "$a_kib/1024" | bc -l)" "$checks"
done

# ------------------------------------------------------------------ host run over many containers
if [ "$(id -u)" != 0 ] || ! docker info >/dev/null 2>&1; then
  echo "== host run over containers: skipped (needs root and a running Docker daemon)"
  exit 0
fi
IMAGE=cakb-probe-test:latest
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "== host run over containers: skipped (image $IMAGE missing; .ci/setup-runtimes.sh builds it)"; exit 0; }
PREFIX=cakbbench-$$-
cleanup_containers() { docker ps -aq --filter "name=$PREFIX" | xargs -r docker rm -f >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup_containers EXIT
AFLAGS="$FAST -XX:SharedArchiveFile=$work/agent.jsa"
[ -f "$work/agent.jsa" ] || AFLAGS="$FAST -Xshare:auto"
started=0
start_to() { # start containers until $1 of ours run
  seq $((started + 1)) "$1" | xargs -P 4 -I{} docker run -d --name "${PREFIX}{}" --label cakb.bench=1 "$IMAGE" /bin/busybox sleep 3600 >/dev/null
  started=$1
}
host_run() { # prints "median_ms peak_kib containers_found"
  read -r ms kib <<<"$(measure host java $AFLAGS -jar "$JAR" run --out "$work/report.json")"
  echo "$ms $kib $(jq '.containers | length' "$work/report.json" 2>/dev/null || echo 0)"
}
echo "== host run over containers (flags: $AFLAGS; runs: $RUNS; load average: $(cut -d' ' -f1 /proc/loadavg))"
declare -A T K F
for n in 0 16 50 "$NCONT"; do
  [ "$n" -le "$NCONT" ] || continue
  start_to "$n"
  sleep 1
  read -r ms kib found <<<"$(host_run)"
  T[$n]=$ms; K[$n]=$kib; F[$n]=$found
  printf '  %4d started (%4s containers found)   median %5d ms   peak RSS %6.1f MiB\n' "$n" "$found" "$ms" "$(echo "$kib/1024" | bc -l)"
done
dn=$(( ${F[$NCONT]} - ${F[0]} ))
if [ "$dn" -gt 0 ]; then
  per=$(echo "(${T[$NCONT]} - ${T[0]}) / $dn" | bc -l)
  printf '  cost per extra container %.2f ms (target <= 3 ms)\n' "$per"
fi
printf '  %d containers: %d ms wall (target <= 500 ms), peak RSS %.1f MiB (target <= 64 MiB)\n' \
  "$NCONT" "${T[$NCONT]}" "$(echo "${K[$NCONT]}/1024" | bc -l)"

# docker-bench-security's container-runtime section on 16 containers
if [ -z "$DBS" ] || [ ! -f "$DBS/docker-bench-security.sh" ]; then
  echo "  docker-bench-security comparison skipped: give a local checkout with --docker-bench PATH or DOCKER_BENCH_SECURITY"
  exit 0
fi
docker ps -aq --filter "name=$PREFIX" | tail -n +17 | xargs -r docker rm -f >/dev/null
sleep 1
read -r a_ms a_kib a_found <<<"$(host_run)"
s=$(date +%s%N)
( cd "$DBS" && sh docker-bench-security.sh -c container_runtime -l "$work/dbs.log" >/dev/null 2>&1 ) || true
e=$(date +%s%N)
d_ms=$(( (e - s) / 1000000 ))
printf '  16 containers (%s found): agent %d ms; docker-bench-security -c container_runtime %d ms; ratio %.1fx (target >= 20x)\n' \
  "$a_found" "$a_ms" "$d_ms" "$(echo "$d_ms/$a_ms" | bc -l)"
