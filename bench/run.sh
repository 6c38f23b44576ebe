#!/bin/sh
# Tiled translation benchmark: resnet_9blocks (ngf 64) on ../shared/data/day-night/earth.jpg scaled to each
# size, one fresh JVM per size. Usage: bench/run.sh [tile|image] [size:runs ...]
# Default: tile statistics, 1024:3 2048:1 4096:1 (about ten minutes on two cores).
set -e
cd "$(dirname "$0")/.."
statistics=${1:-tile}
[ $# -gt 0 ] && shift
sizes=${*:-"1024:3 2048:1 4096:1"}
mkdir -p target/bench && mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile=target/bench/cp.txt > /dev/null
mkdir -p target/bench/classes
cp="target/classes:$(cat target/bench/cp.txt)"
javac -nowarn -proc:none -d target/bench/classes -cp "$cp" bench/TiledTranslationBenchmark.java
unset OMP_NUM_THREADS
for s in $sizes; do
	java -Xmx1g -Djava.awt.headless=true -cp "target/bench/classes:$cp" TiledTranslationBenchmark "${s%%:*}" "${s##*:}" "$statistics" 2>&1 \
		| grep -v '^SLF4J'
done
