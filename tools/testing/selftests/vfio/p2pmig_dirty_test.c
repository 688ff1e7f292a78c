// SPDX-License-Identifier: GPL-2.0
/*
 * Device dirty tracking (VFIO DMA logging) of an 82576 VF bound to p2pmig,
 * checked against an oracle: the memory itself.  VF X's RX queue 0 is
 * driven by this test over a ring and a pool of buffers of its own; VF Y
 * (same PF) sends it frames of many sizes.  Buffers are posted at random
 * places of the pool (so a page is written only if the tracker followed
 * the guest's descriptors), tails move in bursts and one by one, rings
 * wrap, the queue is re-configured (ring place and size, buffer size)
 * along the way, X also transmits (TX descriptor write-back), and the log
 * is read in the middle of traffic as well as when it is quiet.  Every page
 * whose bytes changed must have been reported: 0 misses, asserted.  The
 * over-reporting ratio is printed.
 *
 * Also: the logging calls' errors, a reset during logging (every page is
 * reported once after it, since what the VF did is no longer known), and
 * the oracle's negative control: a tracker that drops its reports (a
 * debugfs injection) must show missed pages.
 *
 * Needs P2PMIG_VF_A and P2PMIG_VF_B (one PF) bound to p2pmig, and a kernel
 * that has DMA logging (iova_bitmap: 6.1's vfio, or CONFIG_IOMMUFD_DRIVER);
 * on one without it the tests skip, after checking that p2pmig offers no
 * DMA logging there and leaves the queue registers mmapped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/bed_harness.h"
#include "lib/igbvf_regs.h"
#include "lib/igbvf_user.h"
#include "lib/mig_util.h"
#include "lib/vfio_util.h"

#define PAGE		4096ull
#define IOVA_X		0x10000000ull	/* igbvf_user memory of X and Y */
#define IOVA_Y		0x11000000ull
#define IOVA_AREA	0x20000000ull	/* this test's rings and pool */
#define RING_A		0x0000ull	/* ring places in the area */
#define RING_B		0x5080ull	/* crosses a page when long */
#define POOL_OFF	0x10000ull
#define POOL_LEN	(4ull << 20)
#define AREA_LEN	(POOL_OFF + POOL_LEN)
#define AREA_PAGES	(AREA_LEN / PAGE)
#define X_PAGES		2		/* X's igbvf_user RX and TX ring pages */
#define NR_PAGES	(AREA_PAGES + X_PAGES)
#define ROUNDS		48
#define ETHERTYPE	0x88b5
/*
 * Seconds a test may take: the harness's 30 s default is too short for the
 * traffic test on the debug kernel (KASAN, lockdep) under TCG, and a test
 * killed on timeout leaves its VFs closing while the next one opens them.
 */
#define DIRTY_TIMEOUT	600

#define SRRCTL_DROP_EN		(1u << 31)
#define SRRCTL_ADV_ONEBUF	(1u << 25)
#define RXD_DD			(1u << 0)
#define RXD_EOP			(1u << 1)

struct rx_desc {
	uint64_t addr;		/* read: packet buffer; wb: RSS, type */
	uint32_t status;	/* read: header buffer (0); wb: status, errors */
	uint16_t length;
	uint16_t vlan;
};

/* the two VFs, this test's DMA area and the oracle's state */
struct bed {
	struct vfio_dev dev[2];
	struct igbvf_user vf[2];
	bool opened[2], up[2];
	uint8_t mac[2][6];
	uint8_t *area, *shadow;
	bool mapped;
	/* the queue as this test drives it */
	uint64_t ring;		/* area offset */
	unsigned int nd, bufsz, next, tail, posted;
	uint64_t buf[256];	/* area offset of each slot's buffer */
	bool frame_start;
	uint64_t rng;
	/* the oracle */
	uint8_t *cur, *nxt;	/* reported since the last check; since the next */
	uint64_t changed, reported, misses, reports;
	uint64_t whole;		/* reports of every page of the area */
};

FIXTURE(dirty) {
	struct bed b;
};

/* a report's bitmap: one bit per page of the whole logged space */
static uint64_t bitmap[(NR_PAGES + 63) / 64];

/* iova_bitmap_set() in the kernel (vfio's in 6.1, iommufd's later)? */
static bool kernel_has_dma_logging(void)
{
	char line[256], name[128];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %127s", name) == 1 &&
			!strcmp(name, "iova_bitmap_set");
	fclose(f);
	return found;
}

static int log_probe(int fd)
{
	return mig_feature(fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
}

static int log_start(int fd, const struct vfio_device_feature_dma_logging_range *r,
		     unsigned int n, uint64_t page_size)
{
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = page_size,
		.num_ranges = n,
		.ranges = (uintptr_t)r,
	};

	return mig_feature(fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		       &c, sizeof(c));
}

static int log_stop(int fd)
{
	return mig_feature(fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
		       NULL, 0);
}

static int log_report(int fd, uint64_t iova, uint64_t len, uint64_t *bits)
{
	struct vfio_device_feature_dma_logging_report r = {
		.iova = iova,
		.length = len,
		.page_size = PAGE,
		.bitmap = (uintptr_t)bits,
	};

	return mig_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
		       &r, sizeof(r));
}

static uint32_t rnd(struct bed *b, uint32_t n)
{
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 7;
	b->rng ^= b->rng << 17;
	return n ? (uint32_t)(b->rng >> 11) % n : 0;
}

static void role_mac(const char *role, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x02, 0x70, 0x32, 0x64, 0x00, 0x00 };

	memcpy(mac, base, 6);
	mac[5] = role[0];
}

static bool vf_up(struct __test_metadata *_metadata, struct bed *b,
		  int i, const char *role)
{
	const char *bdf = test_vf(role);
	int ret;

	if (!bdf)
		SKIP(return false, "P2PMIG_VF_%s not set: no VF bound to p2pmig", role);
	ret = vfio_dev_open(&b->dev[i], bdf, i ? b->dev[0].container : -1);
	ASSERT_EQ(0, ret) TH_LOG("open VF %s (%s): %s: %s", role, bdf,
				 b->dev[i].failed_step, strerror(-ret));
	b->opened[i] = true;
	role_mac(role, b->mac[i]);
	ret = igbvf_user_init(&b->vf[i], &b->dev[i], i ? IOVA_Y : IOVA_X,
			      b->mac[i]);
	ASSERT_EQ(0, ret) TH_LOG("bring up VF %s (%s): %s: %s", role, bdf,
				 b->vf[i].failed_step, strerror(-ret));
	b->up[i] = true;
	return true;
}

FIXTURE_SETUP(dirty)
{
	struct bed *b = &self->b;
	int ret;

	b->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL);
	if (!vf_up(_metadata, b, 0, "A") || !vf_up(_metadata, b, 1, "B"))
		return;
	ret = log_probe(b->dev[0].fd);
	if (!kernel_has_dma_logging()) {
		uint64_t buf[64];
		struct vfio_region_info *info = (void *)buf;
		struct vfio_region_info_cap_sparse_mmap *sp = NULL;
		struct vfio_info_cap_header *cap;

		/* nothing to trap the queues for: they stay mmapped */
		ASSERT_EQ(-ENOTTY, ret) TH_LOG("DMA logging offered by a kernel without it");
		info->argsz = sizeof(buf);
		info->index = VFIO_PCI_BAR0_REGION_INDEX;
		ASSERT_EQ(0, ioctl(b->dev[0].fd, VFIO_DEVICE_GET_REGION_INFO, info));
		if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
			for (cap = (void *)((char *)buf + info->cap_offset); cap;
			     cap = cap->next ? (void *)((char *)buf + cap->next) : NULL)
				if (cap->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
					sp = (void *)cap;
		ASSERT_NE(NULL, sp);
		ASSERT_EQ(1, sp->nr_areas);
		ASSERT_EQ(0x1000, sp->areas[0].offset);
		ASSERT_EQ(0x3000, sp->areas[0].size);
		SKIP(return,
		     "this kernel has no DMA logging (no iova_bitmap: built without CONFIG_IOMMUFD_DRIVER)");
	}
	ASSERT_EQ(0, ret) TH_LOG("DMA logging not offered: %s", strerror(-ret));

	b->area = mmap(NULL, AREA_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, b->area);
	b->shadow = malloc(NR_PAGES * PAGE);
	b->cur = calloc(NR_PAGES, 1);
	b->nxt = calloc(NR_PAGES, 1);
	ASSERT_NE(NULL, b->shadow);
	ASSERT_NE(NULL, b->cur);
	ASSERT_NE(NULL, b->nxt);
	memset(b->area, 0xa5, AREA_LEN);
	ASSERT_EQ(0, vfio_dma_map(b->dev[0].container, IOVA_AREA, b->area, AREA_LEN));
	b->mapped = true;
}

FIXTURE_TEARDOWN(dirty)
{
	struct bed *b = &self->b;
	char path[160];
	int i;

	if (b->opened[0]) {
		/* a failed negative control must not leave reports dropped */
		snprintf(path, sizeof(path), "/sys/kernel/debug/p2pmig/%s/inject_log_drop",
			 b->dev[0].bdf);
		if (!access(path, W_OK))
			sysfs_write(path, "0");
		log_stop(b->dev[0].fd);
	}
	for (i = 1; i >= 0; i--)
		if (b->up[i])
			igbvf_user_fini(&b->vf[i]);
	if (b->mapped)
		vfio_dma_unmap(b->dev[0].container, IOVA_AREA, AREA_LEN);
	for (i = 1; i >= 0; i--) {
		if (!b->opened[i])
			continue;
		ioctl(b->dev[i].fd, VFIO_DEVICE_RESET);
		vfio_dev_close(&b->dev[i]);
	}
	if (b->area && b->area != MAP_FAILED)
		munmap(b->area, AREA_LEN);
	free(b->shadow);
	free(b->cur);
	free(b->nxt);
}

static int wr(struct bed *b, uint32_t off, uint32_t val)
{
	return vfio_bar0_write32(&b->dev[0], off, val);
}

static struct rx_desc *desc(struct bed *b, unsigned int i)
{
	return (struct rx_desc *)(b->area + b->ring) + i;
}

/* Post a fresh buffer at a random place of the pool in slot @i. */
static void post(struct bed *b, unsigned int i)
{
	struct rx_desc *d = desc(b, i);
	uint64_t off = POOL_OFF + (rnd(b, POOL_LEN - b->bufsz) & ~63u);

	b->buf[i] = off;
	d->addr = IOVA_AREA + off;
	d->length = 0;
	d->vlan = 0;
	__atomic_store_n(&d->status, 0, __ATOMIC_RELEASE);
}

/* Give the device every free slot, moving the tail in one go or one by one. */
static int refill(struct bed *b, bool one_by_one)
{
	int ret = 0;

	while (b->posted < b->nd - 1) {
		post(b, b->tail);
		b->tail = (b->tail + 1) % b->nd;
		b->posted++;
		if (one_by_one) {
			__atomic_thread_fence(__ATOMIC_RELEASE);
			ret = wr(b, RDT(0), b->tail);
			if (ret)
				return ret;
		}
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return one_by_one ? 0 : wr(b, RDT(0), b->tail);
}

/* (Re)configure RX queue 0 of X: ring place and size, buffer size. */
static int configure(struct bed *b, uint64_t ring, unsigned int nd,
		     unsigned int kib)
{
	uint64_t iova = IOVA_AREA + ring;
	uint32_t v;
	int ret, i;

	ret = wr(b, RXDCTL(0), 0);
	for (i = 0; !ret && i < 1000; i++) {
		ret = vfio_bar0_read32(&b->dev[0], RXDCTL(0), &v);
		if (!ret && !(v & XDCTL_ENABLE))
			break;
		usleep(100);
	}
	if (ret)
		return ret;
	b->ring = ring;
	b->nd = nd;
	b->bufsz = kib * 1024;
	b->next = 0;
	b->tail = 0;
	b->posted = 0;
	b->frame_start = true;
	memset(b->area + ring, 0, nd * sizeof(struct rx_desc));
	ret = wr(b, RDBAL(0), (uint32_t)iova) ?:
	      wr(b, RDBAH(0), iova >> 32) ?:
	      wr(b, RDLEN(0), nd * sizeof(struct rx_desc)) ?:
	      wr(b, SRRCTL(0), SRRCTL_DROP_EN | SRRCTL_ADV_ONEBUF | kib) ?:
	      wr(b, RDH(0), 0) ?:
	      wr(b, RDT(0), 0) ?:
	      wr(b, RXDCTL(0), XDCTL_ENABLE);
	return ret;
}

/* The frames of Y that X has received; other senders' are passed over. */
static unsigned int receive(struct bed *b, unsigned int want, int ms)
{
	struct timespec ts;
	uint64_t end;
	unsigned int got = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec * 1000ull + ts.tv_nsec / 1000000 + ms;
	while (got < want) {
		struct rx_desc *d = desc(b, b->next);
		uint32_t st = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
		const uint8_t *f;

		if (!(st & RXD_DD) || !b->posted) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (ts.tv_sec * 1000ull + ts.tv_nsec / 1000000 >= end)
				break;
			usleep(50);
			continue;
		}
		f = b->area + b->buf[b->next];
		if (b->frame_start && !memcmp(f + 6, b->mac[1], 6) &&
		    f[12] == ETHERTYPE >> 8 && f[13] == (ETHERTYPE & 0xff))
			got++;
		b->frame_start = st & RXD_EOP;
		b->next = (b->next + 1) % b->nd;
		b->posted--;
	}
	return got;
}

static int send_frames(struct bed *b, int from, unsigned int n)
{
	uint8_t f[1514];
	unsigned int i, len, tries;
	int ret = 0;

	for (i = 0; i < n; i++) {
		len = 60 + rnd(b, sizeof(f) - 60 + 1);
		memcpy(f, b->mac[!from], 6);
		memcpy(f + 6, b->mac[from], 6);
		f[12] = ETHERTYPE >> 8;
		f[13] = ETHERTYPE & 0xff;
		for (unsigned int j = 14; j < len; j++)
			f[j] = rnd(b, 256);
		for (tries = 0; tries < 2000; tries++) {
			ret = igbvf_user_send(&b->vf[from], f, len);
			if (ret != -EAGAIN)
				break;
			igbvf_user_tx_reclaim(&b->vf[from]);
			usleep(100);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Read the log over both logged spans; pages reported go to @a. */
static int report(struct bed *b, uint8_t *a)
{
	uint64_t p, n;
	int ret;

	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap);
	if (ret)
		return ret;
	for (p = 0, n = 0; p < AREA_PAGES; p++) {
		if (bitmap[p / 64] & (1ull << (p % 64))) {
			a[p] = 1;
			n++;
		}
	}
	b->whole += n == AREA_PAGES;
	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(b->dev[0].fd, IOVA_X, X_PAGES * PAGE, bitmap);
	if (ret)
		return ret;
	for (p = 0; p < X_PAGES; p++)
		if (bitmap[p / 64] & (1ull << (p % 64)))
			a[AREA_PAGES + p] = 1;
	b->reports++;
	return 0;
}

static const uint8_t *page_of(struct bed *b, uint64_t p)
{
	return p < AREA_PAGES ? b->area + p * PAGE :
	       b->vf[0].mem + (p - AREA_PAGES) * PAGE;
}

static void snapshot(struct bed *b)
{
	uint64_t p;

	for (p = 0; p < NR_PAGES; p++)
		memcpy(b->shadow + p * PAGE, page_of(b, p), PAGE);
}

/*
 * The quiet point: report, snapshot, report again.  A page that changed
 * since the last snapshot must be in a report made since it (the second
 * report covers what changed between the first one and the snapshot, and
 * counts for the next interval too).  Returns the misses.
 */
static uint64_t check(struct __test_metadata *_metadata, struct bed *b)
{
	uint64_t p, misses = 0;

	EXPECT_EQ(0, report(b, b->cur));
	for (p = 0; p < NR_PAGES; p++) {
		bool changed = memcmp(b->shadow + p * PAGE, page_of(b, p), PAGE);

		memcpy(b->shadow + p * PAGE, page_of(b, p), PAGE);
		b->changed += changed;
		b->reported += b->cur[p];
		if (changed && !b->cur[p] && misses++ < 8)
			TH_LOG("page %s+%#llx changed, not reported",
			       p < AREA_PAGES ? "area" : "X",
			       (unsigned long long)((p < AREA_PAGES ? p : p - AREA_PAGES) * PAGE));
	}
	/* what changed while the bytes were read is in the next interval */
	memset(b->cur, 0, NR_PAGES);
	EXPECT_EQ(0, report(b, b->cur));
	b->misses += misses;
	return misses;
}

/* What the oracle counted so far, as a test log line. */
static void oracle_log(struct __test_metadata *_metadata, struct bed *b, const char *what)
{
	TH_LOG("%s: pages changed %llu, reported %llu, missed %llu", what,
	       (unsigned long long)b->changed, (unsigned long long)b->reported,
	       (unsigned long long)b->misses);
}

TEST_F_TIMEOUT(dirty, every_page_the_vf_writes_is_reported, DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	static const unsigned int sizes[] = { 64, 128, 256 };
	/* six spans, merged by p2pmig down to what the VF tracks */
	const struct vfio_device_feature_dma_logging_range r[] = {
		{ IOVA_X, X_PAGES * PAGE },
		{ IOVA_AREA, POOL_OFF },
		{ IOVA_AREA + POOL_OFF, POOL_LEN / 4 },
		{ IOVA_AREA + POOL_OFF + POOL_LEN / 4, POOL_LEN / 4 },
		{ IOVA_AREA + POOL_OFF + POOL_LEN / 2, POOL_LEN / 4 },
		{ IOVA_AREA + POOL_OFF + 3 * POOL_LEN / 4, POOL_LEN / 4 },
	};
	unsigned int round, k, got, sent = 0, received = 0, reconfigs = 0;
	uint64_t seed = b->rng;

	TH_LOG("seed %#llx", (unsigned long long)seed);
	ASSERT_EQ(0, configure(b, RING_A, 128, 2));
	ASSERT_EQ(0, refill(b, false));
	snapshot(b);
	ASSERT_EQ(0, log_start(b->dev[0].fd, r, 6, PAGE));

	for (round = 0; round < ROUNDS; round++) {
		bool one = round % 3 == 1;

		if (round && round % 8 == 0) {
			/* re-configure: another place, ring size and buffer size */
			ASSERT_EQ(0, configure(b, round % 16 ? RING_B : RING_A,
					       sizes[rnd(b, 3)], 1u << rnd(b, 3)));
			reconfigs++;
		}
		ASSERT_EQ(0, refill(b, one));
		/* room for all, with two buffers a frame and a few strays */
		k = 1 + rnd(b, b->nd / 4);
		ASSERT_EQ(0, send_frames(b, 1, k));
		ASSERT_EQ(0, send_frames(b, 0, 1 + rnd(b, 3)));
		sent += k;
		/* the log read while frames are on their way */
		ASSERT_EQ(0, report(b, b->cur));
		got = receive(b, k, 5000);
		received += got;
		if (got != k)
			TH_LOG("round %u: %u of %u frames arrived", round, got, k);
		while (igbvf_user_tx_reclaim(&b->vf[0]) ||
		       igbvf_user_tx_reclaim(&b->vf[1]))
			usleep(100);
		/* Y's ring: X's frames */
		while (igbvf_user_recv(&b->vf[1], bitmap, sizeof(bitmap), 0) != -ETIMEDOUT)
			;
		if (round % 2)
			ASSERT_EQ(0, check(_metadata, b)) TH_LOG("round %u", round);
	}
	ASSERT_EQ(0, check(_metadata, b));
	TH_LOG("%u rounds, %u re-configurations, %u frames sent, %u received, %llu reports",
	       ROUNDS, reconfigs, sent, received, (unsigned long long)b->reports);
	TH_LOG("pages changed %llu, reported %llu (%.2f per changed page), missed %llu",
	       (unsigned long long)b->changed, (unsigned long long)b->reported,
	       b->changed ? (double)b->reported / b->changed : 0.0,
	       (unsigned long long)b->misses);
	EXPECT_EQ(0, b->misses);
	/*
	 * Every page is reported only while the tracker has lost the queue:
	 * after a re-configuration, until the next tail write or report.  A
	 * tracker that lost it at every tail write (the trapped writes did
	 * not reach the fetch that copies the descriptors) misses nothing but
	 * makes migrations never converge.
	 */
	TH_LOG("%llu of %llu reports were of every page",
	       (unsigned long long)b->whole, (unsigned long long)b->reports);
	EXPECT_GE(2 * reconfigs + 2, b->whole);
	EXPECT_LE(sent * 9 / 10, received);
	/* the oracle saw the VF write: at least a page per frame spread */
	EXPECT_LT(ROUNDS * 4, b->changed);
	ASSERT_EQ(0, log_stop(b->dev[0].fd));
}

TEST_F_TIMEOUT(dirty, logging_refuses_a_second_start_and_a_report_without_one, DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	const struct vfio_device_feature_dma_logging_range r = { IOVA_AREA, AREA_LEN };
	const struct vfio_device_feature_dma_logging_range huge = { 1ull << 31, 1ull << 31 };

	EXPECT_EQ(-EINVAL, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));
	EXPECT_EQ(-EBUSY, log_start(b->dev[0].fd, &r, 1, PAGE));
	EXPECT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
	EXPECT_EQ(-EINVAL, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	/* pages beyond 1 GiB are not the VF's */
	EXPECT_EQ(-EINVAL, log_start(b->dev[0].fd, &huge, 1, 1ull << 31));
	/* and logging starts again after a stop */
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
}

/*
 * The oracle's negative control: with p2pmig told (debugfs) to drop what
 * its reports would hand over, the same traffic must show missed pages.
 */
TEST_F_TIMEOUT(dirty, oracle_catches_a_tracker_that_drops_its_reports, DIRTY_TIMEOUT)
{
	const struct vfio_device_feature_dma_logging_range r[] = {
		{ IOVA_X, X_PAGES * PAGE }, { IOVA_AREA, AREA_LEN },
	};
	struct bed *b = &self->b;
	unsigned int round, k;
	char path[160];

	snprintf(path, sizeof(path), "/sys/kernel/debug/p2pmig/%s/inject_log_drop",
		 b->dev[0].bdf);
	if (access(path, W_OK))
		SKIP(return, "no %s (debugfs not mounted?)", path);
	ASSERT_EQ(0, configure(b, RING_A, 128, 2));
	ASSERT_EQ(0, refill(b, false));
	snapshot(b);
	ASSERT_EQ(0, log_start(b->dev[0].fd, r, 2, PAGE));
	ASSERT_EQ(0, sysfs_write(path, "1000"));
	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, refill(b, false));
		k = 1 + b->nd / 4;
		ASSERT_EQ(0, send_frames(b, 1, k));
		EXPECT_LT(0, receive(b, k, 5000));
		check(_metadata, b);
	}
	ASSERT_EQ(0, sysfs_write(path, "0"));
	oracle_log(_metadata, b, "with every report dropped");
	EXPECT_EQ(0, b->reported);
	EXPECT_LT(0, b->misses);
	ASSERT_EQ(0, log_stop(b->dev[0].fd));
}

TEST_F_TIMEOUT(dirty, a_reset_while_logging_reports_every_page_once, DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	const struct vfio_device_feature_dma_logging_range r = { IOVA_AREA, AREA_LEN };
	uint64_t p, set = 0;

	ASSERT_EQ(0, configure(b, RING_A, 64, 2));
	ASSERT_EQ(0, refill(b, false));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	for (p = 0; p < AREA_PAGES; p++)
		set += !!(bitmap[p / 64] & (1ull << (p % 64)));
	/*
	 * The ring, not everything (the VF runs: its 63 posted buffers come
	 * once it consumes them, or in a report made with it quiesced)
	 */
	EXPECT_GT(AREA_PAGES / 2, set);
	EXPECT_LE(1, set);

	ASSERT_EQ(0, ioctl(b->dev[0].fd, VFIO_DEVICE_RESET));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	for (p = 0, set = 0; p < AREA_PAGES; p++)
		set += !!(bitmap[p / 64] & (1ull << (p % 64)));
	EXPECT_EQ(AREA_PAGES, set) TH_LOG("after a reset, what the VF did is not known");

	/* the reset queue is empty: the next report is small again */
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	for (p = 0, set = 0; p < AREA_PAGES; p++)
		set += !!(bitmap[p / 64] & (1ull << (p % 64)));
	EXPECT_GT(AREA_PAGES / 2, set);
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
}

static uint64_t pages_set(uint64_t npages)
{
	uint64_t p, set = 0;

	for (p = 0; p < npages; p++)
		set += !!(bitmap[p / 64] & (1ull << (p % 64)));
	return set;
}

struct rdt_storm {
	struct vfio_dev *dev;
	unsigned int writes;
};

static void *rdt_storm(void *arg)
{
	struct rdt_storm *st = arg;
	unsigned int i;

	for (i = 0; i < 2000; i++)
		if (!vfio_bar0_write32(st->dev, RDT(0), (i * 7919u) % 70000))
			st->writes++;
	return NULL;
}

/*
 * What a hostile or broken guest can do to the queue registers while
 * logging runs: a ring at an IOVA nobody mapped, the longest ring RDLEN
 * allows, tails beyond the ring, tail writes racing with reports.  The
 * queue is then lost (every page reported), never the kernel; a reset
 * and a proper configuration bring back small reports.
 */
TEST_F_TIMEOUT(dirty, hostile_queue_registers_lose_the_queue_not_the_kernel, DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	const struct vfio_device_feature_dma_logging_range r = { IOVA_AREA, AREA_LEN };
	const struct vfio_device_feature_dma_logging_range huge = { 0, 1ull << 46 };
	struct rdt_storm st = { .dev = &b->dev[0] };
	pthread_t th;
	int i;

	ASSERT_EQ(0, configure(b, RING_A, 64, 2));
	ASSERT_EQ(0, refill(b, false));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));

	/* a ring nobody mapped: its descriptors cannot be read */
	ASSERT_EQ(0, wr(b, RXDCTL(0), 0));
	ASSERT_EQ(0, wr(b, RDBAL(0), 0x70000000));
	ASSERT_EQ(0, wr(b, RDBAH(0), 0));
	ASSERT_EQ(0, wr(b, RDH(0), 0));
	ASSERT_EQ(0, wr(b, RDT(0), 100));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	EXPECT_EQ(AREA_PAGES, pages_set(AREA_PAGES))
		TH_LOG("an unreadable ring must lose the queue");

	/* the longest ring, then tails beyond it, racing with reports */
	ASSERT_EQ(0, wr(b, RDLEN(0), 0xfff80));
	ASSERT_EQ(0, wr(b, RDT(0), 65530));
	ASSERT_EQ(0, pthread_create(&th, NULL, rdt_storm, &st));
	for (i = 0; i < 50; i++) {
		memset(bitmap, 0, sizeof(bitmap));
		ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
		EXPECT_EQ(AREA_PAGES, pages_set(AREA_PAGES));
	}
	pthread_join(th, NULL);
	EXPECT_EQ(2000, st.writes);

	/* a huge range is logged too, at a coarser granularity */
	ASSERT_EQ(0, log_stop(b->dev[0].fd));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &huge, 1, PAGE));

	/* a reset and a proper configuration: small reports again */
	ASSERT_EQ(0, ioctl(b->dev[0].fd, VFIO_DEVICE_RESET));
	ASSERT_EQ(0, configure(b, RING_A, 64, 2));
	ASSERT_EQ(0, refill(b, false));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	/* 2^46 bytes in 8 MiB of bitmaps: 1 MiB pages, reported whole */
	EXPECT_LT(0, pages_set(AREA_PAGES));
	for (i = 0; i < 1024; i += 256) {
		uint64_t in_mib = pages_set(i + 256) - pages_set(i);

		EXPECT_TRUE(!in_mib || in_mib == 256)
			TH_LOG("MiB %d: %llu pages", i / 256, (unsigned long long)in_mib);
	}
	ASSERT_EQ(0, log_stop(b->dev[0].fd));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	EXPECT_GT(AREA_PAGES / 2, pages_set(AREA_PAGES));
	EXPECT_LE(1, pages_set(AREA_PAGES));
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
}

/*
 * While the VF runs, a report has the buffers the VF consumed, not those
 * it may still write; once it is quiesced (RUNNING_P2P, as before the last
 * report of a migration), the posted ones too: all 63 of them.
 */
/*
 * The driver's IGBVF_DIRTY_RX_INFLIGHT: the posted slots from RDH whose
 * buffers a quiesced VF may have written without moving RDH.
 */
#define INFLIGHT	64

/*
 * Quiesced, the posted buffers the VF may have fetched (the first INFLIGHT
 * from RDH) are reported; the others it never fetched are not: a full
 * 256-slot ring of 2 KiB buffers adds at most two pages per fetched one
 * (all 255 at random places of the pool would be some 300 pages).
 */
TEST_F_TIMEOUT(dirty, posted_buffers_the_vf_may_have_fetched_are_reported_once_quiesced,
	       DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	const struct vfio_device_feature_dma_logging_range r = { IOVA_AREA, AREA_LEN };
	uint64_t running, quiesced, added;
	unsigned int k, missing = 0;
	uint32_t head;

	ASSERT_EQ(0, configure(b, RING_A, 256, 2));
	ASSERT_EQ(0, refill(b, false));
	ASSERT_EQ(0, log_start(b->dev[0].fd, &r, 1, PAGE));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	running = pages_set(AREA_PAGES);

	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, RUNNING_P2P, NULL));
	ASSERT_EQ(0, vfio_bar0_read32(&b->dev[0], RDH(0), &head));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, log_report(b->dev[0].fd, IOVA_AREA, AREA_LEN, bitmap));
	quiesced = pages_set(AREA_PAGES);
	/* the first page of each buffer the VF may have fetched is in it */
	for (k = 0; k < INFLIGHT; k++) {
		unsigned int i = (head + k) % b->nd;
		uint64_t off = b->buf[i];

		if (i != b->tail && !(bitmap[off / PAGE / 64] & (1ull << (off / PAGE % 64))))
			missing++;
	}
	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, RUNNING, NULL));
	added = quiesced > running ? quiesced - running : 0;
	TH_LOG("pages reported while running %llu, quiesced %llu (RDH %u)",
	       (unsigned long long)running, (unsigned long long)quiesced, head);
	EXPECT_EQ(0, missing) TH_LOG("%u buffers in flight not reported, VF quiesced", missing);
	EXPECT_LT(running, quiesced);
	/* two pages per fetched buffer, a few for frames from elsewhere */
	EXPECT_GE(2 * INFLIGHT + 8, added) TH_LOG("%llu pages added", (unsigned long long)added);
	EXPECT_EQ(0, log_stop(b->dev[0].fd));
}

TEST_HARNESS_MAIN

/*
 * A VF that resumed a stream starts its queues again itself (leaving STOP
 * and RUNNING_P2P writes their controls, not the user): what they write
 * must still be reported.  X saves its state and resumes it in place, then
 * sends: the descriptors its TX queue writes back change its ring page.
 */
TEST_F_TIMEOUT(dirty, a_vf_that_resumed_a_stream_reports_its_tx_write_backs, DIRTY_TIMEOUT)
{
	struct bed *b = &self->b;
	const struct vfio_device_feature_dma_logging_range r[] = {
		{ IOVA_X, X_PAGES * PAGE },
		{ IOVA_AREA, AREA_LEN },
	};
	uint8_t *stream = malloc(64 * 1024);
	int fd, err, round;
	ssize_t n;

	ASSERT_NE(NULL, stream);
	/* X's transmit queue in use before it moves */
	ASSERT_EQ(0, send_frames(b, 0, 4));
	while (igbvf_user_tx_reclaim(&b->vf[0]))
		usleep(100);
	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, STOP_COPY, &fd));
	n = mig_read_all(fd, stream, 64 * 1024, &err);
	close(fd);
	ASSERT_EQ(0, err) TH_LOG("save: %s", strerror(err));
	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, STOP, NULL));
	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, RESUMING, &fd));
	ASSERT_EQ(0, mig_write_all(fd, stream, n, n));
	ASSERT_EQ(0, mig_set_state(b->dev[0].fd, RUNNING, NULL));
	close(fd);
	free(stream);

	snapshot(b);
	ASSERT_EQ(0, log_start(b->dev[0].fd, r, 2, PAGE));
	for (round = 0; round < 4; round++) {
		ASSERT_EQ(0, send_frames(b, 0, 2 + rnd(b, 4)));
		while (igbvf_user_tx_reclaim(&b->vf[0]))
			usleep(100);
		EXPECT_EQ(0, check(_metadata, b)) TH_LOG("round %d", round);
	}
	oracle_log(_metadata, b, "after the resume");
	/* the oracle saw X's ring change: the test can fail */
	EXPECT_LT(0, b->changed);
	EXPECT_EQ(0, b->misses);
	ASSERT_EQ(0, log_stop(b->dev[0].fd));
}
