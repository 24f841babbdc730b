iotfp-signature 1
model tplink-plug
platform tplink
match port 443
match cloud *.tplinkra.com
burst_gap_ms 1500
k 3

event power_on
privacy power
threshold 0.25
sample +142 -1452 -1452 -853 +126 -51 +530
event other
sample +32 -32
