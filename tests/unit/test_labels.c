/* Scenario logs with planned offsets: reading them, and aligning them on a
 * capture whose clock they do not share. */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "labels.h"

static const char scenario[] =
    "TRAFFIC CAPTURE\n"
    "    tcpdump -i wlan1 -w plug.pcap\n"
    "00 START\n"
    "0. 01 Power on - Timestamp 60\n"
    "        03 Open app - Timestamp 180\n"
    "        04 On - Timestamp 240\n"
    "        05 Off - Timestamp 300\n"
    "    21 \"Alexa, turn on the plug\" - Timestamp 1230\n"
    "25 STOP\n";

static char *write_temp(const char *text)
{
    char *path = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("iotfp-labels-XXXXXX.txt", &path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(write(fd, text, strlen(text)), ==, (int)strlen(text));
    close(fd);
    return path;
}

static GHashTable *events(void)
{
    GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert(table, g_strdup("on"), g_strdup("power_on"));
    g_hash_table_insert(table, g_strdup("off"), g_strdup("power_off"));
    g_hash_table_insert(table, g_strdup("alexa, turn on the plug"), g_strdup("power_on"));
    return table;
}

static void test_reads_steps(void)
{
    char *path = write_temp(scenario);
    GHashTable *table = events();
    GError *error = NULL;
    iotfp_planned_options planned = { table, NULL };
    iotfp_label_file *file = iotfp_label_file_load(path, "192.168.1.5", &planned, &error);
    g_assert_no_error(error);
    g_assert_true(file->planned);
    g_assert_cmpuint(file->labels->len, ==, 3);
    g_assert_cmpuint(file->steps_left_out, ==, 2); /* Power on, Open app */
    const iotfp_label *on = g_ptr_array_index(file->labels, 0), *voice = g_ptr_array_index(file->labels, 2);
    g_assert_cmpfloat(on->time, ==, 240);
    g_assert_cmpstr(on->event, ==, "power_on");
    g_assert_cmpstr(on->device, ==, "192.168.1.5");
    g_assert_cmpuint(on->line, ==, 6);
    g_assert_cmpstr(voice->event, ==, "power_on");
    g_assert_cmpfloat(voice->time, ==, 1230);
    iotfp_label_file_free(file);

    /* No device, or no step named: a message, never an empty set of labels. */
    g_assert_null(iotfp_label_file_load(path, NULL, &planned, &error));
    g_assert_nonnull(strstr(error->message, ":4: a scenario log names no device"));
    g_clear_error(&error);
    iotfp_planned_options none = { NULL, NULL };
    g_assert_null(iotfp_label_file_load(path, "192.168.1.5", &none, &error));
    g_assert_nonnull(strstr(error->message, "--planned-event"));
    g_clear_error(&error);
    /* --planned-device: the log's device, whatever the other files name. */
    iotfp_planned_options on_device = { table, "10.0.0.9" };
    file = iotfp_label_file_load(path, NULL, &on_device, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(((iotfp_label *)g_ptr_array_index(file->labels, 0))->device, ==, "10.0.0.9");
    iotfp_label_file_free(file);
    g_hash_table_destroy(table);
    g_unlink(path);
    g_free(path);
}

static iotfp_tool_burst *burst_at(double start)
{
    iotfp_tool_burst *burst = g_new0(iotfp_tool_burst, 1);
    burst->start = start;
    return burst;
}

static gint by_start(gconstpointer a, gconstpointer b)
{
    double x = (*(iotfp_tool_burst *const *)a)->start, y = (*(iotfp_tool_burst *const *)b)->start;
    return (x > y) - (x < y);
}

static void test_aligns(void)
{
    /* Steps every 60 s; the capture's bursts: the steps 1000.3 s later,
     * with jitter, one missing, and heartbeats every 25 s between them. */
    GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 8; i++) {
        iotfp_label *label = g_new0(iotfp_label, 1);
        label->time = 240 + 60 * i;
        g_ptr_array_add(labels, label);
    }
    GPtrArray *candidates = g_ptr_array_new_with_free_func(g_free);
    const double jitter[] = { 0.2, -0.1, 0.4, 0, -0.3, 0.1, 0.25 };
    for (double t = 1100; t < 1800; t += 25)
        g_ptr_array_add(candidates, burst_at(t));
    for (int i = 0; i < 7; i++)
        g_ptr_array_add(candidates, burst_at(1240.3 + 60 * i + jitter[i]));
    g_ptr_array_sort(candidates, by_start);
    iotfp_pairing_options options = { .window = 1.0, .offset = 0 };
    iotfp_alignment fit = iotfp_align_planned(labels, candidates, &options);
    g_assert_cmpuint(fit.labels, ==, 8);
    g_assert_cmpuint(fit.fitted, ==, 7);
    g_assert_cmpfloat_with_epsilon(fit.shift, 1000.3, 0.5);
    g_assert_cmpfloat_with_epsilon(((iotfp_label *)g_ptr_array_index(labels, 0))->time, 1240.3, 0.5);
    g_ptr_array_free(candidates, TRUE);
    g_ptr_array_free(labels, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/labels/planned-steps", test_reads_steps);
    g_test_add_func("/labels/planned-alignment", test_aligns);
    return g_test_run();
}
