/* cmd_validate.c - `ksim validate FILE...`: check scenarios and sweeps
 * without running them (every error as FILE:LINE:COL, exit 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "scenarios/yaml_tree.h"
#include "sim/fsutil.h"

static const char validate_usage[] =
    "usage: ksim validate FILE...\n"
    "\n"
    "Checks each scenario (kind: Scenario, docs/scenario.md) or sweep (kind:\n"
    "Sweep, docs/sweep.md) as `ksim run` and `ksim sweep` would load it: the\n"
    "files it names (manifests, scheduler configuration, the base scenario)\n"
    "and, for a sweep, the scenario of every point.  Nothing is simulated or\n"
    "written.  Prints `FILE: ok` per valid file and the first error of each\n"
    "invalid one.\n"
    "\n"
    "Exit status: 0 all valid, 2 some file is invalid or unreadable.\n";

/* The document's top-level `kind`, or "" (the loaders report why). */
static void read_kind(const char *path, char *kind, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    ks_yt_node *root = NULL;
    ks_error err;
    kind[0] = '\0';
    if (ks_read_file(path, "file", &text, &len, &err) == 0 &&
        ks_yt_parse(text, len, path, &root, &err) == 0) {
        const ks_yt_node *k = ks_yt_get(root, "kind");
        if (k && k->kind == KS_YT_SCALAR)
            snprintf(kind, size, "%s", k->text);
    }
    ks_yt_free(root);
    free(text);
}

static int validate_one(const char *path)
{
    char kind[32];
    ks_error err;
    int rc;
    read_kind(path, kind, sizeof kind);
    if (strcmp(kind, "Sweep") == 0) {
        ks_sweep *sw = NULL;
        rc = ks_sweep_load_file(path, &sw, &err);
        if (!rc)
            printf("%s: ok (sweep %s: %zu points x %u replications)\n", path,
                   ks_sweep_name(sw), ks_sweep_npoints(sw),
                   ks_sweep_replications(sw));
        ks_sweep_destroy(sw);
    } else {
        ks_scenario *sc = NULL;
        rc = ks_scenario_load_file(path, &sc, &err);
        if (!rc)
            printf("%s: ok (scenario %s)\n", path, sc->name);
        ks_scenario_destroy(sc);
    }
    if (rc) {
        fputs("ksim: ", stderr);
        ks_error_print(&err, stderr);
    }
    return rc;
}

int ks_cmd_validate(int argc, char **argv)
{
    if (argc < 2) {
        fputs(validate_usage, stderr);
        return KS_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(validate_usage, stdout);
        return KS_EXIT_OK;
    }
    int status = KS_EXIT_OK;
    for (int i = 1; i < argc; i++)
        if (validate_one(argv[i]) != 0)
            status = KS_EXIT_USAGE;
    return status;
}
