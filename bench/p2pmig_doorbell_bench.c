// SPDX-License-Identifier: GPL-2.0
/*
 * p2pmig doorbell benchmark: what trapping the queue registers for device
 * dirty tracking costs.  With dirty_tracking=1 every RX/TX tail write
 * (doorbell) of the guest leaves the guest, goes through p2pmig's trap
 * (which reads the newly posted RX descriptors from guest memory) and only
 * then reaches the device; with dirty_tracking=0 those pages are mmapped
 * and a doorbell is one store.  Runs in the test bed on a kernel with DMA
 * logging (make bench); prints figures, asserts nothing.
 *
 * Three ways of ringing a doorbell, each measured idle (the same tail
 * written again and again) and under traffic (B sends frames to A through
 * the PF's VMDq loopback, a window of frames in flight; every frame is one
 * TX doorbell on B and one RX doorbell on A):
 *   trapped, pwrite   dirty_tracking=1: region write into p2pmig's trap
 *   mmapped, pwrite   dirty_tracking=0: region write, vfio-pci-core's path
 *   mmapped, store    dirty_tracking=0: a store through a mapping, as a guest
 * A guest's trapped doorbell also costs an exit to its VMM, which is not
 * measured here.
 *
 *   p2pmig_doorbell_bench [frames]  (VFs from P2PMIG_VF_A and P2PMIG_VF_B,
 *                                    two VFs of one PF, bound to p2pmig)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "frame_util.h"
#include "igbvf_regs.h"
#include "igbvf_user.h"
#include "vfio_util.h"

#define PARAM		"/sys/module/p2pmig/parameters/dirty_tracking"
#define IDLE_WRITES	20000
#define WINDOW		16
#define STREAM		0xdb
#define RX_TIMEOUT_MS	2000

static const uint8_t mac_a[6] = { 0x02, 0x70, 0x32, 0x6d, 0xdb, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x70, 0x32, 0x6d, 0xdb, 0x0b };

struct result {
	const char *name;
	bool done;
	const char *why;	/* when not done */
	double idle_us;		/* per doorbell, idle */
	double busy_us;		/* per doorbell, under traffic */
	double fps;		/* frames per second B -> A */
	unsigned int frames, lost;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* dirty_tracking is read when a VF is bound: set it, then bind both again */
static int rebind(const char *a, const char *b, bool dirty)
{
	int ret = sysfs_write(PARAM, dirty ? "1" : "0");

	if (!ret)
		ret = pci_bind(a, P2PMIG_DRIVER);
	if (!ret)
		ret = pci_bind(b, P2PMIG_DRIVER);
	return ret;
}

/* @n writes of RDT with the value it holds: the fixed cost of a doorbell */
static double idle_doorbell_us(struct igbvf_user *u, unsigned int n)
{
	uint64_t ns0 = u->doorbell_ns, n0 = u->doorbells;
	uint32_t rdt;
	unsigned int i;

	if (vfio_bar0_read32(u->dev, RDT(0), &rdt))
		return -1;
	for (i = 0; i < n; i++)
		igbvf_user_tail_write(u, RDT(0), rdt);
	return (u->doorbell_ns - ns0) / 1000.0 / (u->doorbells - n0);
}

/* @n frames from @b to @a, at most WINDOW in flight */
static int traffic(struct igbvf_user *a, struct igbvf_user *b, unsigned int n,
		   struct result *r)
{
	uint64_t ns0 = a->doorbell_ns + b->doorbell_ns, n0 = a->doorbells + b->doorbells;
	unsigned int sent = 0, got = 0;
	uint8_t f[IGBVF_USER_BUF];
	uint64_t t0 = now_ns();
	int len, ret;

	while (got + r->lost < n) {
		while (sent < n && sent - got - r->lost < WINDOW) {
			len = make_frame(f, mac_a, mac_b, STREAM, sent % FRAME_MAX_SEQ, 0);
			ret = igbvf_user_send(b, f, len);
			if (ret == -EAGAIN)
				break;
			if (ret)
				return ret;
			sent++;
		}
		len = igbvf_user_recv(a, f, sizeof(f), RX_TIMEOUT_MS);
		if (len == -ETIMEDOUT) {
			/* what is in flight is lost; go on with the rest */
			r->lost = sent - got;
			continue;
		}
		if (len < 0)
			return len;
		if (check_frame(f, len, STREAM) >= 0)
			got++;
	}
	r->frames = got;
	r->fps = got / ((now_ns() - t0) / 1e9);
	r->busy_us = (a->doorbell_ns + b->doorbell_ns - ns0) / 1000.0 /
		     (a->doorbells + b->doorbells - n0);
	return 0;
}

static void measure(const char *va, const char *vb, bool dirty, bool store,
		    unsigned int frames, struct result *r)
{
	struct vfio_dev a, b;
	struct igbvf_user ua, ub;
	bool a_up = false, b_up = false;
	int ret;

	r->why = "binding the VFs with the parameter set";
	if (rebind(va, vb, dirty))
		return;
	r->why = "opening the VFs";
	if (vfio_dev_open(&a, va, -1))
		return;
	if (vfio_dev_open(&b, vb, a.container))
		goto close_a;
	r->why = "bringing the VFs up";
	if (igbvf_user_init(&ua, &a, 0x10000000ULL, mac_a))
		goto out;
	a_up = true;
	if (igbvf_user_init(&ub, &b, 0x11000000ULL, mac_b))
		goto out;
	b_up = true;
	if (store) {
		r->why = "the queue registers' pages are not mmappable";
		if (igbvf_user_map_queue_regs(&ua) || igbvf_user_map_queue_regs(&ub))
			goto out;
	} else if (dirty) {
		r->why = "the queue registers' pages are mmappable: no trap";
		if (vfio_region_mmappable(&a, VFIO_PCI_BAR0_REGION_INDEX, RDT(0) & ~0xfffu, 4096))
			goto out;
	}
	r->why = "the first frame did not arrive";
	if (igbvf_user_frame_crosses(&ub, mac_b, &ua, mac_a, STREAM + 1))
		goto out;
	r->idle_us = idle_doorbell_us(&ua, IDLE_WRITES);
	r->why = "traffic failed";
	ret = traffic(&ua, &ub, frames, r);
	if (ret) {
		fprintf(stderr, "%s: %s\n", r->name, strerror(-ret));
		goto out;
	}
	r->done = true;
	r->why = NULL;
out:
	if (b_up)
		igbvf_user_fini(&ub);
	if (a_up)
		igbvf_user_fini(&ua);
	ioctl(b.fd, VFIO_DEVICE_RESET);
	vfio_dev_close(&b);
close_a:
	ioctl(a.fd, VFIO_DEVICE_RESET);
	vfio_dev_close(&a);
}

int main(int argc, char **argv)
{
	struct result r[] = {
		{ .name = "trapped (dirty_tracking=1), pwrite" },
		{ .name = "mmapped (dirty_tracking=0), pwrite" },
		{ .name = "mmapped (dirty_tracking=0), store" },
	};
	const char *a = test_vf("A"), *b = test_vf("B");
	unsigned int frames = argc > 1 ? atoi(argv[1]) : 3000, i;
	char old[8] = "1";
	struct utsname un;

	if (!a || !b) {
		fprintf(stderr, "P2PMIG_VF_A, P2PMIG_VF_B: two VFs of one PF, bound to p2pmig\n");
		return 2;
	}
	if (frames < WINDOW || frames > 1000000)
		frames = 3000;
	if (sysfs_read(PARAM, old, sizeof(old))) {
		fprintf(stderr, "no %s: p2pmig is too old or not loaded\n", PARAM);
		return 1;
	}
	uname(&un);
	printf("p2pmig doorbell benchmark: kernel %s, B=%s -> A=%s (one PF's VMDq loopback),\n"
	       "%d idle doorbells, then %u frames of %d bytes, %d in flight\n",
	       un.release, b, a, IDLE_WRITES, frames, FRAME_LEN, WINDOW);
	measure(a, b, true, false, frames, &r[0]);
	measure(a, b, false, false, frames, &r[1]);
	measure(a, b, false, true, frames, &r[2]);
	/* leave the parameter and the VFs as they were */
	old[strcspn(old, "\n")] = 0;
	rebind(a, b, strcmp(old, "N") && strcmp(old, "0"));

	printf("\n| doorbell | us each, idle | us each, traffic | frames/s B->A | lost |\n");
	printf("|---|---:|---:|---:|---:|\n");
	for (i = 0; i < 3; i++) {
		if (!r[i].done) {
			printf("| %s | - | - | - | - (failed: %s) |\n", r[i].name, r[i].why);
			continue;
		}
		printf("| %s | %.2f | %.2f | %.0f | %u |\n", r[i].name, r[i].idle_us,
		       r[i].busy_us, r[i].fps, r[i].lost);
	}
	for (i = 0; i < 3; i++)
		if (!r[i].done)
			return 1;
	return 0;
}
