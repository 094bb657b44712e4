#!/bin/bash
# Issue-6 measurements, every run with --with-ceiling (a ceiling step after each timed step, same process).
cd /work/main/resnet-bench/target/dist
O=/tmp/bf3
run() { name=$1; shift; echo "=== $(date +%T) load $(cut -d' ' -f1 /proc/loadavg) $name: ${FW:+TF_ONEDNN_ASSUME_FROZEN_WEIGHTS=1 }bin/resnet-bench $*" >> $O/log; if [ -n "$FW" ]; then export TF_ONEDNN_ASSUME_FROZEN_WEIGHTS=1; else unset TF_ONEDNN_ASSUME_FROZEN_WEIGHTS; fi; /usr/bin/time -f "peakKB %M wall %e" -o $O/$name.time bin/resnet-bench "$@" --with-ceiling --format json --output $O/$name.json > $O/$name.txt 2>&1; cat $O/$name.time >> $O/log; }
C="--warmup 3 --num-batches 20"
# Each network and batch as optimized, --no-optimize, and optimized with TF_ONEDNN_ASSUME_FROZEN_WEIGHTS=1.
variants() { local net=$1; shift; run $net-opt "$@"; run $net-noopt "$@" --no-optimize; FW=1 run $net-opt-fw "$@"; }
variants v152-b32 forward --model resnet_v2_152 $C
variants v50-b32 forward --model resnet_v2_50 $C
B="--batch-size 1 --warmup 10 --num-batches 100"
variants v50-b1 forward --model resnet_v2_50 $B
variants v152-b1 forward --model resnet_v2_152 $B
run v50-b32-bf16   forward --model resnet_v2_50 --precision bf16 --warmup 1 --num-batches 5
run v50-b32-bf16-noopt forward --model resnet_v2_50 --precision bf16 --warmup 1 --num-batches 5 --no-optimize
run v152-b32-bf16  forward --model resnet_v2_152 --precision bf16 --warmup 1 --num-batches 3
run v50-b1-bf16    forward --model resnet_v2_50 --precision bf16 --batch-size 1 --warmup 3 --num-batches 20
run v152-b1-bf16   forward --model resnet_v2_152 --precision bf16 --batch-size 1 --warmup 3 --num-batches 20
echo "=== done $(date +%T)" >> $O/log
