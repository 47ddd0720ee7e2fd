/* fuzz_scenario.c - libFuzzer harness for the scenario loader.
 *
 * Feeds arbitrary bytes (not NUL-terminated, so an over-read is an
 * AddressSanitizer report) to ks_scenario_load_buffer and checks the
 * loader's contract, trapping when it is broken:
 *   - success gives a scenario (duration > 0, arrays present when counted),
 *     which ks_scenario_destroy frees without leaks;
 *   - failure returns a negative code, leaves *out NULL and fills err with a
 *     negative code and a non-empty message.
 * Build: see tests/fuzz/README.md (`make fuzz`).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenarios/scenario.h"
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

static void check_scenario(const ks_scenario *sc)
{
    CHECK(sc != NULL);
    CHECK(sc->duration > 0);
    CHECK(sc->npools == 0 || sc->pools != NULL);
    CHECK(sc->ngenerators == 0 || sc->generators != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A non-NULL sentinel shows whether the loader resets *out on failure. */
    static ks_scenario sentinel;
    ks_scenario *sc = &sentinel;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_scenario_load_buffer((const char *)data, size, "fuzz.yaml",
                                     &sc, &err);
    if (rc == 0) {
        check_scenario(sc);
        CHECK(sc != &sentinel);
        ks_scenario_destroy(sc);
        return 0;
    }
    CHECK(rc < 0);
    CHECK(sc == NULL);
    CHECK(err.code < 0);
    CHECK(err.msg[0] != '\0');
    return 0;
}
