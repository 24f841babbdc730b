iotfp-signature 1
model mijia-gateway
match port 8053
burst_gap_ms 1500
k 1

action_padding block 16
action_overhead 32
action_base 52
action_tolerance 3
action_max 5
action_command to-device 1
action ac.cool 117 0.14565004887585534
action curtain.close 55 0.08113391984359726
action lamp1.off 62 0.18475073313782991
action lamp1.on 60 0.14467253176930597
action lamp2.dim 80 0.18279569892473119
action plug.off 51 0.063538611925708699
action speaker.chime 127 0.19745845552297164
action_residual -3 0.14944740469574849 0.14963677621542265 0.15038590485371667 0.14995609646984248 0.13860591412798476 0.13849501007596765 0.12347289356131734
action_counts 0.0032679738562091504 0.039215686274509803 0.26470588235294118 0.098039215686274508 0.44444444444444442 0.15032679738562091
action_scene 8 curtain.close+lamp1.off+lamp1.on 0,0,0,0,0,0,4,3,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0
action_scene 1 ac.cool+lamp1.off 0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0
action_scene 1 curtain.close 0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0
action_scene 11 ac.cool+lamp1.off+lamp1.on+plug.off+speaker.chime 0,0,0,0,0,0,0,0,0,0,3,5,1,1,0,0,0,1,0,0,0,0,0,0
action_scene 96 ac.cool+lamp1.off+lamp2.dim+speaker.chime 0,0,0,0,0,0,0,0,0,0,0,1,14,41,36,3,1,0,0,0,0,0,0,0
action_scene 31 lamp1.on+speaker.chime 0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,18,9,1,1,0,0,0,0,0
action_scene 13 curtain.close+lamp1.off+lamp1.on+lamp2.dim+plug.off 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4,9,0,0,0
action_scene 32 lamp1.off+lamp1.on+lamp2.dim+speaker.chime 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,5,15,7,4
action_scene 2 ac.cool+lamp1.off+lamp2.dim+lamp2.dim+plug.off 0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,1,0,0,0
action_scene 7 ac.cool+lamp2.dim 0,0,0,0,0,0,0,0,0,0,3,1,1,0,1,0,0,0,0,1,0,0,0,0
action_scene 1 curtain.close+lamp1.off+lamp1.off+lamp1.on+lamp1.on 0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0
action_scene 1 ac.cool+plug.off+plug.off 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0
action_scene 1 ac.cool+lamp1.on+plug.off 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0
action_scene 6 curtain.close+lamp1.off+lamp1.on+plug.off+speaker.chime 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,3,0
action_scene 18 curtain.close+lamp1.on 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,3,9,5
action_scene 2 lamp1.off+lamp1.on 0,0,0,0,0,0,0,1,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0
action_scene 8 lamp2.dim+plug.off 0,0,0,0,0,0,0,0,2,5,1,0,0,0,0,0,0,0,0,0,0,0,0,0
action_scene 8 curtain.close+lamp2.dim+speaker.chime 0,0,0,0,0,0,0,0,0,0,0,0,1,4,3,0,0,0,0,0,0,0,0,0
action_scene 1 lamp2.dim 0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
