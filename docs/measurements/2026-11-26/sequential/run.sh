#!/bin/bash
# Quiet-machine measurements for docs/benchmarks.md; every run's JSON kept, peak RSS from /usr/bin/time.
cd /work/main/resnet-bench/target/dist
O=/tmp/bf
run() { name=$1; shift; echo "=== $(date +%T) load $(cut -d' ' -f1 /proc/loadavg) $name: bin/resnet-bench $*" >> $O/log; /usr/bin/time -f "peakKB %M wall %e" -o $O/$name.time bin/resnet-bench "$@" --format json --output $O/$name.json > $O/$name.txt 2>&1; cat $O/$name.time >> $O/log; }
run ceiling1 ceiling
run v50-opt forward --model resnet_v2_50
run v50-noopt forward --model resnet_v2_50 --no-optimize
run ceiling2 ceiling
run v152-opt forward --model resnet_v2_152
run v152-noopt forward --model resnet_v2_152 --no-optimize
run ceiling3 ceiling
run v50-b1-opt forward --model resnet_v2_50 --batch-size 1
run v50-b1-noopt forward --model resnet_v2_50 --batch-size 1 --no-optimize
run v152-b1-opt forward --model resnet_v2_152 --batch-size 1
run v152-b1-noopt forward --model resnet_v2_152 --batch-size 1 --no-optimize
run v50-t21 forward --model resnet_v2_50 --warmup 5 --num-batches 30 --intra-op-threads 2 --inter-op-threads 1
run v50-t00 forward --model resnet_v2_50 --warmup 5 --num-batches 30
run v50-t12 forward --model resnet_v2_50 --warmup 5 --num-batches 30 --intra-op-threads 1 --inter-op-threads 2
run v50-bf16 forward --model resnet_v2_50 --precision bf16 --warmup 2 --num-batches 10
run v152-bf16 forward --model resnet_v2_152 --precision bf16 --warmup 1 --num-batches 5
run v50-fb forward --model resnet_v2_50 --mode forward-backward --warmup 2 --num-batches 10
run v50-train forward --model resnet_v2_50 --mode train --warmup 2 --num-batches 10
run v50-inf10 forward --model resnet_v2_50 --warmup 2 --num-batches 10 --no-optimize
run ceiling4 ceiling
echo "=== done $(date +%T)" >> $O/log
