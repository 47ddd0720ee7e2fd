/* imagepull.h - a node's image pulls: cache, bandwidth, serialized pulls.
 *
 * The kubelet's image manager as the simulator times it (k8s-control-
 * loop.md section 3.1; pkg/kubelet/images): a container's image is pulled
 * unless the pull policy lets a cached copy serve (IfNotPresent with the
 * image cached, or Never); pulls are serialized per node by default
 * (serializeImagePulls true: one at a time, in request order), or run in
 * parallel up to maxParallelImagePulls; a pull takes a fixed registry
 * overhead plus size / bandwidth.  A pulled image joins the node's cache,
 * which is what ImageLocality reads in node status.  Pulling an image that
 * is already being pulled waits for that pull (the kubelet's puller
 * deduplicates concurrent pulls of one image).
 *
 * Everything is computed when a pull is requested (no events): the caller
 * gets the time the image will be ready and schedules its own event.
 *
 * Ownership: the cache owns its entries; names are copied.
 */
#ifndef KS_IMAGEPULL_H
#define KS_IMAGEPULL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

typedef enum ks_pull_policy {
    KS_PULL_IF_NOT_PRESENT = 0,
    KS_PULL_ALWAYS,
    KS_PULL_NEVER
} ks_pull_policy;

/* API defaulting (pkg/apis/core/v1/defaults.go): Always for an image
 * without a tag or with the tag "latest" (a digest counts as a tag),
 * IfNotPresent otherwise. */
ks_pull_policy ks_default_pull_policy(const char *image);

typedef struct ks_pull_config {
    double bandwidth;      /* bytes per second of this node's pulls */
    ks_time overhead;      /* per pull: registry round trips, unpacking */
    unsigned max_parallel; /* 0 or 1: serialized (the default) */
} ks_pull_config;

typedef struct ks_image_cache ks_image_cache;

ks_image_cache *ks_image_cache_create(const ks_pull_config *cfg);
void ks_image_cache_destroy(ks_image_cache *c); /* accepts NULL */

/* An image already on the node (node status images at t = 0). */
void ks_image_cache_add(ks_image_cache *c, const char *image, int64_t size);
int ks_image_cache_has(const ks_image_cache *c, const char *image);

/* The outcome of asking for an image at now. */
typedef struct ks_pull_result {
    int pulled;      /* a registry pull is (or was already) under way */
    int error;       /* Never with the image absent: ErrImageNeverPull */
    ks_time started; /* when its pull starts (now when none) */
    ks_time ready;   /* when the container can be created */
} ks_pull_result;

/* Requests image (size bytes) under policy at now. */
ks_pull_result ks_image_cache_request(ks_image_cache *c, const char *image,
                                      int64_t size, ks_pull_policy policy,
                                      ks_time now);

/* Images on the node (pulled ones count once their pull finished by
 * now). */
size_t ks_image_cache_count(const ks_image_cache *c, ks_time now);

#endif
