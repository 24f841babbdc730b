# huawei-lamp: event signature written by iotfp-learn from
#   huawei-lamp.pcap with huawei-lamp.labels.csv (device 192.168.1.24)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 22 labelled bursts, 0 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model huawei-lamp
platform huawei-iot
match platform huawei-iot
match port 443
burst_gap_ms 1500
k 1

event power_on/off
privacy power
threshold 1
sample -168 +201 +206 -60
sample -168 +201 +206 -60
sample -168 +201 +206 -60
sample -168 +201 +206 -60

event moshi
privacy presence
threshold 1
sample -188 +201 +206 -60 -171 +201 +206 -60
sample -188 +201 +206 -60 -171 +201 +206 -60
sample -188 +201 +206 -60 -171 +201 +206 -60

event gnhx
privacy presence
threshold 1
sample -211 +201 +238 -60 +238 -60
sample -211 +201 +238 -60 +238 -60

event tjsw
privacy presence
threshold 1
sample -200 +201 +222 -60
sample -200 +201 +222 -60

event tjld
privacy presence
threshold 1
sample -188 +201 +206 -60
sample -188 +201 +206 -60
sample -188 +201 +206 -60

event zrhx
privacy presence
threshold 1
sample -215 +201 +476 -60 -60
sample -215 +201 +476 -60 -60

event ds
privacy power
threshold 1
sample -247 +201 +270 -60 +206 -60
sample -247 +201 +286 -60 +206 -60

event timer_on
privacy power
threshold 1
sample -231 +201 +286 -60 +286 -60
sample -231 +201 +286 -60 +286 -60

event timer_off
privacy power
threshold 2.1626016260162602
sample -199 +201 +206 -60 +286 -60
sample -199 +201 +492 -60 -60

end
