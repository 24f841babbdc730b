# jd-plug: event signature written by iotfp-learn from
#   jd-plug.pcap with jd-plug.labels.csv (device 192.168.1.25)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 3 labelled bursts, 0 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model jd-plug
platform joylink
match platform joylink
match port 2002
burst_gap_ms 1500
k 1

event power_off|power_on
privacy power
threshold 1
sample -144 +96 +96
sample -144 +96 +96
sample -144 +96 +96

end
