# smartthings-sensor: event signature written by iotfp-learn from
#   smartthings-sensor.pcap with smartthings-sensor.labels.csv (device 192.168.1.22)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 7 labelled bursts, 0 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model smartthings-sensor
platform smartthings
match platform smartthings
match port 443
burst_gap_ms 1500
k 1

event move|nomove
privacy movement
threshold 1
sample +358 -47
sample +353 -47
sample +353 -47
sample +354 -47
sample +353 -47

event nowater|water
privacy water
threshold 1
sample +351 -47
sample +352 -47

end
