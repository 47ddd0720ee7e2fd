/* fuzz_schedconfig.c - libFuzzer harness for the KubeSchedulerConfiguration
 * loader.
 *
 * Feeds arbitrary bytes to ks_schedconfig_load_buffer and checks the
 * contract, trapping when it is broken:
 *   - failure returns a negative code, leaves *out NULL and fills err;
 *   - success gives at least one profile, every plugin of which is a
 *     registered ksim plugin with a usable weight, and a percentage in
 *     0..100;
 *   - everything is freed without leaks (LeakSanitizer).
 * Build: see tests/fuzz/README.md (`make fuzz`).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policies/registry.h"
#include "scenarios/schedconfig.h"
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

static void check_config(const ks_scheduler_config *cfg)
{
    CHECK(cfg->nprofiles >= 1 && cfg->nprofiles <= KS_MAX_PROFILES);
    CHECK(cfg->percentage_of_nodes_to_score >= 0 &&
          cfg->percentage_of_nodes_to_score <= 100);
    for (size_t p = 0; p < cfg->nprofiles; p++) {
        const ks_profile_config *prof = &cfg->profiles[p];
        CHECK(prof->nplugins <= KS_MAX_PROFILE_PLUGINS);
        for (size_t i = 0; i < prof->nplugins; i++)
            CHECK(ks_plugin_index(prof->plugins[i].plugin) >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ks_schedconfig *const sentinel = (ks_schedconfig *)1;
    ks_schedconfig *c = sentinel;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_schedconfig_load_buffer((const char *)data, size, "fuzz.yaml",
                                        36, &c, &err);
    if (rc == 0) {
        CHECK(c != NULL && c != sentinel);
        check_config(ks_schedconfig_get(c));
        ks_schedconfig_destroy(c);
        return 0;
    }
    CHECK(rc < 0 && c == NULL && err.code < 0 && err.msg[0] != '\0');
    return 0;
}
