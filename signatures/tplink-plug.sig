# tplink-plug: event signature written by iotfp-learn from
#   tplink-plug.pcap with tplink-plug.labels.csv (device 192.168.1.23)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 23 labelled bursts, 1 unlabelled (0 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 1
model tplink-plug
platform tplink
match platform tplink
match port 443
burst_gap_ms 1500
k 1

event power_off
privacy power
threshold 5
sample -253 +137 +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -34 -1176
sample -244 +151 -244 +151 -253 +137 +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -34 -1176
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +504 -1149 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -34 -1176
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +531 -1176 -34

event power_on
privacy power
threshold 2
sample -253 +137 +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -34 -1175
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -34 -1175
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -34 -1175
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +63 -57 +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -34 -1175
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
sample +142 -1452 -1452 -1452 -853 -853 +126 -51 +530 -1175 -34
