# comment only
iotfp-signature 1
model m
burst_gap_ms 10
event a|b
threshold 1e3
sample -1 +65535
