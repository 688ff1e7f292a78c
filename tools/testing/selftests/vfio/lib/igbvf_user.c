// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace driver for the Intel 82576 VF over VFIO, for the selftests.
 * See igbvf_user.h.  Register layout and mailbox protocol as in the 82576
 * datasheet and as Linux's igbvf (VF) and igb (PF) drivers use them.
 */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "frame_util.h"
#include "igbvf_regs.h"
#include "igbvf_user.h"

/* SRRCTL: packet buffer size in KiB, one-buffer advanced descriptors */
#define SRRCTL_BSIZEPKT(kib)	(kib)
#define SRRCTL_ADV_ONEBUF	(1u << 25)
#define SRRCTL_DROP_EN		(1u << 31)

/* V2PMAILBOX */
#define MBX_REQ			0x01
#define MBX_ACK			0x02
#define MBX_VFU			0x04
#define MBX_PFSTS		0x10
#define MBX_PFACK		0x20
#define MBX_RSTI		0x40
#define MBX_RSTD		0x80
#define MBX_R2C			(MBX_PFSTS | MBX_PFACK | MBX_RSTD)
#define MBX_TIMEOUT_MS		2000
#define MBX_LOCK_TRIES		10

/* advanced RX descriptor, write-back status */
#define RXD_STAT_DD		0x01
#define RXD_STAT_EOP		0x02
#define RXD_ERR_FRAME		0x97000000u	/* CE, SE, SEQ, CXE, RXE */

/* advanced TX data descriptor */
#define TXD_DTYP_DATA		0x00300000u
#define TXD_CMD_EOP		0x01000000u
#define TXD_CMD_IFCS		0x02000000u
#define TXD_CMD_RS		0x08000000u
#define TXD_CMD_DEXT		0x20000000u
#define TXD_PAYLEN_SHIFT	14
#define TXD_STAT_DD		0x01

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4
#define ETH_HLEN		14
#define ALL_VEC			((1u << IGBVF_USER_NR_VEC) - 1)
#define MAX_FRAME		1522	/* 1500 bytes MTU, a VLAN tag, FCS */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* advanced RX descriptor: read format, and write-back over it */
struct rx_desc {
	uint64_t pkt_addr;	/* wb: packet type, header info, RSS hash */
	uint32_t status_error;	/* read: hdr_addr, which we leave 0 */
	uint16_t length;
	uint16_t vlan;
};

/* advanced TX data descriptor; olinfo_status gets DD on write-back */
struct tx_desc {
	uint64_t buffer_addr;
	uint32_t cmd_type_len;
	uint32_t olinfo_status;
};

/* DMA memory layout */
#define PAGE			4096
#define RX_RING_OFF		0
#define TX_RING_OFF		PAGE
#define RX_BUF_OFF		(2 * PAGE)
#define TX_BUF_OFF		(RX_BUF_OFF + IGBVF_USER_RING * IGBVF_USER_BUF)
#define MEM_LEN			IGBVF_USER_DMA_LEN

static_assert(IGBVF_USER_RING % 8 == 0, "ring lengths are multiples of 128 bytes");
static_assert(IGBVF_USER_RING * sizeof(struct rx_desc) <= PAGE, "a ring fits a page");
static_assert(IGBVF_USER_BUF % 1024 == 0, "SRRCTL counts buffer sizes in KiB");
static_assert(TX_BUF_OFF + IGBVF_USER_RING * IGBVF_USER_BUF == MEM_LEN, "layout");

static struct rx_desc *rx_ring(struct igbvf_user *u)
{
	return (struct rx_desc *)(u->mem + RX_RING_OFF);
}

static struct tx_desc *tx_ring(struct igbvf_user *u)
{
	return (struct tx_desc *)(u->mem + TX_RING_OFF);
}

static uint8_t *rx_buf(struct igbvf_user *u, unsigned int i)
{
	return u->mem + RX_BUF_OFF + (size_t)i * IGBVF_USER_BUF;
}

static uint8_t *tx_buf(struct igbvf_user *u, unsigned int i)
{
	return u->mem + TX_BUF_OFF + (size_t)i * IGBVF_USER_BUF;
}

static uint64_t iova_of(struct igbvf_user *u, const void *p)
{
	return u->iova + ((const uint8_t *)p - u->mem);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static int rd(struct igbvf_user *u, unsigned int off, uint32_t *val)
{
	return vfio_bar0_read32(u->dev, off, val);
}

/* BAR0 pages of the queue registers (RX at 0x2800, TX at 0x3800) */
#define QREGS		0x2000
#define QREGS_LEN	0x2000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int wr(struct igbvf_user *u, unsigned int off, uint32_t val)
{
	bool doorbell = off == RDT(0) || off == TDT(0);
	uint64_t t0 = doorbell ? now_ns() : 0;
	int ret = 0;

	if (u->qregs && off >= QREGS && off < QREGS + QREGS_LEN)
		u->qregs[(off - QREGS) / 4] = val;
	else
		ret = vfio_bar0_write32(u->dev, off, val);
	if (doorbell) {
		u->doorbell_ns += now_ns() - t0;
		u->doorbells++;
	}
	return ret;
}

static void unmap_queue_regs(struct igbvf_user *u)
{
	if (u->qregs)
		munmap((void *)u->qregs, QREGS_LEN);
	u->qregs = NULL;
}

int igbvf_user_tail_write(struct igbvf_user *u, unsigned int off, uint32_t val)
{
	if (off != RDT(0) && off != TDT(0))
		return -EINVAL;
	return wr(u, off, val);
}

int igbvf_user_map_queue_regs(struct igbvf_user *u)
{
	const struct vfio_region_info *r = &u->dev->region[VFIO_PCI_BAR0_REGION_INDEX];
	void *p;
	int ret;

	ret = vfio_region_mmappable(u->dev, VFIO_PCI_BAR0_REGION_INDEX, QREGS, QREGS_LEN);
	if (ret <= 0)
		return ret ? ret : -EPERM;
	unmap_queue_regs(u);
	p = mmap(NULL, QREGS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, u->dev->fd,
		 r->offset + QREGS);
	if (p == MAP_FAILED)
		return -errno;
	u->qregs = p;
	return 0;
}

/* ---- mailbox ---- */

/*
 * V2PMAILBOX clears PFSTS, PFACK and RSTD when read: remember what we saw
 * until the bit is consumed, so no read loses an event.
 */
static int mbx_read(struct igbvf_user *u, uint32_t *v)
{
	uint32_t r;
	int ret;

	ret = rd(u, V2PMAILBOX, &r);
	if (ret)
		return ret;
	u->mbx_r2c |= r & MBX_R2C;
	*v = r | u->mbx_r2c;
	return 0;
}

/* 1 and consumed if a bit of @mask is set, 0 if not, or -errno */
static int mbx_take(struct igbvf_user *u, uint32_t mask)
{
	uint32_t v;
	int ret;

	ret = mbx_read(u, &v);
	if (ret)
		return ret;
	u->mbx_r2c &= ~mask;
	return !!(v & mask);
}

static int mbx_wait(struct igbvf_user *u, uint32_t mask, int ms)
{
	int64_t end = now_us() + ms * 1000LL;
	int ret;

	for (;;) {
		ret = mbx_take(u, mask);
		if (ret)
			return ret < 0 ? ret : 0;
		if (now_us() >= end)
			return -ETIMEDOUT;
		sleep_us(100);
	}
}

/* VFU: the VF owns the mailbox memory (granted unless the PF holds PFU) */
static int mbx_lock(struct igbvf_user *u)
{
	uint32_t v;
	int i, ret;

	for (i = 0; i < MBX_LOCK_TRIES; i++) {
		ret = wr(u, V2PMAILBOX, MBX_VFU);
		if (!ret)
			ret = mbx_read(u, &v);
		if (ret)
			return ret;
		if (v & MBX_VFU)
			return 0;
		sleep_us(1000);
	}
	return -EBUSY;
}

int igbvf_user_mbx(struct igbvf_user *u, const uint32_t *msg, int len,
		   uint32_t *reply, int rlen)
{
	uint32_t buf[IGBVF_USER_MBX_WORDS];
	int i, n, ret;

	if (len < 1 || len > IGBVF_USER_MBX_WORDS ||
	    rlen < 0 || rlen > IGBVF_USER_MBX_WORDS)
		return -EINVAL;

	ret = mbx_lock(u);
	if (ret)
		return ret;
	/* acks and messages from before this request are stale */
	ret = mbx_take(u, MBX_PFACK | MBX_PFSTS);
	if (ret < 0)
		return ret;
	for (i = 0; i < len; i++) {
		ret = wr(u, VMBMEM(i), msg[i]);
		if (ret)
			return ret;
	}
	/* REQ without VFU: interrupt the PF and release the buffer */
	ret = wr(u, V2PMAILBOX, MBX_REQ);
	if (ret)
		return ret;

	ret = mbx_wait(u, MBX_PFACK, MBX_TIMEOUT_MS);
	if (ret)
		return ret;
	/*
	 * The PF read the request.  It answers in the same interrupt, unless
	 * it has revoked clear-to-send (Linux's igb: within 2 s of a VF reset
	 * event it drops every request but VF_RESET without a word).
	 */
	ret = mbx_wait(u, MBX_PFSTS, MBX_TIMEOUT_MS);
	if (ret)
		return ret == -ETIMEDOUT ? -ECONNRESET : ret;

	ret = mbx_lock(u);
	if (ret)
		return ret;
	n = rlen > 1 ? rlen : 1;
	for (i = 0; i < n; i++) {
		ret = rd(u, VMBMEM(i), &buf[i]);
		if (ret)
			return ret;
	}
	/* ACK without VFU: tell the PF we have read it, release the buffer */
	ret = wr(u, V2PMAILBOX, MBX_ACK);
	if (ret)
		return ret;

	u->mbx_reply = buf[0];
	if (rlen)
		memcpy(reply, buf, rlen * sizeof(*buf));
	if ((buf[0] & 0xffff) != (msg[0] & 0xffff))
		return -EPROTO;
	/* every answer but VF_RESET's carries CTS while the PF is clear to send */
	if ((buf[0] & IGBVF_MSG_NACK) && !(buf[0] & IGBVF_MSG_CTS) &&
	    (msg[0] & 0xffff) != IGBVF_MSG_RESET)
		return -ECONNRESET;
	if (buf[0] & IGBVF_MSG_NACK)
		return -EREMOTEIO;
	if (!(buf[0] & IGBVF_MSG_ACK))
		return -EPROTO;
	return 0;
}

static void mac_to_words(const uint8_t mac[6], uint32_t *w)
{
	w[0] = mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24;
	w[1] = mac[4] | mac[5] << 8;
}

int igbvf_user_set_mac(struct igbvf_user *u, const uint8_t mac[6])
{
	uint32_t msg[3] = { IGBVF_MSG_SET_MAC };
	int ret;

	mac_to_words(mac, &msg[1]);
	ret = igbvf_user_mbx(u, msg, 3, NULL, 0);
	if (!ret)
		memcpy(u->mac, mac, 6);
	return ret;
}

int igbvf_user_add_uc_filter(struct igbvf_user *u, const uint8_t mac[6])
{
	uint32_t msg[3] = { IGBVF_MSG_SET_MAC | 2u << IGBVF_MSG_INFO_SHIFT };

	mac_to_words(mac, &msg[1]);
	return igbvf_user_mbx(u, msg, 3, NULL, 0);
}

/* bits 4..15 of the last two address bytes: the filter's default (MO=0) */
uint16_t igbvf_user_mc_hash(const uint8_t mac[6])
{
	return ((mac[5] << 8 | mac[4]) >> 4) & 0xfff;
}

/* The PF takes the whole list each time, as 16-bit hashes after word 0. */
int igbvf_user_add_multicast(struct igbvf_user *u, const uint8_t mac[6])
{
	uint32_t msg[IGBVF_USER_MBX_WORDS] = { 0 };
	unsigned int i, n;
	int ret;

	if (u->mc_count == IGBVF_USER_MAX_MC)
		return -ENOSPC;
	n = u->mc_count + 1;
	u->mc_hash[u->mc_count] = igbvf_user_mc_hash(mac);
	msg[0] = IGBVF_MSG_SET_MULTICAST | n << IGBVF_MSG_INFO_SHIFT;
	for (i = 0; i < n; i++)
		msg[1 + i / 2] |= (uint32_t)u->mc_hash[i] << (16 * (i & 1));
	ret = igbvf_user_mbx(u, msg, IGBVF_USER_MBX_WORDS, NULL, 0);
	if (!ret)
		u->mc_count = n;
	return ret;
}

int igbvf_user_set_vlan(struct igbvf_user *u, uint16_t vid, bool add)
{
	uint32_t msg[2] = { IGBVF_MSG_SET_VLAN, vid };

	if (add)
		msg[0] |= 1u << IGBVF_MSG_INFO_SHIFT;
	return igbvf_user_mbx(u, msg, 2, NULL, 0);
}

int igbvf_user_set_lpe(struct igbvf_user *u, uint16_t max_frame)
{
	uint32_t msg[2] = { IGBVF_MSG_SET_LPE, max_frame };

	return igbvf_user_mbx(u, msg, 2, NULL, 0);
}

/* ---- bring-up ---- */

/*
 * The VF_RESET handshake: the PF resets its side of the VF and is clear to
 * send again; its reply is VF_RESET|ACK with an address the administrator
 * set, or VF_RESET|NACK without one - both are success.
 */
static int vf_reset_msg(struct igbvf_user *u)
{
	uint32_t msg[1] = { IGBVF_MSG_RESET }, reply[3];
	int ret;

	u->failed_step = "mailbox VF_RESET";
	ret = igbvf_user_mbx(u, msg, 1, reply, 3);
	if (ret == 0)
		memcpy(u->perm_mac, &reply[1], 6);
	else if (ret == -EREMOTEIO)
		memset(u->perm_mac, 0, 6);
	else
		return ret;
	return 0;
}

/*
 * VTCTRL.RST, as igbvf does on open: the PF sees a VF reset and forgets
 * the VF's filters.  Then wait until no PF reset is in progress and do
 * the VF_RESET handshake.
 */
static int vf_reset(struct igbvf_user *u)
{
	uint32_t v;
	int64_t end;
	int ret;

	u->failed_step = "VTCTRL.RST";
	ret = wr(u, VTCTRL, VTCTRL_RST);
	if (ret)
		return ret;

	u->failed_step = "wait for the PF (RSTI set: PF reset, or its netdev down)";
	end = now_us() + MBX_TIMEOUT_MS * 1000LL;
	for (;;) {
		ret = mbx_read(u, &v);
		if (ret)
			return ret;
		if (!(v & MBX_RSTI))
			break;
		if (now_us() >= end)
			return -ETIMEDOUT;
		sleep_us(1000);
	}
	u->mbx_r2c = 0;

	return vf_reset_msg(u);
}

/* The PF-side setup after a VF_RESET: the MAC, the largest frame. */
static int pf_setup(struct igbvf_user *u, const uint8_t mac[6])
{
	int ret;

	u->failed_step = "mailbox SET_MAC";
	ret = igbvf_user_set_mac(u, mac);
	if (ret)
		return ret;
	u->failed_step = "mailbox SET_LPE";
	return igbvf_user_set_lpe(u, MAX_FRAME);
}

struct reg_write {
	unsigned int off;
	uint32_t val;
};

static int write_regs(struct igbvf_user *u, const struct reg_write *w, size_t n)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = wr(u, w[i].off, w[i].val);
		if (ret)
			return ret;
	}
	return 0;
}

static void rx_fill(struct igbvf_user *u, unsigned int i)
{
	struct rx_desc *d = &rx_ring(u)[i];

	d->pkt_addr = htole64(iova_of(u, rx_buf(u, i)));
	d->length = 0;
	d->vlan = 0;
	/* the status word is the low half of hdr_addr: clear it last */
	__atomic_store_n(&d->status_error, 0, __ATOMIC_RELEASE);
}

static int set_bus_master(struct vfio_dev *dev)
{
	uint16_t cmd;
	int ret;

	ret = vfio_cfg_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (ret)
		return ret;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	return vfio_cfg_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

/* Stop DMA and interrupts (the queue enables are the only DMA stop). */
static void quiesce(struct igbvf_user *u)
{
	static const struct reg_write off[] = {
		{ VTEIMC, ALL_VEC },
		{ RXDCTL(0), 0 }, { TXDCTL(0), 0 },
		{ RXDCTL(1), 0 }, { TXDCTL(1), 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(off); i++)
		wr(u, off[i].off, off[i].val);
}

int igbvf_user_init(struct igbvf_user *u, struct vfio_dev *dev, uint64_t iova,
		    const uint8_t mac[6])
{
	uint64_t rx = iova + RX_RING_OFF, tx = iova + TX_RING_OFF;
	const struct reg_write irq[] = {
		{ VTEITR(0), 0 }, { VTEITR(1), 0 }, { VTEITR(2), 0 },
		{ VTIVAR, (IVAR_VALID | IGBVF_USER_VEC_RX) |
			  (IVAR_VALID | IGBVF_USER_VEC_TX) << 8 },
		{ VTIVAR_MISC, IVAR_VALID | IGBVF_USER_VEC_MBX },
		/* auto-clear the cause when the vector fires */
		{ VTEIAC, ALL_VEC },
		{ VTEICR, ALL_VEC },
	};
	/* every register written: a VF reset leaves them as they were */
	const struct reg_write txq[] = {
		{ TXDCTL(0), 0 },
		{ TDBAL(0), (uint32_t)tx }, { TDBAH(0), tx >> 32 },
		{ TDLEN(0), IGBVF_USER_RING * sizeof(struct tx_desc) },
		{ TDH(0), 0 }, { TDT(0), 0 },
		{ TDWBAL(0), 0 }, { TDWBAH(0), 0 },	/* status in descriptors */
		{ TXDCTL(0), XDCTL_ENABLE },
	};
	const struct reg_write rxq[] = {
		{ RXDCTL(0), 0 },
		{ RDBAL(0), (uint32_t)rx }, { RDBAH(0), rx >> 32 },
		{ RDLEN(0), IGBVF_USER_RING * sizeof(struct rx_desc) },
		{ SRRCTL(0), SRRCTL_DROP_EN | SRRCTL_ADV_ONEBUF |
			     SRRCTL_BSIZEPKT(IGBVF_USER_BUF / 1024) },
		{ RDH(0), 0 }, { RDT(0), 0 },
		{ RXDCTL(0), XDCTL_ENABLE },
		/* all but one descriptor to the device */
		{ RDT(0), IGBVF_USER_RING - 1 },
	};
	unsigned int i;
	void *mem;
	int ret;

	memset(u, 0, sizeof(*u));
	if (iova % PAGE)
		return -EINVAL;
	for (i = 0; i < IGBVF_USER_NR_VEC; i++)
		u->efd[i] = -1;
	u->dev = dev;
	u->container = dev->container;
	u->iova = iova;

	u->failed_step = "allocate DMA memory";
	mem = mmap(NULL, MEM_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		return errno ? -errno : -ENOMEM;
	u->mem = mem;
	u->failed_step = "VFIO_IOMMU_MAP_DMA";
	ret = vfio_dma_map(u->container, iova, mem, MEM_LEN);
	if (ret) {
		munmap(mem, MEM_LEN);
		u->mem = NULL;
		return ret;
	}
	u->mem_len = MEM_LEN;

	/* MSI-X messages and descriptor DMA are memory writes */
	u->failed_step = "PCI_COMMAND bus master";
	ret = set_bus_master(dev);
	if (ret)
		goto err;
	u->failed_step = "eventfd";
	for (i = 0; i < IGBVF_USER_NR_VEC; i++) {
		u->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (u->efd[i] < 0) {
			ret = -errno;
			goto err;
		}
	}
	u->failed_step = "VFIO_DEVICE_SET_IRQS (MSI-X)";
	ret = vfio_irq_set_eventfds(dev, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				    IGBVF_USER_NR_VEC, u->efd);
	if (ret)
		goto err;

	quiesce(u);
	ret = vf_reset(u);
	if (!ret)
		ret = pf_setup(u, mac);
	if (ret == -ECONNRESET) {
		/*
		 * The PF answered VF_RESET and only then handled the VF reset
		 * event of VTCTRL.RST (or of the FLR before it): its handler
		 * had checked this VF for a reset just before we reset it, and
		 * found the request in the same pass.  The reset event revoked
		 * clear-to-send and the next request went unanswered.  That
		 * event is consumed now: one more VF_RESET handshake (no
		 * VTCTRL.RST, which would raise another one) holds.
		 */
		u->pf_resyncs++;
		ret = vf_reset_msg(u);
		if (!ret)
			ret = pf_setup(u, mac);
	}
	if (ret)
		goto err;

	u->failed_step = "interrupt registers";
	ret = write_regs(u, irq, ARRAY_SIZE(irq));
	if (ret)
		goto err;

	u->failed_step = "TX ring registers";
	memset(tx_ring(u), 0, IGBVF_USER_RING * sizeof(struct tx_desc));
	ret = write_regs(u, txq, ARRAY_SIZE(txq));
	if (ret)
		goto err;

	u->failed_step = "RX ring registers";
	for (i = 0; i < IGBVF_USER_RING; i++)
		rx_fill(u, i);
	ret = write_regs(u, rxq, ARRAY_SIZE(rxq));
	if (ret)
		goto err;

	u->failed_step = "VTEIMS";
	ret = wr(u, VTEIMS, ALL_VEC);
	if (ret)
		goto err;
	u->failed_step = NULL;
	return 0;
err:
	igbvf_user_fini(u);	/* keeps failed_step */
	return ret;
}

void igbvf_user_fini(struct igbvf_user *u)
{
	unsigned int i;

	if (u->dev && u->dev->fd >= 0) {
		quiesce(u);
		vfio_irq_disable(u->dev, VFIO_PCI_MSIX_IRQ_INDEX);
	}
	if (u->mem) {
		if (u->mem_len)
			vfio_dma_unmap(u->container, u->iova, u->mem_len);
		munmap(u->mem, MEM_LEN);
	}
	u->mem = NULL;
	u->mem_len = 0;
	unmap_queue_regs(u);
	for (i = 0; i < IGBVF_USER_NR_VEC; i++) {
		if (u->efd[i] >= 0)
			close(u->efd[i]);
		u->efd[i] = -1;
	}
	u->dev = NULL;
}

int igbvf_user_move_to(struct igbvf_user *u, struct vfio_dev *dev)
{
	int ret;

	if (dev->container != u->container)
		return -EXDEV;
	/*
	 * One eventfd can back one device's vector only (the kernel's IRQ
	 * bypass producer is keyed by it): release the old device's first.
	 */
	if (u->dev && u->dev != dev && u->dev->fd >= 0)
		vfio_irq_disable(u->dev, VFIO_PCI_MSIX_IRQ_INDEX);
	unmap_queue_regs(u);
	u->dev = dev;
	/* the R2C bits we remembered belong to the old function */
	u->mbx_r2c = 0;
	ret = set_bus_master(dev);
	if (ret)
		return ret;
	return vfio_irq_set_eventfds(dev, VFIO_PCI_MSIX_IRQ_INDEX, 0,
				     IGBVF_USER_NR_VEC, u->efd);
}

/* ---- data path ---- */

unsigned int igbvf_user_tx_reclaim(struct igbvf_user *u)
{
	struct tx_desc *ring = tx_ring(u);

	while (u->tx_clean != u->tx_next) {
		uint32_t st = __atomic_load_n(&ring[u->tx_clean].olinfo_status,
					      __ATOMIC_ACQUIRE);

		if (!(le32toh(st) & TXD_STAT_DD))
			break;
		u->tx_clean = (u->tx_clean + 1) % IGBVF_USER_RING;
		u->tx_done++;
	}
	return (u->tx_next + IGBVF_USER_RING - u->tx_clean) % IGBVF_USER_RING;
}

int igbvf_user_send(struct igbvf_user *u, const void *frame, size_t len)
{
	unsigned int i = u->tx_next, next = (i + 1) % IGBVF_USER_RING;
	struct tx_desc *d = &tx_ring(u)[i];
	int ret;

	if (len < ETH_HLEN || len > IGBVF_USER_BUF)
		return -EINVAL;
	igbvf_user_tx_reclaim(u);
	if (next == u->tx_clean)
		return -EAGAIN;

	memcpy(tx_buf(u, i), frame, len);
	d->buffer_addr = htole64(iova_of(u, tx_buf(u, i)));
	d->cmd_type_len = htole32(TXD_DTYP_DATA | TXD_CMD_DEXT | TXD_CMD_IFCS |
				  TXD_CMD_EOP | TXD_CMD_RS | (uint32_t)len);
	d->olinfo_status = htole32((uint32_t)len << TXD_PAYLEN_SHIFT);
	/* descriptor before doorbell */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ret = wr(u, TDT(0), next);
	if (ret)
		return ret;
	u->tx_next = next;
	u->tx_frames++;
	return 0;
}

int igbvf_user_recv(struct igbvf_user *u, void *buf, size_t cap, int timeout_ms)
{
	int64_t end = now_us() + timeout_ms * 1000LL;
	unsigned int i;
	uint32_t st;
	uint16_t len;
	int ret, err;

	for (;;) {
		struct rx_desc *d;

		i = u->rx_next;
		d = &rx_ring(u)[i];
		st = le32toh(__atomic_load_n(&d->status_error, __ATOMIC_ACQUIRE));
		if (!(st & RXD_STAT_DD)) {
			if (now_us() >= end)
				return -ETIMEDOUT;
			sleep_us(50);
			continue;
		}

		len = le16toh(d->length);
		ret = 0;
		if (!u->rx_discard && (st & RXD_STAT_EOP) &&
		    !(st & RXD_ERR_FRAME) && len <= IGBVF_USER_BUF) {
			if (len <= cap) {
				memcpy(buf, rx_buf(u, i), len);
				ret = len;
			} else {
				ret = -EMSGSIZE;
			}
		}
		/* frames spanning buffers (never at our sizes) are dropped */
		u->rx_discard = !(st & RXD_STAT_EOP);

		/* give this buffer back; the device owns up to RDT - 1 */
		rx_fill(u, i);
		u->rx_next = (i + 1) % IGBVF_USER_RING;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		err = wr(u, RDT(0), i);
		if (err)
			return err;

		if (ret > 0) {
			u->rx_frames++;
			return ret;
		}
		u->rx_errors++;
		if (ret < 0)
			return ret;
	}
}

/* ---- interrupts and state ---- */

int igbvf_user_irq_enable(struct igbvf_user *u, uint32_t vec_mask, bool on)
{
	return wr(u, on ? VTEIMS : VTEIMC, vec_mask & ALL_VEC);
}

int64_t igbvf_user_irq_wait(struct igbvf_user *u, enum igbvf_user_vec vec, int ms)
{
	if ((unsigned int)vec >= IGBVF_USER_NR_VEC)
		return -EINVAL;
	return eventfd_wait(u->efd[vec], ms);
}

int igbvf_user_read_hw_ring(struct igbvf_user *u, struct igbvf_user_hw_ring *r)
{
	int ret;

	ret = rd(u, RDH(0), &r->rdh);
	if (!ret)
		ret = rd(u, RDT(0), &r->rdt);
	if (!ret)
		ret = rd(u, TDH(0), &r->tdh);
	if (!ret)
		ret = rd(u, TDT(0), &r->tdt);
	return ret;
}

int igbvf_user_frame_crosses(struct igbvf_user *from, const uint8_t from_mac[6],
			     struct igbvf_user *to, const uint8_t to_mac[6],
			     uint32_t stream)
{
	uint8_t f[IGBVF_USER_BUF];
	int i, n;

	n = make_frame(f, to_mac, from_mac, stream, 1, 0);
	if (igbvf_user_send(from, f, n))
		return -EIO;
	for (i = 0; i < 20; i++) {
		n = igbvf_user_recv(to, f, sizeof(f), 1000);
		if (n > 0 && check_frame(f, n, stream) == 1)
			return 0;
	}
	return -ETIMEDOUT;
}
