#!/bin/bash
while pgrep -f /tmp/bf3/run.sh >/dev/null; do sleep 5; done
cd /work/main/resnet-bench/target/dist
O=/tmp/bf3
run() { name=$1; shift; echo "=== $(date +%T) load $(cut -d' ' -f1 /proc/loadavg) $name: bin/resnet-bench $*" >> $O/log; /usr/bin/time -f "peakKB %M wall %e" -o $O/$name.time bin/resnet-bench "$@" --with-ceiling --format json --output $O/$name.json > $O/$name.txt 2>&1; cat $O/$name.time >> $O/log; }
for r in 1 2; do
run v50-b1-t00-r$r forward --model resnet_v2_50 --batch-size 1 --warmup 10 --num-batches 50
run v50-b1-t21-r$r forward --model resnet_v2_50 --batch-size 1 --warmup 10 --num-batches 50 --intra-op-threads 2 --inter-op-threads 1
run v50-b1-t11-r$r forward --model resnet_v2_50 --batch-size 1 --warmup 10 --num-batches 50 --intra-op-threads 1 --inter-op-threads 1
run v50-b32-t00-r$r forward --model resnet_v2_50 --warmup 2 --num-batches 10
run v50-b32-t21-r$r forward --model resnet_v2_50 --warmup 2 --num-batches 10 --intra-op-threads 2 --inter-op-threads 1
done
echo "=== done threads $(date +%T)" >> $O/log
