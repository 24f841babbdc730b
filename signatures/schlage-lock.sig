# schlage-lock: event signature written by iotfp-learn from
#   schlage-lock-01.pcap with schlage-lock-01.labels.csv (device 192.168.1.122)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 23 labelled bursts, 360 unlabelled (25 distinct shapes kept as 'other'); window 3 s, offset 1 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model schlage-lock
platform aws-iot
match cloud a30hje92j76kem.iot.*.amazonaws.com
match port 8883
burst_gap_ms 1500
k 1

event lock|unlock
privacy door
threshold 5
sample +1445 +405 -69 +389 -69 +389 -69
sample +1445 +421 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +69 -69 +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +405 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +405 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69
sample +1445 +421 -69 +389 -69

event batt
threshold 1
sample +84 -1460 -1314 +1460 +332 +267 +269 +6 +85 -91 +117 -69 +133 -69 +1445 +357 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69 +1445 +357 -69

event other
threshold 5
sample +1445 +405 -69
sample +1445 +421 -69
sample -69
sample +69 -69
sample +69 -69 +1445 +357 -69 +389 -69 +389 -69
sample +1445 +357 -69
sample +69 -69 +1445 +421 -69
sample +69 -69 +1445 +405 -69 +389 -69 +389 -69
sample +1445 +357 -69 +389 -69 +389 -69
sample +1445 +341 -69 +389 -69 +389 -69
sample +1445 +341 -69
sample +1445 +437 -69
sample +69 -69 +1445 +437 -69
sample +69 -69 +1445 +373 -69 +389 -69 +389 -69
sample +1445 +373 -69
sample +69 -69 +1445 +341 -69 +389 -69 +389 -69
sample +84 -1460 -1314 +1460 +332 +267 +269 +6 +85 -91 +117 -69
sample +133 -69 +1445 +357 -69 +389 -69 +389 -69
sample +389 -69 +1445 +357 -69
sample +69 +1445 +357 -69 +389 -69 +389 -69
sample +84 -1460 -1314 +1460 +332 +267 +269 +6 +85 -91 +117 -69 +133 -69
sample +421 -69
sample +69 -69 -69 +389 -69 +389 -69
sample +69 -69 +1445 +405 -69
sample +84 -1460 -1314 +1460 +332 +267 +269 +6 +85 -91 +117 -69 +133 -69 +1445 +341 -69 +389 -69 +389 -69 +389 -69 +389 -69 +389 -69

end
