iotfp-signature 1
model tls-gateway
match port 443
burst_gap_ms 1500

event other
sample +32 -32

action_padding tls12-gcm
action_overhead 0
action_base 120
action_max 31
action_command from-device 2
action fan.speed_2 37 0.3333333333333333
