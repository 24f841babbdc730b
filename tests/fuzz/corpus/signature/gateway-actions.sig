iotfp-signature 1
model mijia-gateway
platform mijia
match port 8053
burst_gap_ms 1500
k 1

action_padding block 16
action_overhead 32
action_base 61
action_tolerance 2
action_max 10
action_command to-device 1
action lamp1.on 41 0.25
action lamp1.off 42 0.125
action curtain.close 57 0.5
