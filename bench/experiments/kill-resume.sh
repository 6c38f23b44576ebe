#!/usr/bin/env bash
# Kills a CycleGAN training run with SIGKILL part-way, checks that the checkpoint is whole and that no
# partial file is left, resumes, and shows that iterations, losses and the learning-rate schedule continue.
# Usage: bench/experiments/kill-resume.sh [OUT_DIR] [SECONDS_BEFORE_KILL]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/experiments/kill-resume}
wait_s=${2:-60}
data=../shared/data/photo-cartoon
jar=(java -jar target/image-translation-0.1.0-SNAPSHOT.jar)
rm -rf "$out" && mkdir -p "$out"/{A,B}
for f in $(ls $data/photo | sort | head -n 24); do ln -s "$(realpath $data/photo/$f)" "$out/A/$f"; done
for f in $(ls $data/cartoon | sort | head -n 24); do ln -s "$(realpath $data/cartoon/$f)" "$out/B/$f"; done
options=(--domain_a "$out/A" --domain_b "$out/B" --model "$out/m.zip" --generator resnet_2blocks --ngf 16 --ndf 16
	--patch_size 64 --load_size 72 --n_epochs 4 --n_epochs_decay 4 --checkpoint_every 5 --progress_seconds 1)
"${jar[@]}" train-cyclegan "${options[@]}" > "$out/first.log" 2>&1 &
pid=$!
sleep "$wait_s"
kill -9 $pid
wait $pid || true
echo "== last lines before SIGKILL"; tail -n 3 "$out/first.log"
echo "== partial files left: $(ls -A "$out" | grep -c partial || true)"
echo "== checkpoint"; "${jar[@]}" info --model "$out/m.checkpoint.zip" | grep -E "Training|epoch "
"${jar[@]}" train-cyclegan "${options[@]}" --resume > "$out/resumed.log" 2>&1
echo "== resumed run"; grep -E "Resuming|done already|^iteration|Epoch|Done" "$out/resumed.log" | head -n 12
