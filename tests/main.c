/* main.c - the test runner: registers every suite of tests/suites.h and runs
 * them with CUnit's basic interface, which ends with CUnit's run summary.
 * Usage: run-tests [SUITE]  (runs only the named suite).
 * Exit status: 0 when every assertion passed, 1 otherwise. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/suites.h"

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run-tests: cannot initialize CUnit\n");
        return 1;
    }
#define KS__SUITE_ADD(name)                                                    \
    if (!only || strcmp(only, #name) == 0)                                     \
        ks_suite_##name();
    KS_TEST_SUITES(KS__SUITE_ADD)
#undef KS__SUITE_ADD
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() +
                      CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "run-tests: no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
