/* Reading values that other dissectors put in the tree. The one place that
 * knows how Wireshark 4.0 lays out field_info. */
#ifndef IOTFP_FIELD_VALUES_H
#define IOTFP_FIELD_VALUES_H

#include <epan/packet.h>

/* Looks up a registered field by its filter name; -1 when absent. */
int iotfp_field_id(const char *name);

/* The ids as a GArray for set_postdissector_wanted_hfids, leaving out fields
 * that are not registered (-1). */
GArray *iotfp_field_id_array(const int *ids, gsize n);

/* Occurrences of the field in this packet, outermost first; NULL when none. */
GPtrArray *iotfp_field_occurrences(proto_tree *tree, int hf);
fvalue_t *iotfp_field_value(field_info *finfo);

/* The innermost occurrence, as the layer that set pinfo's addresses. An
 * unsigned integer or a boolean (as 0 or 1); FALSE for other types. */
gboolean iotfp_field_last_uint(proto_tree *tree, int hf, guint32 *value);
const char *iotfp_field_first_string(proto_tree *tree, int hf);

/* The unsigned value of the occurrence of hf that sits `offset` bytes from
 * field `near` in the same data source: another field of the same header,
 * such as a TLS record's type three bytes before its length. */
gboolean iotfp_field_uint_beside(proto_tree *tree, int hf, const field_info *near, gint offset, guint32 *value);

/* iotfp_field_last_uint, and the bytes its data source holds from the start
 * of the header carrying the field (header_offset bytes before the field) to
 * the end as on the wire: what a length field of that header can claim at
 * most. Snaplen truncation does not shrink it. */
gboolean iotfp_field_last_uint_with_room(proto_tree *tree, int hf, guint header_offset, guint32 *value,
                                         guint32 *room);

#endif
