/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small userspace driver for the Intel 82576 VF over VFIO: one RX and
 * one TX queue with advanced descriptors, the VF->PF mailbox, MSI-X.
 *
 * Register access goes through region reads and writes only (pread and
 * pwrite on the device fd), never through an mmap of BAR0, so that a
 * variant driver may trap any part of BAR0.
 *
 * DMA memory (both rings and one 2 KiB buffer per descriptor) is mapped at
 * the IOVA the caller chooses, in the container of the device.  After a
 * migration to another VF in the same container, igbvf_user_move_to()
 * keeps rings, buffers and software indices and only changes the device.
 *
 * Functions return 0 (or a length) or a negative errno; they never exit.
 */
#ifndef P2PMIG_SELFTESTS_IGBVF_USER_H
#define P2PMIG_SELFTESTS_IGBVF_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_util.h"

#define IGBVF_USER_RING		64	/* descriptors per ring, multiple of 8 */
#define IGBVF_USER_BUF		2048	/* bytes per packet buffer */
#define IGBVF_USER_NR_VEC	3	/* MSI-X vectors of an 82576 VF */
#define IGBVF_USER_MBX_WORDS	16	/* 32-bit words in the mailbox */
#define IGBVF_USER_MAX_MC	30	/* multicast hashes the PF takes */
/* IOVA space one igbvf_user maps: two ring pages, one buffer per descriptor */
#define IGBVF_USER_DMA_LEN	(2 * 4096 + 2 * IGBVF_USER_RING * IGBVF_USER_BUF)

/*
 * MSI-X vectors, as programmed into VTIVAR and VTIVAR_MISC.  Linux's
 * igbvf puts TX on 0 and RX on 1; the order here is the one the other
 * selftests program.  It matters under QEMU: a VTIVAR write is OR-ed into
 * the PF's IVAR and never cleared, so every user of a VF in one boot must
 * route its queues the same way.  QEMU 10.0 raises vector 1, not the
 * VTIVAR_MISC vector 2, on mailbox events (igb_core.c,
 * mailbox_interrupt_to_vf() shifts the vector number instead of a bit).
 */
enum igbvf_user_vec {
	IGBVF_USER_VEC_RX = 0,	/* RX queue 0 */
	IGBVF_USER_VEC_TX = 1,	/* TX queue 0 */
	IGBVF_USER_VEC_MBX = 2,	/* mailbox and other causes */
};

/* VF -> PF mailbox messages (word 0, low 16 bits) and reply flags */
#define IGBVF_MSG_RESET		0x01
#define IGBVF_MSG_SET_MAC	0x02
#define IGBVF_MSG_SET_MULTICAST	0x03
#define IGBVF_MSG_SET_VLAN	0x04
#define IGBVF_MSG_SET_LPE	0x05
#define IGBVF_MSG_INFO_SHIFT	16
#define IGBVF_MSG_ACK		0x80000000u
#define IGBVF_MSG_NACK		0x40000000u
#define IGBVF_MSG_CTS		0x20000000u

struct igbvf_user {
	struct vfio_dev *dev;
	int container;
	const char *failed_step;	/* what igbvf_user_init() failed at */

	/* DMA memory: RX ring, TX ring, RX buffers, TX buffers */
	uint64_t iova;
	uint8_t *mem;
	size_t mem_len;

	uint8_t mac[6];
	uint8_t perm_mac[6];		/* from the VF_RESET reply, or zero */
	int efd[IGBVF_USER_NR_VEC];	/* MSI-X eventfds, by vector */

	/* mailbox */
	uint32_t mbx_r2c;		/* read-to-clear bits seen, not consumed */
	uint32_t mbx_reply;		/* word 0 of the last reply */
	unsigned int pf_resyncs;	/* VF_RESETs redone: the PF revoked CTS */
	uint16_t mc_hash[IGBVF_USER_MAX_MC];
	unsigned int mc_count;

	/* software ring state: what a migration must keep continuous */
	unsigned int rx_next;		/* next RX descriptor the device fills */
	unsigned int tx_next;		/* next TX descriptor we fill */
	unsigned int tx_clean;		/* oldest TX descriptor not seen done */
	bool rx_discard;		/* dropping the rest of a multi-buffer frame */

	/* counters */
	uint64_t tx_frames;		/* handed to the device */
	uint64_t tx_done;		/* reported done (DD) by the device */
	uint64_t rx_frames;		/* returned by igbvf_user_recv() */
	uint64_t rx_errors;		/* received but dropped: errors, too big */

	/* doorbells (RDT and TDT of queue 0): how many, and the time they took */
	uint64_t doorbells;
	uint64_t doorbell_ns;
	/* the queue registers' pages mapped, or NULL: igbvf_user_map_queue_regs() */
	volatile uint32_t *qregs;
};

/* What the device's ring registers say (q0), for continuity checks. */
struct igbvf_user_hw_ring {
	uint32_t rdh, rdt, tdh, tdt;
};

/*
 * Map IGBVF_USER_DMA_LEN bytes of DMA memory at @iova (page aligned) in
 * @dev's container, make the function bus master, attach MSI-X eventfds,
 * reset the VF (VTCTRL.RST and the VF_RESET mailbox handshake, which makes
 * the PF enable RX/TX for it), set @mac and the maximum frame size through
 * the PF, program interrupts and both rings, and enable the queues.
 *
 * The PF may handle the VF reset event of VTCTRL.RST only after it has
 * answered VF_RESET, and it then drops the next request (-ECONNRESET from
 * igbvf_user_mbx()): the VF_RESET handshake is redone once, as Linux's
 * igbvf resets when it loses the PF's clear-to-send (pf_resyncs counts it).
 */
int igbvf_user_init(struct igbvf_user *u, struct vfio_dev *dev, uint64_t iova,
		    const uint8_t mac[6]);
/*
 * Disable the queues and interrupts, release MSI-X, unmap and free.  Safe
 * after a failed igbvf_user_init() and twice; not on a never-initialised @u.
 */
void igbvf_user_fini(struct igbvf_user *u);
/*
 * After a migration to @dev (same container, ring registers restored by
 * the migration): use @dev from now on, moving the MSI-X eventfds from the
 * previous device (whose struct vfio_dev must still be valid, open or
 * closed) to it.  Rings, buffers, indices and counters stay.  Keep the
 * device that owns the container open while @u is in use.
 */
int igbvf_user_move_to(struct igbvf_user *u, struct vfio_dev *dev);

/*
 * Map the pages of BAR0 that hold the queue registers and write them
 * through the mapping from now on, as a guest whose VF pages are mmapped
 * does (benchmarks).  -EPERM if the region's sparse mmap areas leave those
 * pages out (p2pmig traps them for device dirty tracking).  Undone by
 * igbvf_user_move_to() and igbvf_user_fini().
 */
int igbvf_user_map_queue_regs(struct igbvf_user *u);
/* Write @val to a tail register (RDT or TDT of queue 0), counted and timed. */
int igbvf_user_tail_write(struct igbvf_user *u, unsigned int off, uint32_t val);

/*
 * One VF->PF mailbox transaction as a guest driver does it: take VFU,
 * write @len words of @msg, raise REQ, wait for PFACK, wait for PFSTS,
 * read @rlen words of reply (may be 0) with VFU held, ACK.
 * 0 on ACK, -EREMOTEIO on NACK, -ETIMEDOUT, -EBUSY (mailbox lock),
 * -EPROTO (reply to another request), -ECONNRESET: the PF is not clear to
 * send (it took the request, PFACK, and never answered, or it answered a
 * request other than VF_RESET with a NACK without CTS) - only a VF_RESET
 * handshake makes it answer again.
 */
int igbvf_user_mbx(struct igbvf_user *u, const uint32_t *msg, int len,
		   uint32_t *reply, int rlen);
int igbvf_user_set_mac(struct igbvf_user *u, const uint8_t mac[6]);
/* an extra unicast address the PF delivers to this VF (SET_MAC, ADD) */
int igbvf_user_add_uc_filter(struct igbvf_user *u, const uint8_t mac[6]);
/* the 12-bit MTA hash the igbvf driver sends for a multicast address */
uint16_t igbvf_user_mc_hash(const uint8_t mac[6]);
int igbvf_user_add_multicast(struct igbvf_user *u, const uint8_t mac[6]);
int igbvf_user_set_vlan(struct igbvf_user *u, uint16_t vid, bool add);
int igbvf_user_set_lpe(struct igbvf_user *u, uint16_t max_frame);

/* Queue one frame (14..IGBVF_USER_BUF bytes); -EAGAIN when the ring is full. */
int igbvf_user_send(struct igbvf_user *u, const void *frame, size_t len);
/* Collect finished TX descriptors; returns how many are still pending. */
unsigned int igbvf_user_tx_reclaim(struct igbvf_user *u);
/*
 * Next received frame into @buf: its length, -ETIMEDOUT (nothing within
 * @timeout_ms; 0 looks once), -EMSGSIZE (longer than @cap, dropped).
 */
int igbvf_user_recv(struct igbvf_user *u, void *buf, size_t cap, int timeout_ms);
/*
 * Send one test frame (frame_util.h) of @stream from @from to @to (whose MAC
 * is @to_mac) and wait for it at @to, up to 20 s, passing over anything
 * else: 0 when it arrived whole, -EIO if it could not be sent, -ETIMEDOUT.
 */
int igbvf_user_frame_crosses(struct igbvf_user *from, const uint8_t from_mac[6],
			     struct igbvf_user *to, const uint8_t to_mac[6],
			     uint32_t stream);

/* Interrupts: enable or disable (mask) vectors, wait for one to fire. */
int igbvf_user_irq_enable(struct igbvf_user *u, uint32_t vec_mask, bool on);
/* count of interrupts since the last wait, or -ETIMEDOUT */
int64_t igbvf_user_irq_wait(struct igbvf_user *u, enum igbvf_user_vec vec, int ms);

int igbvf_user_read_hw_ring(struct igbvf_user *u, struct igbvf_user_hw_ring *r);

#endif
