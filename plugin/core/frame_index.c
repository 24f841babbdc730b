#include "frame_index.h"

#define CHUNK_BITS 16
#define CHUNK_SIZE (1u << CHUNK_BITS)

struct iotfp_frame_index {
    GPtrArray *chunks; /* of iotfp_frame_record[CHUNK_SIZE], NULL until used */
};

iotfp_frame_index *iotfp_frame_index_new(void)
{
    iotfp_frame_index *index = g_new0(iotfp_frame_index, 1);
    index->chunks = g_ptr_array_new_with_free_func(g_free);
    return index;
}

void iotfp_frame_index_free(iotfp_frame_index *index)
{
    if (!index)
        return;
    g_ptr_array_free(index->chunks, TRUE);
    g_free(index);
}

void iotfp_frame_index_set(iotfp_frame_index *index, guint32 frame, const iotfp_frame_record *record)
{
    guint chunk = frame >> CHUNK_BITS;
    if (chunk >= index->chunks->len)
        g_ptr_array_set_size(index->chunks, chunk + 1);
    iotfp_frame_record *records = g_ptr_array_index(index->chunks, chunk);
    if (!records) {
        records = g_new0(iotfp_frame_record, CHUNK_SIZE);
        g_ptr_array_index(index->chunks, chunk) = records;
    }
    records[frame & (CHUNK_SIZE - 1)] = *record;
}

const iotfp_frame_record *iotfp_frame_index_get(const iotfp_frame_index *index, guint32 frame)
{
    guint chunk = frame >> CHUNK_BITS;
    if (chunk >= index->chunks->len)
        return NULL;
    const iotfp_frame_record *records = g_ptr_array_index(index->chunks, chunk);
    if (!records)
        return NULL;
    const iotfp_frame_record *record = &records[frame & (CHUNK_SIZE - 1)];
    return record->role == IOTFP_ROLE_NONE ? NULL : record;
}
