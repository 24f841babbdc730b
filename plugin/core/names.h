/* Names of remote hosts learned from the capture itself (DNS answers, TLS
 * SNI), so that a cloud shows as "use1-api.tplinkra.com", not an address. */
#ifndef IOTFP_NAMES_H
#define IOTFP_NAMES_H

#include "addr.h"

/* Higher wins: SNI names the service a device actually asked for, while one
 * address can answer several DNS names (CDNs, shared front ends). */
typedef enum {
    IOTFP_NAME_FROM_DNS = 1,
    IOTFP_NAME_FROM_SNI = 2,
} iotfp_name_source;

typedef struct iotfp_names iotfp_names;

iotfp_names *iotfp_names_new(void);
void iotfp_names_free(iotfp_names *names);
/* Empty names are ignored. A name from a weaker source never replaces one
 * from a stronger source; from an equal source, the latest wins. */
void iotfp_names_learn(iotfp_names *names, const iotfp_addr *addr, const char *name,
                       iotfp_name_source source);
/* NULL when nothing is known. Valid until the table is freed. */
const char *iotfp_names_lookup(const iotfp_names *names, const iotfp_addr *addr);

#endif
