# smartthings-plug: event signature written by iotfp-learn from
#   smartthings-plug.pcap with smartthings-plug.labels.csv (device 192.168.1.26)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 4 labelled bursts, 0 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model smartthings-plug
platform smartthings
match platform smartthings
match port 443
burst_gap_ms 1500
k 1

event power_off|power_on
privacy power
threshold 1
sample -216 +47 +351 -47 +352 -47
sample -216 +47 +349 -47 +351 -47
sample -216 +47 +350 -47 +352 -47
sample -216 +47 +350 -47 +351 -47

end
