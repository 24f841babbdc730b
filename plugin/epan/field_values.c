#include "field_values.h"

#include <epan/proto.h>

int iotfp_field_id(const char *name)
{
    return proto_registrar_get_id_byname(name);
}

GArray *iotfp_field_id_array(const int *ids, gsize n)
{
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
    for (gsize i = 0; i < n; i++)
        if (ids[i] >= 0)
            g_array_append_val(wanted, ids[i]);
    return wanted;
}

GPtrArray *iotfp_field_occurrences(proto_tree *tree, int hf)
{
    if (!tree || hf < 0)
        return NULL;
    GPtrArray *found = proto_get_finfo_ptr_array(tree, hf);
    return found && found->len > 0 ? found : NULL;
}

fvalue_t *iotfp_field_value(field_info *finfo)
{
    return &finfo->value;
}

gboolean iotfp_field_last_uint(proto_tree *tree, int hf, guint32 *value)
{
    GPtrArray *found = iotfp_field_occurrences(tree, hf);
    if (!found)
        return FALSE;
    fvalue_t *fv = iotfp_field_value(g_ptr_array_index(found, found->len - 1));
    switch (fvalue_type_ftenum(fv)) {
    case FT_BOOLEAN:
        *value = fvalue_get_uinteger64(fv) != 0;
        return TRUE;
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
        *value = fvalue_get_uinteger(fv);
        return TRUE;
    default:
        return FALSE;
    }
}

gboolean iotfp_field_last_uint_with_room(proto_tree *tree, int hf, guint header_offset, guint32 *value,
                                         guint32 *room)
{
    if (!iotfp_field_last_uint(tree, hf, value))
        return FALSE;
    GPtrArray *found = iotfp_field_occurrences(tree, hf);
    const field_info *finfo = g_ptr_array_index(found, found->len - 1);
    guint32 source_len = finfo->ds_tvb ? tvb_reported_length(finfo->ds_tvb) : 0;
    guint32 header_start = finfo->start > (gint)header_offset ? (guint32)finfo->start - header_offset : 0;
    *room = source_len > header_start ? source_len - header_start : 0;
    return TRUE;
}

const char *iotfp_field_first_string(proto_tree *tree, int hf)
{
    GPtrArray *found = iotfp_field_occurrences(tree, hf);
    return found ? fvalue_get_string(iotfp_field_value(g_ptr_array_index(found, 0))) : NULL;
}

gboolean iotfp_field_uint_beside(proto_tree *tree, int hf, const field_info *near, gint offset, guint32 *value)
{
    GPtrArray *found = iotfp_field_occurrences(tree, hf);
    for (guint i = 0; found && i < found->len; i++) {
        field_info *finfo = g_ptr_array_index(found, i);
        if (finfo->ds_tvb == near->ds_tvb && finfo->start == near->start + offset) {
            *value = fvalue_get_uinteger(iotfp_field_value(finfo));
            return TRUE;
        }
    }
    return FALSE;
}
