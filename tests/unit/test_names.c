#include "names.h"

static void test_learn_and_priority(void)
{
    iotfp_names *names = iotfp_names_new();
    iotfp_addr a, b;
    g_assert_true(iotfp_addr_parse(&a, "52.10.1.30"));
    g_assert_true(iotfp_addr_parse(&b, "2001:db8::443"));
    g_assert_null(iotfp_names_lookup(names, &a));

    iotfp_names_learn(names, &a, "cdn.example.net", IOTFP_NAME_FROM_DNS);
    g_assert_cmpstr(iotfp_names_lookup(names, &a), ==, "cdn.example.net");
    iotfp_names_learn(names, &a, "use1-api.tplinkra.com", IOTFP_NAME_FROM_SNI);
    g_assert_cmpstr(iotfp_names_lookup(names, &a), ==, "use1-api.tplinkra.com");
    /* A later DNS answer does not override what the device asked for by SNI. */
    iotfp_names_learn(names, &a, "other.example.org", IOTFP_NAME_FROM_DNS);
    g_assert_cmpstr(iotfp_names_lookup(names, &a), ==, "use1-api.tplinkra.com");
    iotfp_names_learn(names, &a, "eu-api.tplinkra.com", IOTFP_NAME_FROM_SNI);
    g_assert_cmpstr(iotfp_names_lookup(names, &a), ==, "eu-api.tplinkra.com");

    iotfp_names_learn(names, &b, "", IOTFP_NAME_FROM_SNI);
    iotfp_names_learn(names, &b, NULL, IOTFP_NAME_FROM_SNI);
    g_assert_null(iotfp_names_lookup(names, &b));
    iotfp_names_learn(names, &b, "lock.example.com", IOTFP_NAME_FROM_DNS);
    g_assert_cmpstr(iotfp_names_lookup(names, &b), ==, "lock.example.com");
    iotfp_names_free(names);
}

static void test_names_are_copied(void)
{
    iotfp_names *names = iotfp_names_new();
    iotfp_addr a;
    g_assert_true(iotfp_addr_parse(&a, "1.2.3.4"));
    char *name = g_strdup("sensor.example.net");
    iotfp_names_learn(names, &a, name, IOTFP_NAME_FROM_DNS);
    g_free(name);
    g_assert_cmpstr(iotfp_names_lookup(names, &a), ==, "sensor.example.net");
    iotfp_names_free(names);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/names/learn-priority", test_learn_and_priority);
    g_test_add_func("/names/copied", test_names_are_copied);
    return g_test_run();
}
