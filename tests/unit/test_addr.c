#define _POSIX_C_SOURCE 200809L
#include "addr.h"

#include <arpa/inet.h>

static iotfp_addr addr(const char *text)
{
    iotfp_addr a;
    g_assert_true(iotfp_addr_parse(&a, text));
    return a;
}

static void test_parse_and_format(void)
{
    const char *texts[] = { "192.168.1.23", "0.0.0.0", "fd00:1::30", "2001:db8::1", "::" };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        iotfp_addr a = addr(texts[i]);
        char back[IOTFP_ADDR_STRLEN];
        iotfp_addr_format(&a, back);
        g_assert_cmpstr(back, ==, texts[i]);
    }
    iotfp_addr a;
    g_assert_false(iotfp_addr_parse(&a, "192.168.1.256"));
    g_assert_false(iotfp_addr_parse(&a, "plug.example.com"));
    g_assert_false(iotfp_addr_parse(&a, ""));
}

/* Every byte value in every position reads as inet_ntop writes it. */
static void test_format_ipv4_every_byte(void)
{
    for (guint value = 0; value < 256; value++) {
        for (guint position = 0; position < 4; position++) {
            guint8 bytes[4] = { 10, 200, 7, 99 };
            bytes[position] = (guint8)value;
            iotfp_addr a;
            iotfp_addr_set_ipv4(&a, bytes);
            char ours[IOTFP_ADDR_STRLEN], libc[INET_ADDRSTRLEN];
            iotfp_addr_format(&a, ours);
            g_assert_nonnull(inet_ntop(AF_INET, bytes, libc, sizeof libc));
            g_assert_cmpstr(ours, ==, libc);
        }
    }
    iotfp_addr none = { 0 };
    char text[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&none, text);
    g_assert_cmpstr(text, ==, "-");
}

static void test_equal_hash_compare(void)
{
    iotfp_addr a = addr("10.0.0.1"), b = addr("10.0.0.1"), c = addr("10.0.0.2"), v6 = addr("::a00:1");
    g_assert_true(iotfp_addr_equal(&a, &b));
    g_assert_cmpuint(iotfp_addr_hash(&a), ==, iotfp_addr_hash(&b));
    g_assert_false(iotfp_addr_equal(&a, &c));
    /* Same 4 leading bytes in another family is another address. */
    g_assert_false(iotfp_addr_equal(&a, &v6));
    g_assert_cmpint(iotfp_addr_compare(&a, &c), <, 0);
    g_assert_cmpint(iotfp_addr_compare(&c, &a), >, 0);
    g_assert_cmpint(iotfp_addr_compare(&a, &v6), <, 0);
}

static void test_group(void)
{
    iotfp_addr group[] = { addr("255.255.255.255"), addr("224.0.0.251"), addr("239.255.255.250"), addr("ff02::1") };
    iotfp_addr unicast[] = { addr("192.168.1.255"), addr("223.255.255.255"), addr("fe80::1") };
    for (gsize i = 0; i < G_N_ELEMENTS(group); i++)
        g_assert_true(iotfp_addr_is_group(&group[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(unicast); i++)
        g_assert_false(iotfp_addr_is_group(&unicast[i]));
}

static void test_default_home(void)
{
    GError *error = NULL;
    iotfp_netlist *home = iotfp_netlist_parse(IOTFP_DEFAULT_HOME_NETWORKS, &error);
    g_assert_no_error(error);
    const char *inside[] = { "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.23", "100.64.0.1",
                             "100.127.255.255", "169.254.1.1", "fd00:1::30", "fc00::1", "fe80::1" };
    const char *outside[] = { "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
                              "2001:db8::1", "fec0::1", "11.0.0.1" };
    for (gsize i = 0; i < G_N_ELEMENTS(inside); i++) {
        iotfp_addr a = addr(inside[i]);
        g_assert_true(iotfp_netlist_contains(home, &a));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(outside); i++) {
        iotfp_addr a = addr(outside[i]);
        g_assert_false(iotfp_netlist_contains(home, &a));
    }
    iotfp_netlist *copy = iotfp_netlist_copy(home);
    iotfp_netlist_free(home);
    iotfp_addr a = addr("10.9.9.9");
    g_assert_true(iotfp_netlist_contains(copy, &a));
    iotfp_netlist_free(copy);
}

static void test_prefix_forms(void)
{
    GError *error = NULL;
    /* Host bits are ignored, a bare address is a /32, odd prefix lengths work. */
    iotfp_netlist *list = iotfp_netlist_parse("192.168.1.77/24 203.0.113.9,\t198.51.100.0/23", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->prefixes->len, ==, 3);
    iotfp_addr in1 = addr("192.168.1.1"), out1 = addr("192.168.2.1");
    iotfp_addr in2 = addr("203.0.113.9"), out2 = addr("203.0.113.10");
    iotfp_addr in3 = addr("198.51.101.200"), out3 = addr("198.51.102.0");
    g_assert_true(iotfp_netlist_contains(list, &in1));
    g_assert_false(iotfp_netlist_contains(list, &out1));
    g_assert_true(iotfp_netlist_contains(list, &in2));
    g_assert_false(iotfp_netlist_contains(list, &out2));
    g_assert_true(iotfp_netlist_contains(list, &in3));
    g_assert_false(iotfp_netlist_contains(list, &out3));
    iotfp_netlist_free(list);

    list = iotfp_netlist_parse("", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->prefixes->len, ==, 0);
    g_assert_false(iotfp_netlist_contains(list, &in1));
    iotfp_netlist_free(list);

    list = iotfp_netlist_parse("0.0.0.0/0", &error);
    g_assert_no_error(error);
    g_assert_true(iotfp_netlist_contains(list, &out2));
    iotfp_netlist_free(list);
}

static void test_bad_lists(void)
{
    const char *bad[] = { "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8/8", "home", "10.0.0.0/-1",
                          "10.0.0.0/08x", "192.168.0.0/16, 300.1.1.1" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        g_assert_null(iotfp_netlist_parse(bad[i], &error));
        g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
        /* The message names the offending item so that the user can find it. */
        g_assert_nonnull(strstr(error->message, "is not a network"));
        g_error_free(error);
    }
    GError *error = NULL;
    g_assert_null(iotfp_netlist_parse("10.0.0.0/8, bogus", &error));
    g_assert_nonnull(strstr(error->message, "'bogus'"));
    g_error_free(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/addr/parse-format", test_parse_and_format);
    g_test_add_func("/addr/format-ipv4-every-byte", test_format_ipv4_every_byte);
    g_test_add_func("/addr/equal-hash-compare", test_equal_hash_compare);
    g_test_add_func("/addr/group", test_group);
    g_test_add_func("/netlist/default-home", test_default_home);
    g_test_add_func("/netlist/prefix-forms", test_prefix_forms);
    g_test_add_func("/netlist/bad", test_bad_lists);
    return g_test_run();
}
