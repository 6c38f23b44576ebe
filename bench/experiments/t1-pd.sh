#!/usr/bin/env bash
# pix2pix T1 -> PD on the BrainWeb slice of ../shared/data/mri-t1-pd: trains on the upper 120 rows and
# evaluates on the lower 97 rows (other anatomy), against the untrained model and the identity baseline.
# Usage: bench/experiments/t1-pd.sh [OUT_DIR] [EPOCHS]   (needs ../shared/data; run bench/run once first to build)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/experiments/t1-pd}
epochs=${2:-300}
data=../shared/data/mri-t1-pd
cp="target/bench-classes:target/classes:target/lib/*"
jar=(java -jar target/image-translation-0.1.0-SNAPSHOT.jar)
crop=(java -cp "$cp" io.github.imagetranslation.bench.CropImage)
mkdir -p "$out"/{train/t1,train/pd,test/t1,test/pd}
"${crop[@]}" $data/BrainT1Slice.png "$out/train/t1/slice.tif" 0 0 0 120
"${crop[@]}" $data/BrainProtonDensitySlice.png "$out/train/pd/slice.tif" 0 0 0 120
"${crop[@]}" $data/BrainT1Slice.png "$out/test/t1/slice.tif" 0 120 0 0
"${crop[@]}" $data/BrainProtonDensitySlice.png "$out/test/pd/slice.tif" 0 120 0 0
common=(--input "$out/train/t1" --target "$out/train/pd" --generator unet_64 --patch_size 64 --progress_seconds 30)
"${jar[@]}" train-pix2pix "${common[@]}" --model "$out/untrained.zip" --n_epochs 1 --n_epochs_decay 0 --lr 1e-12 --overwrite
"${jar[@]}" train-pix2pix "${common[@]}" --model "$out/t1pd.zip" --n_epochs $((epochs / 2)) --n_epochs_decay $((epochs / 2)) --overwrite
for m in t1pd untrained; do
	"${jar[@]}" translate --model "$out/$m.zip" --input "$out/test/t1" --output "$out/test/$m" --overwrite
	echo "== $m"
	"${jar[@]}" evaluate --translated "$out/test/$m" --ground_truth "$out/test/pd" | tail -n 1
done
echo "== identity (T1 itself)"
"${jar[@]}" evaluate --translated "$out/test/t1" --ground_truth "$out/test/pd" | tail -n 1
