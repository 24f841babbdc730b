# jd-gateway: event signature written by iotfp-learn from
#   jd-gateway.pcap with jd-gateway.labels.csv (device 192.168.1.21)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 45 labelled bursts, 8 unlabelled (1 distinct shape kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model jd-gateway
platform joylink
match platform joylink
match port 2002
burst_gap_ms 1500
k 1

event power_on/off
privacy power
threshold 1
sample -32 +32 +32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 -32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 -32
sample -32 +32 +32 -32

event ds_on/off
privacy power
threshold 5
sample -288 +48 +32 -32
sample -48 +48 +304 -64
sample -256 +48 +32 -32 +304 -64 +32 -32
sample -48 +48 +304 -64
sample -240 +48 +32 +304 -64 +32 -32
sample -48 +304 +48 +304 -64
sample -48 +48 +304 -64
sample -48 +48 +304 -64
sample -48 +48 +352 -64
sample -48 +48 +352 -64
sample -288 +48 +32 +32 -32 +352 -64 +32 -32 +32 -32 +48 -48
sample -48 +48 +352 -64
sample -288 +48 +32 -32 +352 -64
sample -48 +48 +352 -64 -64
sample -288 +48 +32 -32 +352 -64 +32 -32
sample -48 +48 +352 -64
sample -288 +48 +32 -32 +352 -64
sample -48 +48 +32 -32 +352 -64
sample -256 +48 +32 -32 +352 -64
sample -48 +48 +352 -64
sample -256 +48 +32 -32 +352 -64
sample -48 +48 +352 -64
sample -256 +48 +352 -64 +32 -32
sample -48 +48 +352 -64
sample -256 +48 +32 +352 -64 +32 -32
sample -48 +48 +352 -64
sample -240 +48 +32 +32 -32 +352 -64
sample -48 +48 +352 -64
sample -240 +48 +32 -32 +352 -64
sample -48 +48 +352 -64
sample -240 +48 +32 -32 +352 -64
sample -48 +48 +352 -64
sample -240 +48 +32 -32 +352 -64
sample -48 +48 +352 -64

event aqmode_on
privacy presence
threshold 1
sample -32 +32 +32 -32 +32 -32 -32

event other
threshold 1
sample +48 -48

end
