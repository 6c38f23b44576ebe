#!/usr/bin/env bash
# CycleGAN photo <-> cartoon on ../shared/data/photo-cartoon (unpaired). Holds out the first 20 photos and
# 10 cartoons, trains in stages of one epoch (each stage resumes the previous one), and after every stage
# measures the cycle-reconstruction PSNR/SSIM on the held-out images (A -> B -> A and B -> A -> B).
# Usage: bench/experiments/photo-cartoon.sh [OUT_DIR] [STAGES]   (run bench/run once first to build)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/experiments/photo-cartoon}
stages=${2:-3}
data=../shared/data/photo-cartoon
jar=(java -jar target/image-translation-0.1.0-SNAPSHOT.jar)
rm -rf "$out" && mkdir -p "$out"/{trainA,trainB,testA,testB}
i=0; for f in $(ls $data/photo | sort); do if [ $i -lt 20 ]; then ln -s "$(realpath $data/photo/$f)" "$out/testA/$f"; else ln -s "$(realpath $data/photo/$f)" "$out/trainA/$f"; fi; i=$((i+1)); done
i=0; for f in $(ls $data/cartoon | sort); do if [ $i -lt 10 ]; then ln -s "$(realpath $data/cartoon/$f)" "$out/testB/$f"; else ln -s "$(realpath $data/cartoon/$f)" "$out/trainB/$f"; fi; i=$((i+1)); done
options=(--domain_a "$out/trainA" --domain_b "$out/trainB" --model "$out/p2c.zip" --generator resnet_6blocks --ngf 32
	--patch_size 64 --load_size 72 --n_epochs_decay 0 --progress_seconds 60)
cycle_psnr() {
	local m=$1 tag=$2
	"${jar[@]}" translate --model "$m" --input "$out/testA" --output "$out/eval-$tag/fakeB" --overwrite > /dev/null
	"${jar[@]}" translate --model "$m" --direction B2A --input "$out/eval-$tag/fakeB" --output "$out/eval-$tag/recA" --overwrite > /dev/null
	"${jar[@]}" translate --model "$m" --direction B2A --input "$out/testB" --output "$out/eval-$tag/fakeA" --overwrite > /dev/null
	"${jar[@]}" translate --model "$m" --input "$out/eval-$tag/fakeA" --output "$out/eval-$tag/recB" --overwrite > /dev/null
	echo "$tag A->B->A: $("${jar[@]}" evaluate --translated "$out/eval-$tag/recA" --ground_truth "$out/testA" | tail -n 1)"
	echo "$tag B->A->B: $("${jar[@]}" evaluate --translated "$out/eval-$tag/recB" --ground_truth "$out/testB" | tail -n 1)"
}
"${jar[@]}" train-cyclegan "${options[@]}" --n_epochs 1 --overwrite
cycle_psnr "$out/p2c.zip" epoch1
for s in $(seq 2 "$stages"); do
	"${jar[@]}" train-cyclegan "${options[@]}" --n_epochs "$s" --resume | grep -v '^iteration\|^epoch'
	cycle_psnr "$out/p2c.zip" "epoch$s"
done
"${jar[@]}" info --model "$out/p2c.zip" | tail -n $((stages + 1))
echo "Preview of training samples: $out/p2c.samples.png"
