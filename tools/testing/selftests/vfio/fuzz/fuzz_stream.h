/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What p2pmig's libFuzzer targets share: an input fed to the stream parser
 * (drivers/vfio/pci/p2pmig/stream.c) the way write() calls would cut it,
 * with the parser's own invariants checked on the way.
 */
#ifndef P2PMIG_FUZZ_STREAM_H
#define P2PMIG_FUZZ_STREAM_H

#include "stream.h"

/* Report a broken invariant and abort: libFuzzer keeps the input. */
_Noreturn void fuzz_fail(const char *what);

/*
 * Parse one libFuzzer input.  Byte 0 chooses the sizes of the pieces the
 * stream is written in; bit 0 of byte 1 is stored in *@policy before the
 * parser calls @ops (a target's own choice, e.g. refusing the header); with
 * bit 1 of byte 1 the checksums the stream's framing calls for are
 * recomputed first, so that the input reaches what lies behind them.  The
 * rest of the input is the stream.  @payload (@cap bytes) is the parser's
 * record buffer.
 *
 * Checked: a failure is sticky (the same errno for every later piece) and
 * leaves the parser in its failed state; the parser never claims more bytes
 * than it was given; finish() succeeds exactly when END was reached.
 *
 * Return: 1 if the stream reached END, 0 if not, -1 if the input is too
 * short or too long to be one.
 */
int fuzz_parse(const uint8_t *data, size_t size, const struct p2pmig_parser_ops *ops,
	       void *arg, bool *policy, u8 *payload, size_t cap);

/* libFuzzer's entry point, each target's own */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
