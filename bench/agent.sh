#!/usr/bin/env bash
# Benchmarks the probe agent against a hello-world Java program: median wall time and peak RSS over N runs each
# (after a warm-up), with default JVM flags, with start-up flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto),
# and with the start-up flags plus an application CDS archive of the agent's classes (JDK 17: made once with
# -XX:ArchiveClassesAtExit, used with -XX:SharedArchiveFile; JDK 19+ can do both with -XX:+AutoCreateSharedArchive).
# The hello-world baseline gets the same flags with the JDK's default CDS archive (-Xshare:auto) in the third one.
# Usage: bench/agent.sh [runs]   (needs target/cakb-agent.jar: ./mvnw -q package -DskipTests)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-7}
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

FAST="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
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
