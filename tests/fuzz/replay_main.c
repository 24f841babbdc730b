/* Runs a libFuzzer target without libFuzzer, so that every build exercises it
 * briefly: each corpus file as it is, then deterministic mutations of it (bit
 * flips, truncations, extensions with random bytes). `make fuzz` runs the
 * real coverage-guided fuzzer on the same targets. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS_PER_FILE 2000

static guint64 next_random(guint64 *state)
{
    /* splitmix64: reproducible across runs and machines */
    guint64 z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void run_mutations(const guint8 *seed, gsize size, guint64 state)
{
    gsize capacity = size + 64;
    guint8 *buf = g_malloc(capacity);
    for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
        gsize len = size;
        memcpy(buf, seed, size);
        switch (next_random(&state) % 3) {
        case 0: /* flip a few bits */
            for (int flips = 1 + next_random(&state) % 4; flips > 0 && len > 0; flips--)
                buf[next_random(&state) % len] ^= (guint8)(1u << (next_random(&state) % 8));
            break;
        case 1: /* truncate */
            len = size ? next_random(&state) % size : 0;
            break;
        default: /* append random bytes */
            for (gsize extra = 1 + next_random(&state) % 63; extra > 0; extra--)
                buf[len++] = (guint8)next_random(&state);
        }
        /* An exact-size copy, so that ASan catches reads past the end; never
         * NULL, as libFuzzer never passes NULL. */
        guint8 *exact = g_malloc(MAX(len, 1));
        memcpy(exact, buf, len);
        LLVMFuzzerTestOneInput(exact, len);
        g_free(exact);
    }
    g_free(buf);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    guint files = 0;
    for (int a = 1; a < argc; a++) {
        GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
        GDir *dir = g_dir_open(argv[a], 0, NULL);
        if (dir) {
            const char *name;
            while ((name = g_dir_read_name(dir)))
                g_ptr_array_add(paths, g_build_filename(argv[a], name, NULL));
            g_dir_close(dir);
        } else {
            g_ptr_array_add(paths, g_strdup(argv[a]));
        }
        for (guint i = 0; i < paths->len; i++) {
            gchar *data;
            gsize size;
            GError *error = NULL;
            if (!g_file_get_contents(paths->pdata[i], &data, &size, &error)) {
                fprintf(stderr, "%s\n", error->message);
                return 2;
            }
            LLVMFuzzerTestOneInput((const uint8_t *)data, size);
            run_mutations((const guint8 *)data, size, g_str_hash(paths->pdata[i]));
            g_free(data);
            files++;
        }
        g_ptr_array_free(paths, TRUE);
    }
    printf("%u corpus files, %u inputs each, no crash\n", files, MUTATIONS_PER_FILE + 1);
    return files ? 0 : 2;
}
