# tplink-plug: event signature written by iotfp-learn from
#   tplink-plug.pcap with tplink-plug.labels.csv (device 192.168.1.23)
#   tplink-plug.wlan2.4.pcap with tplink-plug.activity.txt (device 192.168.1.135)
#   1724059939.pcap with 1724059939.labels.csv (device 192.168.1.135)
#   1724060053.pcap with 1724060053.labels.csv (device 192.168.1.135)
#   1724060140.pcap with 1724060140.labels.csv (device 192.168.1.135)
# on the earliest 60% of each event class and of the unlabelled bursts, in time order;
# 40 labelled bursts, 18 unlabelled (11 distinct shapes kept as 'other'); window 1 s, offset 0 s.
# Format: signatures/README.md. Regenerate: make signatures.
iotfp-signature 2
model tplink-plug
platform tplink
match platform tplink
match port 443
burst_gap_ms 1500
shape messages
k 1

event power_off
privacy power
threshold 5
sample -248 +132 +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -29 -1171
sample -239 +146 -239 +146 -248 +132 +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -29 -1171
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +499 -1144 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -29 -1171
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +526 -1171 -29

event power_on
privacy power
threshold 2
sample -248 +132 +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -29 -1170
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -29 -1170
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -29 -1170
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +58 -52 +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -29 -1170
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29
sample +137 -1447 -1447 -1447 -848 -848 +121 -46 +525 -1170 -29

event power_on/off
privacy power
threshold 0.5
sample +518 -1161 -29
sample +519 -1162 -29
sample -201 +131
sample -201 +131
sample -201 +131
sample -201 +131
sample -202 +132
sample +519 -1162 -29
sample +518 -1161 -29
sample +519 -1162 -29
sample +518 -1161 -29
sample +519 -1162 -29
sample +518 -1161 -29
sample -202 +132
sample +518 -1218 -29
sample +519 -1219 -29
sample +518 -1219 -29

event other
threshold 4.1915581405410753
sample +307 -1448 -1448 -527
sample +499 -93 +156 -84
sample -31
sample +164 -195
sample +835 -1294 -29
sample -126 -126 +145 +145
sample +57 -51
sample -126 +145
sample -120 +749
sample -121 +750
sample -121 +751

end
