/* tshark_run.c - tshark's output is streamed line by line rather than
 * collected whole: a week-long capture prints one row per packet. Its
 * standard error goes to an unlinked temporary file, so that a chatty tshark
 * can never block on a full pipe while we read stdout. */
#define _POSIX_C_SOURCE 200809L

#include "tshark_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"

gboolean iotfp_tshark_row_error(const iotfp_tshark_position *position, GError **error, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: tshark output line %" G_GUINT64_FORMAT ": %s",
                position->capture, position->line_no, message);
    g_free(message);
    return FALSE;
}

gboolean iotfp_tshark_parse_unsigned(const char *text, guint64 max, guint64 *value)
{
    return g_ascii_string_to_unsigned(text, 10, 0, max, value, NULL);
}

gboolean iotfp_tshark_parse_double(const char *text, double *value)
{
    char *end;
    errno = 0;
    *value = g_ascii_strtod(text, &end);
    return *text && !*end && errno == 0;
}

void iotfp_tshark_add_fields(GPtrArray *arguments, const char *const *fields, guint n_fields)
{
    for (guint i = 0; i < n_fields; i++) {
        g_ptr_array_add(arguments, g_strdup("-e"));
        g_ptr_array_add(arguments, g_strdup(fields[i]));
    }
}

static char *read_all_from(int fd)
{
    GString *text = g_string_new(NULL);
    char buffer[4096];
    ssize_t got;
    if (lseek(fd, 0, SEEK_SET) == 0)
        while ((got = read(fd, buffer, sizeof buffer)) > 0)
            g_string_append_len(text, buffer, got);
    return g_strstrip(g_string_free(text, FALSE));
}

/* Explains a tshark failure in terms of what the user can do about it. */
static void set_tshark_failure(GError **error, const char *capture, const char *program, const char *status,
                               const char *stderr_text)
{
    const char *hint = "";
    if (strstr(stderr_text, "aren't valid") || strstr(stderr_text, "isn't a valid") ||
        strstr(stderr_text, "unknown preference"))
        hint = "\n(iotfp fields and preferences are missing: the tshark run must load the iotfp plugin; name a "
               "tshark that does with --tshark or " IOTFP_TSHARK_ENV ")";
    /* tshark's warning about running as root says nothing about the failure. */
    GString *message = g_string_new(NULL);
    gchar **lines = g_strsplit(stderr_text, "\n", -1);
    for (gchar **line = lines; *line; line++)
        if (**line && !g_str_has_prefix(*line, "Running as user "))
            g_string_append_printf(message, "%s%s", message->len ? "\n" : "", *line);
    g_strfreev(lines);
    g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: %s %s:\n%s%s", capture, program, status,
                message->len ? message->str : "(no message)", hint);
    g_string_free(message, TRUE);
}

static GPtrArray *build_argv(const char *program, const char *capture, const GPtrArray *arguments)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup(program));
    g_ptr_array_add(argv, g_strdup("-r"));
    g_ptr_array_add(argv, g_strdup(capture));
    for (guint i = 0; i < arguments->len; i++)
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(arguments, i)));
    g_ptr_array_add(argv, NULL);
    return argv;
}

static gboolean read_rows(FILE *out, const char *capture, const iotfp_tshark_command *command,
                          iotfp_tshark_row_fn row, void *data, GError **error)
{
    iotfp_tshark_position position = { capture, 0 };
    char *line = NULL;
    size_t line_size = 0;
    gboolean ok = TRUE;
    while (ok && getline(&line, &line_size, out) >= 0) {
        position.line_no++;
        /* Only the line end: empty trailing columns end in tabs. */
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        gchar **columns = g_strsplit(line, "\t", -1);
        if (g_strv_length(columns) != command->columns)
            ok = iotfp_tshark_row_error(&position, error, "%u columns instead of %u", g_strv_length(columns),
                                        command->columns);
        else
            ok = row(columns, &position, data, error);
        g_strfreev(columns);
    }
    free(line);
    return ok;
}

gboolean iotfp_tshark_run(const char *capture, const iotfp_tshark_command *command, iotfp_tshark_row_fn row,
                          void *data, GError **error)
{
    if (!g_file_test(capture, G_FILE_TEST_EXISTS)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: no such file", capture);
        return FALSE;
    }
    if (g_file_test(capture, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: is a folder, not a capture", capture);
        return FALSE;
    }
    const char *program = command->program;
    if (!program || !*program)
        program = g_getenv(IOTFP_TSHARK_ENV);
    if (!program || !*program)
        program = IOTFP_TSHARK_DEFAULT;
    /* The tshark run may be another user in another folder (the tests' wrapper). */
    char *absolute = g_canonicalize_filename(capture, NULL);
    GPtrArray *argv = build_argv(program, absolute, command->arguments);
    g_free(absolute);

    char *stderr_name = NULL;
    int stderr_fd = g_file_open_tmp("iotfp-tshark-XXXXXX.err", &stderr_name, error);
    if (stderr_fd < 0) {
        g_ptr_array_free(argv, TRUE);
        return FALSE;
    }
    unlink(stderr_name); /* the open descriptor keeps it until we close it */
    g_free(stderr_name);

    GPid pid;
    int stdout_fd = -1;
    GError *spawn_error = NULL;
    if (!g_spawn_async_with_pipes_and_fds(NULL, (const gchar *const *)argv->pdata, NULL,
                                          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                              G_SPAWN_STDIN_FROM_DEV_NULL,
                                          NULL, NULL, -1, -1, stderr_fd, NULL, NULL, 0, &pid, NULL, &stdout_fd, NULL,
                                          &spawn_error)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: cannot run '%s': %s (name the tshark to run with "
                    "--tshark or " IOTFP_TSHARK_ENV ")", capture, program, spawn_error->message);
        g_error_free(spawn_error);
        close(stderr_fd);
        g_ptr_array_free(argv, TRUE);
        return FALSE;
    }

    FILE *out = fdopen(stdout_fd, "r");
    GError *row_error = NULL;
    if (out)
        read_rows(out, capture, command, row, data, &row_error);
    /* Closing our end first lets a tshark we stopped listening to end on SIGPIPE. */
    if (out)
        fclose(out);
    else
        close(stdout_fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_spawn_close_pid(pid);

    char *stderr_text = read_all_from(stderr_fd);
    close(stderr_fd);
    GError *exit_error = NULL;
    gboolean ok = FALSE;
    if (row_error) {
        g_propagate_error(error, row_error);
    } else if (!g_spawn_check_wait_status(status, &exit_error)) {
        char *what = WIFSIGNALED(status) ? g_strdup_printf("was killed by signal %d", WTERMSIG(status))
                                         : g_strdup_printf("exited with status %d", WEXITSTATUS(status));
        set_tshark_failure(error, capture, program, what, stderr_text);
        g_free(what);
        g_error_free(exit_error);
    } else if (!out) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: cannot read tshark's output", capture);
    } else {
        ok = TRUE;
    }
    g_free(stderr_text);
    g_ptr_array_free(argv, TRUE);
    return ok;
}
