# tuya-plug: event signature written by iotfp-learn from
#   tuya-plug.pcap with tuya-plug.labels.csv (device 192.168.1.27)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 3 labelled bursts, 0 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model tuya-plug
platform tuya
match platform tuya
match port 8883
burst_gap_ms 1500
k 1

event power_on/off|timer_on
privacy power
threshold 1
sample +213 -69
sample +213 -69

event ds_on/off
privacy power
threshold 1
sample -261 +197

end
