/* scenario_tables.c - the scenarios iotfp-gen knows, as data. */
#include "miio_encoder.h"
#include "scenario_spec.h"

/* ---- The demo home ---------------------------------------------------- */

static const ExchangeSpec SMART_PLUG_EVENTS[] = {
    /* The cloud answers power_on with the plug's schedule: two segments. */
    { { "power_on", TRUE }, { +181, -1733, +53 } },
    { { "power_off", TRUE }, { +165, -85 } },
};
static const ExchangeSpec MOTION_SENSOR_SETUP = { { "other", FALSE }, { +245, -101 } };
static const ExchangeSpec MOTION_SENSOR_EVENTS[] = {
    { { "motion", TRUE }, { +149, -69 } },
};
static const ExchangeSpec MOTION_SENSOR_HEARTBEAT = { { "other", FALSE }, { +45, -45 } };
/* Proprietary UDP protocol: 16-byte blocks after a 32-byte header. */
static const ExchangeSpec UDP_SWITCH_EVENTS[] = {
    { { "on", TRUE }, { +96, -48 } },
    { { "off", TRUE }, { +80, -48 } },
};
static const ExchangeSpec UDP_SWITCH_HEARTBEAT = { { "other", FALSE }, { +48, -32 } };
static const ExchangeSpec DOOR_LOCK_EVENTS[] = {
    { { "lock", TRUE }, { +213, -117, +45 } },
    { { "unlock", TRUE }, { +197, -117, +45 } },
};
/* The phone's app polling the plug's local API. */
static const ExchangeSpec PHONE_LOCAL_SESSIONS[] = {
    { { "other", FALSE }, { +24, -120, +24, -64 } },
};
static const ExchangeSpec DISCOVERY_ANNOUNCEMENT = { { "other", FALSE }, { +172 } };

static const DeviceSpec DEMO_DEVICES[] = {
    {
        .label = "smart-plug",
        .transport = TRANSPORT_TLS_PER_EVENT,
        .mac = "02:00:00:00:01:23",
        .address = "192.168.1.23",
        .peer_address = "203.0.113.23",
        .peer_port = 443,
        .peer_name = "plug-cloud.example.com",
        .lookup = LOOKUP_A,
        .compress_dns = TRUE,
        .server_flight_size = 1322,
        .events = SMART_PLUG_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(SMART_PLUG_EVENTS),
        .event_count = 8,
        .retransmitted_event = 2,
        .backdated_event = 5,
    },
    {
        .label = "motion-sensor",
        .transport = TRANSPORT_TLS_PERSISTENT,
        .mac = "02:00:00:00:01:22",
        .address = "192.168.1.22",
        .peer_address = "198.51.100.22",
        .peer_port = 8883,
        .peer_name = "sensor.example.net",
        .lookup = LOOKUP_AAAA_AND_A,
        .peer_aaaa_address = "2001:db8:5e::22",
        .server_flight_size = 1146,
        .setup = &MOTION_SENSOR_SETUP,
        .events = MOTION_SENSOR_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(MOTION_SENSOR_EVENTS),
        .event_count = 5,
        .heartbeat = &MOTION_SENSOR_HEARTBEAT,
        .heartbeat_interval_s = 60,
    },
    {
        .label = "udp-switch",
        .transport = TRANSPORT_UDP,
        .mac = "02:00:00:00:01:30",
        .address = "192.168.1.30",
        .peer_address = "198.51.100.30",
        .peer_port = 8053,
        .events = UDP_SWITCH_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(UDP_SWITCH_EVENTS),
        .event_count = 6,
        .heartbeat = &UDP_SWITCH_HEARTBEAT,
        .heartbeat_interval_s = 40,
    },
    {
        .label = "door-lock",
        .transport = TRANSPORT_TLS_PER_EVENT,
        .mac = "02:00:00:00:06:30",
        .address = "fd00:1::30",
        .peer_address = "2001:db8::443",
        .peer_port = 443,
        .peer_name = "lock.example.org",
        .server_flight_size = 1380,
        .events = DOOR_LOCK_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(DOOR_LOCK_EVENTS),
        .event_count = 4,
    },
    {
        .label = "phone",
        .transport = TRANSPORT_TCP_PER_EVENT,
        .mac = "02:00:00:00:01:50",
        .address = "192.168.1.50",
        .peer_address = "192.168.1.23",
        .peer_port = 9999,
        .events = PHONE_LOCAL_SESSIONS,
        .n_event_kinds = G_N_ELEMENTS(PHONE_LOCAL_SESSIONS),
        .event_count = 3,
    },
    {
        .label = "discovery-beacon",
        .transport = TRANSPORT_UDP,
        .mac = "02:00:00:00:01:40",
        .address = "192.168.1.40",
        .peer_address = "255.255.255.255",
        .peer_port = 6667,
        .heartbeat = &DISCOVERY_ANNOUNCEMENT,
        .heartbeat_interval_s = 5,
    },
};

/* ---- A Mijia home: Xiaomi miIO under a known token ----------------------- */

/* A smart plug and the phone app that controls it on the LAN. Every packet
 * is real miIO, encrypted under this test token (miio_encoder.h), so that
 * the dissector can be checked with and without it. */
#define MIIO_PLUG_ID 123456789u /* 0x075bcd15 */
#define MIIO_PLUG_TOKEN "000102030405060708090a0b0c0d0e0f"
#define MIIO_HOME_START_S 1700003600 /* 2023-11-14 23:13:20 UTC */

/* The cloud switches the plug; the plug answers, then reports its state. */
static const ExchangeSpec MIIO_PLUG_EVENTS[] = {
    { { "power_on", TRUE }, { -96, +64, +96, -64 } },
    { { "power_off", TRUE }, { -96, +64, +96, -64 } },
};
static const MiioMessage MIIO_PLUG_EVENT_MESSAGES[][MAX_EXCHANGE_MESSAGES] = {
    { { MIIO_MSG_JSON, "{\"id\":101,\"method\":\"set_power\",\"params\":[\"on\"]}" },
      { MIIO_MSG_JSON, "{\"id\":101,\"result\":[\"ok\"]}" },
      { MIIO_MSG_JSON, "{\"id\":9001,\"method\":\"props\",\"params\":{\"power\":\"on\"}}" },
      { MIIO_MSG_JSON, "{\"id\":9001,\"result\":\"ok\"}" } },
    { { MIIO_MSG_JSON, "{\"id\":102,\"method\":\"set_power\",\"params\":[\"off\"]}" },
      { MIIO_MSG_JSON, "{\"id\":102,\"result\":[\"ok\"]}" },
      { MIIO_MSG_JSON, "{\"id\":9002,\"method\":\"props\",\"params\":{\"power\":\"off\"}}" },
      { MIIO_MSG_JSON, "{\"id\":9002,\"result\":\"ok\"}" } },
};
static const ExchangeSpec MIIO_PLUG_HEARTBEAT = { { "other", FALSE }, { +32, -32 } };
static const MiioMessage MIIO_PLUG_HEARTBEAT_MESSAGES[MAX_EXCHANGE_MESSAGES] = {
    { MIIO_MSG_KEEPALIVE, NULL },
    { MIIO_MSG_KEEPALIVE, NULL },
};
static const MiioDeviceSpec MIIO_PLUG = {
    .device_id = MIIO_PLUG_ID,
    .token = MIIO_PLUG_TOKEN,
    .boot_s = MIIO_HOME_START_S - 86400,
    .events = MIIO_PLUG_EVENT_MESSAGES,
    .heartbeat = MIIO_PLUG_HEARTBEAT_MESSAGES,
};

/* The app: a hello, the plug's hello reply (the second time with the token
 * in it, as some firmware does), a command and its answer. */
static const ExchangeSpec MIIO_APP_SESSIONS[] = {
    { { "other", FALSE }, { +32, -32, +80, -64 } },
    { { "other", FALSE }, { +32, -32, +96, -64 } },
};
static const MiioMessage MIIO_APP_MESSAGES[][MAX_EXCHANGE_MESSAGES] = {
    { { MIIO_MSG_HELLO, NULL },
      { MIIO_MSG_HELLO_REPLY, NULL },
      { MIIO_MSG_JSON, "{\"id\":1,\"method\":\"set_power\",\"params\":[\"on\"]}" },
      { MIIO_MSG_JSON, "{\"id\":1,\"result\":[\"ok\"]}" } },
    { { MIIO_MSG_HELLO, NULL },
      { MIIO_MSG_HELLO_REPLY_TOKEN, NULL },
      { MIIO_MSG_JSON, "{\"id\":2,\"method\":\"get_prop\",\"params\":[\"power\"]}" },
      { MIIO_MSG_JSON, "{\"id\":2,\"result\":[\"on\"]}" } },
};
static const MiioDeviceSpec MIIO_APP = {
    .device_id = MIIO_PLUG_ID,
    .token = MIIO_PLUG_TOKEN,
    .boot_s = MIIO_HOME_START_S - 86400,
    .events = MIIO_APP_MESSAGES,
};

static const DeviceSpec MIIO_DEVICES[] = {
    {
        .label = "mijia-plug",
        .transport = TRANSPORT_UDP,
        .mac = "02:00:00:00:01:61",
        .address = "192.168.1.61",
        .peer_address = "198.51.100.53",
        .peer_port = 8053,
        .events = MIIO_PLUG_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(MIIO_PLUG_EVENTS),
        .event_count = 4,
        .heartbeat = &MIIO_PLUG_HEARTBEAT,
        .heartbeat_interval_s = 40,
        .miio = &MIIO_PLUG,
    },
    {
        .label = "mi-home-app",
        .transport = TRANSPORT_UDP,
        .mac = "02:00:00:00:01:50",
        .address = "192.168.1.50",
        .peer_address = "192.168.1.61",
        .peer_port = 54321,
        .events = MIIO_APP_SESSIONS,
        .n_event_kinds = G_N_ELEMENTS(MIIO_APP_SESSIONS),
        .event_count = 3,
        .miio = &MIIO_APP,
    },
};


/* ---- The home of make demo ----------------------------------------------
 *
 * Five devices on five IoT clouds, each identifiable as a real one would be
 * (SNI and DNS names, miIO and Joylink headers), an evening at home with half
 * an hour out, so that the activity rules have something to find. The
 * devices' traffic is made up; the platforms' names and framings are real. */

static const ExchangeSpec KASA_PLUG_HEARTBEAT = { { "other", FALSE }, { +133, -101 } };
static const ExchangeSpec TUYA_MOTION_EVENTS[] = {
    { { "motion", TRUE }, { +149, -69 } },
};
static const ExchangeSpec JD_PURIFIER_EVENTS[] = {
    { { "power_on", TRUE }, { +96, -64 } },
    { { "power_off", TRUE }, { +80, -64 } },
    { { "aqmode_on", TRUE }, { +112, -64, +48 } },
};
static const ExchangeSpec JD_PURIFIER_HEARTBEAT = { { "other", FALSE }, { +32, -32 } };
static const ExchangeSpec SMART_LOCK_HEARTBEAT = { { "other", FALSE }, { +45, -45 } };

/* A Yeelight-style lamp: the cloud switches it or sets its brightness, the
 * lamp answers and reports its new state. */
static const ExchangeSpec MIIO_LAMP_EVENTS[] = {
    { { "power_on", TRUE }, { -96, +64, +96, -64 } },
    { { "set_bright", TRUE }, { -96, +64, +112, -64 } },
};
static const MiioMessage MIIO_LAMP_EVENT_MESSAGES[][MAX_EXCHANGE_MESSAGES] = {
    { { MIIO_MSG_JSON, "{\"id\":101,\"method\":\"set_power\",\"params\":[\"on\"]}" },
      { MIIO_MSG_JSON, "{\"id\":101,\"result\":[\"ok\"]}" },
      { MIIO_MSG_JSON, "{\"id\":9001,\"method\":\"props\",\"params\":{\"power\":\"on\"}}" },
      { MIIO_MSG_JSON, "{\"id\":9001,\"result\":\"ok\"}" } },
    { { MIIO_MSG_JSON, "{\"id\":103,\"method\":\"set_bright\",\"params\":[30,\"smooth\",500]}" },
      { MIIO_MSG_JSON, "{\"id\":103,\"result\":[\"ok\"]}" },
      { MIIO_MSG_JSON, "{\"id\":9003,\"method\":\"props\",\"params\":{\"bright\":30,\"power\":\"on\"}}" },
      { MIIO_MSG_JSON, "{\"id\":9003,\"result\":\"ok\"}" } },
};
#define MIIO_LAMP_ID 246813579u
static const MiioDeviceSpec MIIO_LAMP = {
    .device_id = MIIO_LAMP_ID,
    .token = MIIO_PLUG_TOKEN,
    .boot_s = 1700000000 - 86400,
    .events = MIIO_LAMP_EVENT_MESSAGES,
    .heartbeat = MIIO_PLUG_HEARTBEAT_MESSAGES,
};

static const DeviceSpec HOME_DEVICES[] = {
    {
        .label = "kasa-plug",
        .transport = TRANSPORT_TLS_PER_EVENT,
        .mac = "02:00:00:00:02:23",
        .address = "192.168.1.23",
        .peer_address = "203.0.113.23",
        .peer_port = 443,
        .peer_name = "use1-api.tplinkra.com",
        .lookup = LOOKUP_A,
        .server_flight_size = 1322,
        .events = SMART_PLUG_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(SMART_PLUG_EVENTS),
        .event_count = 6,
        .heartbeat = &KASA_PLUG_HEARTBEAT,
        .heartbeat_interval_s = 120,
        .retransmitted_event = 2,
    },
    {
        .label = "tuya-motion",
        .transport = TRANSPORT_TLS_PERSISTENT,
        .mac = "02:00:00:00:02:22",
        .address = "192.168.1.22",
        .peer_address = "198.51.100.22",
        .peer_port = 8883,
        .peer_name = "m1.tuyaus.com",
        .lookup = LOOKUP_AAAA_AND_A,
        .peer_aaaa_address = "2001:db8:5e::22",
        .server_flight_size = 1146,
        .setup = &MOTION_SENSOR_SETUP,
        .events = TUYA_MOTION_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(TUYA_MOTION_EVENTS),
        .event_count = 8,
        .heartbeat = &MOTION_SENSOR_HEARTBEAT,
        .heartbeat_interval_s = 60,
    },
    {
        .label = "mijia-lamp",
        .transport = TRANSPORT_UDP,
        .mac = "02:00:00:00:02:61",
        .address = "192.168.1.61",
        .peer_address = "198.51.100.53",
        .peer_port = 8053,
        .events = MIIO_LAMP_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(MIIO_LAMP_EVENTS),
        .event_count = 6,
        .heartbeat = &MIIO_PLUG_HEARTBEAT,
        .heartbeat_interval_s = 40,
        .miio = &MIIO_LAMP,
    },
    {
        .label = "jd-purifier",
        .transport = TRANSPORT_TCP_PER_EVENT,
        .mac = "02:00:00:00:02:70",
        .address = "192.168.1.70",
        .peer_address = "198.51.100.70",
        .peer_port = 2002,
        .events = JD_PURIFIER_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(JD_PURIFIER_EVENTS),
        .event_count = 6,
        .heartbeat = &JD_PURIFIER_HEARTBEAT,
        .heartbeat_interval_s = 90,
        .joylink = TRUE,
    },
    {
        .label = "smart-lock",
        .transport = TRANSPORT_TLS_PERSISTENT,
        .mac = "02:00:00:00:06:31",
        .address = "fd00:1::31",
        .peer_address = "2001:db8::8883",
        .peer_port = 8883,
        .peer_name = "a3k7odshaiipe8-ats.iot.us-east-1.amazonaws.com",
        .server_flight_size = 1380,
        .events = DOOR_LOCK_EVENTS,
        .n_event_kinds = G_N_ELEMENTS(DOOR_LOCK_EVENTS),
        .event_count = 4,
        .heartbeat = &SMART_LOCK_HEARTBEAT,
        .heartbeat_interval_s = 60,
    },
};

const ScenarioSpec scenario_table[] = {
    {
        .name = "demo",
        .start_s = 1700000000, /* 2023-11-14 22:13:20 UTC */
        .duration_s = 600,
        .router_mac = "02:00:00:00:01:01",
        .router_address = "192.168.1.1",
        .devices = DEMO_DEVICES,
        .n_devices = G_N_ELEMENTS(DEMO_DEVICES),
    },
    {
        .name = "miio",
        .start_s = MIIO_HOME_START_S,
        .duration_s = 300,
        .router_mac = "02:00:00:00:01:01",
        .router_address = "192.168.1.1",
        .devices = MIIO_DEVICES,
        .n_devices = G_N_ELEMENTS(MIIO_DEVICES),
    },
    {
        .name = "home",
        .start_s = 1700000000, /* 17:13 in New York, where the home is */
        .duration_s = 4200,
        .away_from_s = 1100,
        .away_to_s = 3100,
        .router_mac = "02:00:00:00:01:01",
        .router_address = "192.168.1.1",
        .devices = HOME_DEVICES,
        .n_devices = G_N_ELEMENTS(HOME_DEVICES),
    },
};

const guint scenario_table_len = G_N_ELEMENTS(scenario_table);
