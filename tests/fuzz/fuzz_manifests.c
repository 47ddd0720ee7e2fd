/* fuzz_manifests.c - libFuzzer harness for the Kubernetes manifests loader.
 *
 * Feeds arbitrary bytes to ks_manifests_load_buffer (into a set that
 * already holds one valid Node, so appending is exercised) and checks the
 * contract, trapping when it is broken:
 *   - failure returns a negative code with a message and leaves the set
 *     exactly as it was (same counts);
 *   - success appends objects whose fields are consistent, and resolving
 *     priorities either succeeds or fails with a message;
 *   - everything is freed without leaks (LeakSanitizer).
 * Build: see tests/fuzz/README.md (`make fuzz`).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenarios/manifests.h"
#include "sim/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "property failed: %s (line %d)\n", #cond,         \
                    __LINE__);                                                 \
            __builtin_trap();                                                  \
        }                                                                      \
    } while (0)

static const char seed_node[] =
    "apiVersion: v1\nkind: Node\nmetadata: {name: seed}\n"
    "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_manifests m = {0};
    ks_error err;
    ks_error_clear(&err);
    CHECK(ks_manifests_load_buffer(seed_node, strlen(seed_node), "seed.yaml",
                                   &m, &err) == 0);
    size_t nodes = m.nnodes, pods = m.npods, templates = m.ntemplates;
    int rc = ks_manifests_load_buffer((const char *)data, size, "fuzz.yaml",
                                      &m, &err);
    if (rc != 0) {
        CHECK(rc < 0 && err.code < 0 && err.msg[0] != '\0');
        CHECK(m.nnodes == nodes && m.npods == pods &&
              m.ntemplates == templates);
    } else {
        CHECK(m.nnodes >= nodes && m.npods >= pods);
        for (size_t i = 0; i < m.nnodes; i++)
            CHECK(m.nodes[i].name && m.nodes[i].name[0]);
        for (size_t i = 0; i < m.npods; i++)
            CHECK(m.pods[i].name && m.pods[i].spec);
        ks_error_clear(&err);
        rc = ks_manifests_resolve_priorities(&m, &err);
        CHECK(rc == 0 || (rc < 0 && err.msg[0] != '\0'));
    }
    ks_manifests_free(&m);
    return 0;
}
