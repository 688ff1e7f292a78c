/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness as the test bed's tests use it.
 *
 * The harness kills a test after 30 s unless it says otherwise.  In the test
 * bed one VFIO_DEVICE_RESET (an FLR of an emulated function under TCG) takes
 * 0.3-1 s and run times vary threefold from run to run, so tests that take
 * 10-20 s on a quiet machine pass that limit on a busy one.  A killed test
 * also leaves its VFs closing behind it (the harness does not wait for it),
 * which the next test meets (see open_group() in vfio_util.c).
 *
 * The bed's default is therefore 180 s; tests known to be longer still set
 * their own with TEST_F_TIMEOUT.  The macros read TEST_TIMEOUT_DEFAULT where
 * a test is defined, so redefining it here is enough.
 */
#ifndef P2PMIG_SELFTESTS_BED_HARNESS_H
#define P2PMIG_SELFTESTS_BED_HARNESS_H

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	180

#endif /* P2PMIG_SELFTESTS_BED_HARNESS_H */
