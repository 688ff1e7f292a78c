// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration of an 82576 VF that is moving frames, with a userspace
 * igbvf driver (lib/igbvf_user.c) as the "guest": its state, its PF-side
 * configuration and its traffic move from one VF to another, pre-copy
 * replays the configuration on the destination before the source stops,
 * P2P means no DMA, cancellations leave the source working, and every PF
 * refusal of the replay is a clear error.
 *
 * Roles (all bound to p2pmig): A (PF0) is migrated to C (PF1) or to B
 * (PF0); the peer exchanging frames with it is B (PF0) or D (PF1).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "lib/bed_harness.h"
#include "lib/frame_util.h"
#include "lib/igbvf_user.h"
#include "lib/mig_util.h"
#include "lib/vfio_util.h"

#define VTSTATUS	0x0008
#define VTEIAM		0x1530
#define MBX_MEM(i)	(0x0800 + 4 * (i))
#define MBX_V2P		0x0c40
#define MBX_REQ		(1u << 0)
#define MBX_ACK		(1u << 1)
#define MBX_VFU		(1u << 2)
#define MBX_PFSTS	(1u << 4)
#define MBX_MARK	0x5a5a0f0fu	/* a word no PF message ends in */
#define MAX_SEQ		FRAME_MAX_SEQ
#define IOVA_MIG	0x10000000ULL
#define IOVA_PEER	0x20000000ULL
#define VLAN_ID		100
#define VLAN_ID_LATE	200
#define VLAN_OTHER	300

static const uint8_t mac_mig[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0x0a };
static const uint8_t mac_peer[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0x0b };
static const uint8_t mc_group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x42 };
static const uint8_t mc_group_late[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x43 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* What one side of the exchange received: each sequence number once. */
struct rx_log {
	uint8_t seen[MAX_SEQ];
	int last;		/* highest sequence number so far */
	int frames;
	int dups;
	int reordered;
	int damaged;
};

static void rx_log_add(struct rx_log *l, const uint8_t *f, int len, uint32_t stream)
{
	int seq = check_frame(f, len, stream);

	if (seq == -1)
		return;
	if (seq == -2) {
		l->damaged++;
		return;
	}
	if (l->seen[seq]++)
		l->dups++;
	if (seq < l->last)
		l->reordered++;
	else
		l->last = seq;
	l->frames++;
}

/* The peer: sends a frame to the migrating VF every 2 ms, logs what comes back. */
struct peer {
	struct igbvf_user u;
	pthread_t thread;
	volatile int stop;
	uint32_t sent;
	uint64_t sent_ns[MAX_SEQ];
	struct rx_log rx;
};

static void *peer_run(void *arg)
{
	struct peer *p = arg;
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	uint64_t next = now_ns();
	int n;

	while (!p->stop && p->sent < MAX_SEQ) {
		/* take in everything that arrived, then send when due */
		while ((n = igbvf_user_recv(&p->u, buf, sizeof(buf), 0)) > 0)
			rx_log_add(&p->rx, buf, n, 1);
		if (now_ns() >= next) {
			make_frame(frame, mac_mig, mac_peer, 2, p->sent, 0);
			p->sent_ns[p->sent] = now_ns();
			if (!igbvf_user_send(&p->u, frame, sizeof(frame)))
				p->sent++;
			igbvf_user_tx_reclaim(&p->u);
			next = now_ns() + 2000000;
		}
		n = igbvf_user_recv(&p->u, buf, sizeof(buf), 1);
		if (n > 0)
			rx_log_add(&p->rx, buf, n, 1);
	}
	return NULL;
}

/* The migrating side: send @count frames and take in what arrived. */
static void exchange(struct igbvf_user *u, uint32_t *seq, int count,
		     struct rx_log *rx)
{
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	int i, n;

	for (i = 0; i < count; i++) {
		make_frame(frame, mac_peer, mac_mig, 1, *seq, 0);
		while (igbvf_user_send(u, frame, sizeof(frame)) == -EAGAIN)
			igbvf_user_tx_reclaim(u);
		(*seq)++;
		while ((n = igbvf_user_recv(u, buf, sizeof(buf), 2)) > 0)
			rx_log_add(rx, buf, n, 2);
	}
	igbvf_user_tx_reclaim(u);
}

static void drain(struct igbvf_user *u, struct rx_log *rx, int ms)
{
	uint8_t buf[IGBVF_USER_BUF];
	uint64_t end = now_ns() + ms * 1000000ULL;
	int n;

	while (now_ns() < end) {
		n = igbvf_user_recv(u, buf, sizeof(buf), 5);
		if (n > 0)
			rx_log_add(rx, buf, n, 2);
		igbvf_user_tx_reclaim(u);
	}
}

/* Copy what a save data_fd has now into a resume data_fd. */
static int pump(int from, int to, size_t *bytes)
{
	uint8_t buf[65536];
	ssize_t n;
	int ret;

	for (;;) {
		n = read(from, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == ENOMSG))
			return 0;
		if (n < 0)
			return -errno;
		ret = mig_write_all(to, buf, n, 32768);
		if (ret)
			return ret;
		*bytes += n;
	}
}

/* sysfs: the PF netdev and VF index of a VF, for `ip link set ... vf N` */
static int vf_pf_netdev(const char *vf, char *netdev, size_t len, int *index)
{
	char path[320], target[256], pf[256];
	const char *base;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/physfn", vf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	snprintf(pf, sizeof(pf), "%s", base ? base + 1 : target);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn%d", pf, i);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		base = strrchr(target, '/');
		if (!strcmp(base ? base + 1 : target, vf))
			break;
	}
	if (i == 8)
		return -ENOENT;
	*index = i;
	snprintf(path, sizeof(path), "ls /sys/bus/pci/devices/%s/net/", pf);
	{
		FILE *f = popen(path, "r");

		if (!f || !fgets(netdev, len, f)) {
			if (f)
				pclose(f);
			return -ENOENT;
		}
		pclose(f);
	}
	netdev[strcspn(netdev, "\n")] = 0;
	return 0;
}

static int run(const char *cmd)
{
	int ret = system(cmd);

	return ret == 0 ? 0 : -EIO;
}

/* Set (or with NULL clear) the PF-side administrative MAC of a VF. */
static int admin_mac(const char *vf, const uint8_t *mac)
{
	char netdev[64], cmd[256];
	int index, ret;

	ret = vf_pf_netdev(vf, netdev, sizeof(netdev), &index);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "/sbin/ip link set %s vf %d mac %02x:%02x:%02x:%02x:%02x:%02x",
		 netdev, index, mac ? mac[0] : 0, mac ? mac[1] : 0, mac ? mac[2] : 0,
		 mac ? mac[3] : 0, mac ? mac[4] : 0, mac ? mac[5] : 0);
	return run(cmd);
}

static int pf_link(const char *vf, bool up)
{
	char netdev[64], cmd[128];
	int index, ret;

	ret = vf_pf_netdev(vf, netdev, sizeof(netdev), &index);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "/sbin/ip link set %s %s", netdev, up ? "up" : "down");
	return run(cmd);
}

/* Rebind @bdf to p2pmig with these migration features. */
static int rebind(const char *bdf, bool p2p, bool pre_copy)
{
	int ret;

	ret = sysfs_write("/sys/module/p2pmig/parameters/p2p", p2p ? "1" : "0");
	if (!ret)
		ret = sysfs_write("/sys/module/p2pmig/parameters/pre_copy", pre_copy ? "1" : "0");
	if (!ret)
		ret = pci_bind(bdf, P2PMIG_DRIVER);
	return ret;
}

FIXTURE(live) {
	const char *src_bdf, *dst_bdf, *peer_bdf;
	struct vfio_dev src, dst, peer_dev;
	struct igbvf_user u;
	struct peer *peer;
	uint32_t seq;
	struct rx_log rx;	/* what the migrating side received */
	uint64_t t_stop, t_resume, t_released;
	volatile int closing;	/* the source is being closed */
	size_t initial_bytes, final_bytes;
	bool rebound;
};

FIXTURE_VARIANT(live) {
	const char *dst_role;	/* C: other PF, B: same PF */
	const char *peer_role;
	bool p2p;
	bool pre_copy;
};

FIXTURE_VARIANT_ADD(live, to_other_pf) { "C", "B", true, true };
FIXTURE_VARIANT_ADD(live, to_same_pf) { "B", "D", true, true };
FIXTURE_VARIANT_ADD(live, to_other_pf_without_p2p) { "C", "B", false, true };
FIXTURE_VARIANT_ADD(live, to_other_pf_without_pre_copy) { "C", "B", true, false };
FIXTURE_VARIANT_ADD(live, to_other_pf_with_neither) { "C", "B", false, false };

FIXTURE_SETUP(live)
{
	int ret;

	self->src_bdf = test_vf("A");
	self->dst_bdf = test_vf(variant->dst_role);
	self->peer_bdf = test_vf(variant->peer_role);
	if (!self->src_bdf || !self->dst_bdf || !self->peer_bdf)
		SKIP(return, "P2PMIG_VF_A/B/C/D must name VFs bound to p2pmig");
	if (!variant->p2p || !variant->pre_copy) {
		self->rebound = true;
		ASSERT_EQ(0, rebind(self->src_bdf, variant->p2p, variant->pre_copy));
		ASSERT_EQ(0, rebind(self->dst_bdf, variant->p2p, variant->pre_copy));
	}
	ret = vfio_dev_open(&self->src, self->src_bdf, -1);
	ASSERT_EQ(0, ret) TH_LOG("open src: %s", strerror(-ret));
	ASSERT_EQ(0, vfio_dev_open(&self->dst, self->dst_bdf, self->src.container));
	ASSERT_EQ(0, vfio_dev_open(&self->peer_dev, self->peer_bdf, self->src.container));

	self->peer = calloc(1, sizeof(*self->peer));
	ASSERT_NE(NULL, self->peer);
	ret = igbvf_user_init(&self->peer->u, &self->peer_dev, IOVA_PEER, mac_peer);
	ASSERT_EQ(0, ret) TH_LOG("peer: %s: %s", self->peer->u.failed_step, strerror(-ret));
	ret = igbvf_user_init(&self->u, &self->src, IOVA_MIG, mac_mig);
	ASSERT_EQ(0, ret) TH_LOG("src: %s: %s", self->u.failed_step, strerror(-ret));
	/* PF-side configuration the destination must get back */
	ASSERT_EQ(0, igbvf_user_add_multicast(&self->u, mc_group));
	ASSERT_EQ(0, igbvf_user_set_vlan(&self->u, VLAN_ID, true));
}

FIXTURE_TEARDOWN(live)
{
	if (self->peer) {
		self->peer->stop = 1;
		if (self->peer->thread)
			pthread_join(self->peer->thread, NULL);
		igbvf_user_fini(&self->peer->u);
		free(self->peer);
	}
	igbvf_user_fini(&self->u);
	vfio_dev_close(&self->peer_dev);
	vfio_dev_close(&self->dst);
	vfio_dev_close(&self->src);
	if (self->rebound) {
		rebind(self->src_bdf, true, true);
		rebind(self->dst_bdf, true, true);
	}
}

/* The destination guest while the source is closed: it takes in frames. */
static void *guest_rx(void *arg)
{
	struct _test_data_live *self = arg;
	uint8_t buf[IGBVF_USER_BUF];
	int n;

	while (self->closing) {
		n = igbvf_user_recv(&self->u, buf, sizeof(buf), 1);
		if (n > 0)
			rx_log_add(&self->rx, buf, n, 2);
	}
	return NULL;
}

/*
 * (FIXTURE_DATA(live) and FIXTURE_VARIANT(live) spelled out: checkpatch
 * reads the macro forms as a multiplication.)
 *
 * Migrate src -> dst as QEMU does (pre-copy with the initial bytes applied
 * on the destination while the source runs, then P2P on the source, stop
 * and copy, resume, run), exchanging frames in between.
 */
static int migrate(struct __test_metadata *_metadata, struct _test_data_live *self,
		   const struct _fixture_variant_live *variant)
{
	struct igbvf_user_hw_ring src_ring, dst_ring;
	int sfd = -1, dfd = -1, ret;
	pthread_t guest;

	ret = mig_set_state(self->dst.fd, RESUMING, &dfd);
	if (ret)
		return ret;
	if (variant->pre_copy) {
		ret = mig_set_state(self->src.fd, PRE_COPY, &sfd);
		if (ret)
			return ret;
		/* the initial bytes reach the destination: it replays the config */
		ret = pump(sfd, dfd, &self->initial_bytes);
		if (ret)
			return ret;
		exchange(&self->u, &self->seq, 20, &self->rx);
	}

	self->t_stop = now_ns();
	if (variant->p2p) {
		ret = mig_set_state(self->src.fd, variant->pre_copy ? PRE_COPY_P2P : RUNNING_P2P,
				    sfd < 0 ? &sfd : NULL);
		if (ret)
			return ret;
	}
	ret = mig_set_state(self->src.fd, STOP_COPY, sfd < 0 ? &sfd : NULL);
	if (ret)
		return ret;
	ret = pump(sfd, dfd, &self->final_bytes);
	if (ret)
		return ret;
	EXPECT_EQ(0, igbvf_user_read_hw_ring(&self->u, &src_ring));
	ret = mig_set_state(self->dst.fd, STOP, NULL);
	if (ret)
		return ret;
	/* the destination's rings continue where the source's stopped */
	EXPECT_EQ(0, igbvf_user_move_to(&self->u, &self->dst));
	EXPECT_EQ(0, igbvf_user_read_hw_ring(&self->u, &dst_ring));
	EXPECT_EQ(src_ring.rdh, dst_ring.rdh);
	EXPECT_EQ(src_ring.rdt, dst_ring.rdt);
	EXPECT_EQ(src_ring.tdh, dst_ring.tdh);
	EXPECT_EQ(src_ring.tdt, dst_ring.tdt);
	ret = mig_set_state(self->dst.fd, RUNNING, NULL);
	if (ret)
		return ret;
	self->t_resume = now_ns();
	/*
	 * The source QEMU stops and closes its device (its container stays),
	 * which takes a while (an FLR alone is 100 ms), while the guest runs
	 * on the destination and takes in what arrives: a ring nobody empties
	 * for that long overflows.
	 */
	self->closing = 1;
	ret = pthread_create(&guest, NULL, guest_rx, self);
	if (ret)
		return -ret;
	close(dfd);
	close(sfd);
	EXPECT_EQ(0, mig_set_state(self->src.fd, STOP, NULL));
	vfio_dev_close_device(&self->src);
	self->t_released = now_ns();
	self->closing = 0;
	pthread_join(guest, NULL);
	return 0;
}

TEST_F(live, frames_keep_flowing_through_the_destination)
{
	struct peer *p = self->peer;
	uint64_t slack = 20000000ULL;	/* frames in flight at the edges */
	uint32_t sent_before, lost = 0, lost_outside = 0, lost_to_source = 0, i;
	bool arrived_after = false;
	int ret;

	ASSERT_EQ(0, pthread_create(&p->thread, NULL, peer_run, p));
	exchange(&self->u, &self->seq, 50, &self->rx);
	EXPECT_LT(0, self->rx.frames) TH_LOG("nothing from the peer before migrating");

	ret = migrate(_metadata, self, variant);
	ASSERT_EQ(0, ret) TH_LOG("migration: %s", strerror(-ret));
	sent_before = self->seq;
	if (variant->pre_copy)
		EXPECT_LT(0, self->initial_bytes);

	exchange(&self->u, &self->seq, 100, &self->rx);
	drain(&self->u, &self->rx, 200);
	p->stop = 1;
	pthread_join(p->thread, NULL);
	p->thread = 0;
	drain(&self->u, &self->rx, 100);

	/* the peer got every frame of ours, the post-migration ones from C's PF */
	EXPECT_EQ(self->seq, p->rx.frames)
		TH_LOG("sent %u, %u before migrating", self->seq, sent_before);
	EXPECT_EQ(0, p->rx.dups);
	EXPECT_EQ(0, p->rx.reordered);
	EXPECT_EQ(0, p->rx.damaged);

	/*
	 * We got the peer's, except some sent while the VF was stopped, and
	 * some sent after the resume until the source let go of the guest's
	 * MAC: the peer's PF (the source's, or for to_same_pf the one both
	 * VFs share) delivers it to the stopped source VF until p2pmig's
	 * release at the source's close.  Those are the first ones after the
	 * resume: once one arrives, every later one must.
	 */
	EXPECT_EQ(0, self->rx.dups);
	EXPECT_EQ(0, self->rx.reordered);
	EXPECT_EQ(0, self->rx.damaged);
	for (i = 0; i < p->sent; i++) {
		uint64_t t = p->sent_ns[i];

		if (self->rx.seen[i]) {
			if (t > self->t_resume + slack)
				arrived_after = true;
			continue;
		}
		lost++;
		if (t + slack >= self->t_stop && t <= self->t_resume + slack)
			continue;
		if (t > self->t_resume + slack && t <= self->t_released + slack &&
		    !arrived_after) {
			lost_to_source++;
			continue;
		}
		/* say when the first few were sent: what was going on then */
		if (lost_outside++ < 8)
			TH_LOG("peer frame %u lost, sent at stop %+.1f ms, resume %+.1f ms",
			       i, ((double)t - self->t_stop) / 1e6,
			       ((double)t - self->t_resume) / 1e6);
	}
	EXPECT_EQ(0, lost_outside)
		TH_LOG("%u of %u lost, %u outside the stop window and the source's close",
		       lost, p->sent, lost_outside);
	EXPECT_LT(self->rx.last, (int)p->sent);
	EXPECT_LE(p->sent - 5, self->rx.last + 1) TH_LOG("the peer's last frames did not arrive");
	TH_LOG("%s: initial %zu B, final %zu B, stop window %.1f ms, source closed %.1f ms later",
	       variant->dst_role, self->initial_bytes, self->final_bytes,
	       (self->t_resume - self->t_stop) / 1e6,
	       (self->t_released - self->t_resume) / 1e6);
	TH_LOG("%u/%u peer frames lost, %u of them after the resume to the source's filter",
	       lost, p->sent, lost_to_source);
}

/* Count frames of @stream that arrive at @u within @ms. */
static int frames_of(struct igbvf_user *u, uint32_t stream, int ms)
{
	uint8_t buf[IGBVF_USER_BUF];
	int n, got = 0;

	while ((n = igbvf_user_recv(u, buf, sizeof(buf), ms)) > 0)
		if (check_frame(buf, n, stream) >= 0)
			got++;
	return got;
}

/* The peer sends @count frames of @stream to @dst, tagged for @vlan if not 0. */
static int send_frames(struct igbvf_user *peer, const uint8_t *dst, uint32_t stream,
		       uint16_t vlan, int count)
{
	uint8_t frame[FRAME_LEN + 4];
	int i, len, ret;

	for (i = 0; i < count; i++) {
		len = make_frame(frame, dst, mac_peer, stream, i, vlan);
		ret = igbvf_user_send(peer, frame, len);
		if (ret)
			return ret;
	}
	return 0;
}

TEST_F(live, multicast_and_vlan_config_reaches_the_destination_pf)
{
	int ret;

	ret = migrate(_metadata, self, variant);
	ASSERT_EQ(0, ret) TH_LOG("migration: %s", strerror(-ret));
	/* the group the source joined delivers on the destination */
	ASSERT_EQ(0, send_frames(&self->peer->u, mc_group, 3, 0, 5));
	EXPECT_LT(0, frames_of(&self->u, 3, 200));
	/* frames of the VLAN the source added arrive; of another one, not */
	ASSERT_EQ(0, send_frames(&self->peer->u, mac_mig, 5, VLAN_ID, 5));
	EXPECT_EQ(5, frames_of(&self->u, 5, 300)) TH_LOG("frames tagged %d", VLAN_ID);
	ASSERT_EQ(0, send_frames(&self->peer->u, mac_mig, 6, VLAN_OTHER, 5));
	EXPECT_EQ(0, frames_of(&self->u, 6, 300)) TH_LOG("frames tagged %d", VLAN_OTHER);
	/* the VLAN the source added is the destination VF's too: adding it is a no-op */
	EXPECT_EQ(0, igbvf_user_set_vlan(&self->u, VLAN_ID, true));
}

/* The guest changes its configuration during pre-copy: it is sent again. */
TEST_F(live, configuration_changed_during_pre_copy_follows)
{
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	struct vfio_precopy_info info;
	int sfd, dfd, n, t, got = 0;
	size_t bytes = 0;

	if (!variant->pre_copy)
		SKIP(return, "this variant has no pre-copy");
	ASSERT_EQ(0, mig_set_state(self->dst.fd, RESUMING, &dfd));
	ASSERT_EQ(0, mig_set_state(self->src.fd, PRE_COPY, &sfd));
	ASSERT_EQ(0, pump(sfd, dfd, &bytes));
	ASSERT_EQ(0, mig_precopy_info(sfd, &info));
	EXPECT_EQ(0, info.initial_bytes);
	EXPECT_EQ(0, info.dirty_bytes);

	/* the guest joins another group while pre-copy runs */
	ASSERT_EQ(0, igbvf_user_add_multicast(&self->u, mc_group_late));
	ASSERT_EQ(0, mig_precopy_info(sfd, &info));
	EXPECT_LT(0, info.initial_bytes + info.dirty_bytes);
	bytes = 0;
	ASSERT_EQ(0, pump(sfd, dfd, &bytes));
	EXPECT_EQ(info.initial_bytes + info.dirty_bytes, bytes);

	if (variant->p2p)
		ASSERT_EQ(0, mig_set_state(self->src.fd, PRE_COPY_P2P, NULL));
	ASSERT_EQ(0, mig_set_state(self->src.fd, STOP_COPY, NULL));
	ASSERT_EQ(0, pump(sfd, dfd, &bytes));
	ASSERT_EQ(0, mig_set_state(self->dst.fd, RUNNING, NULL));
	ASSERT_EQ(0, igbvf_user_move_to(&self->u, &self->dst));
	close(sfd);
	close(dfd);
	EXPECT_EQ(0, mig_set_state(self->src.fd, STOP, NULL));
	vfio_dev_close_device(&self->src);

	for (t = 0; t < 10 && !got; t++) {
		make_frame(frame, mc_group_late, mac_peer, 3, t, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->peer->u, frame, sizeof(frame)));
		while ((n = igbvf_user_recv(&self->u, buf, sizeof(buf), 50)) > 0)
			if (check_frame(buf, n, 3) >= 0)
				got++;
	}
	EXPECT_LT(0, got);
}

/*
 * What a guest's driver does for a request, up to seeing the answer come:
 * take the buffer (VFU), write @w0 and @w1, post it (REQ without VFU, which
 * releases the buffer), then read V2PMAILBOX until it shows PFSTS (the
 * trapped read the guest makes).  The answer stays unread.
 */
static int post_and_see_answer(struct vfio_dev *d, uint32_t w0, uint32_t w1)
{
	uint32_t v = 0;
	int i, ret;

	ret = vfio_bar0_write32(d, MBX_V2P, MBX_VFU);
	if (!ret)
		ret = vfio_bar0_write32(d, MBX_MEM(0), w0);
	if (!ret)
		ret = vfio_bar0_write32(d, MBX_MEM(1), w1);
	if (!ret)
		ret = vfio_bar0_write32(d, MBX_V2P, MBX_REQ);
	for (i = 0; !ret && i < 200 && !(v & MBX_PFSTS); i++) {
		usleep(10000);
		ret = vfio_bar0_read32(d, MBX_V2P, &v);
	}
	if (!ret && !(v & MBX_PFSTS))
		return -ETIMEDOUT;
	return ret;
}

/*
 * A request the PF answered, the guest stopped after it saw the answer
 * (PFSTS) and before it read it: the request belongs to the configuration
 * that moves, and the answer to the memory.
 */
TEST_F(live, request_answered_but_not_read_at_stop_follows)
{
	uint32_t msg[2] = {
		IGBVF_MSG_SET_MULTICAST | 2u << IGBVF_MSG_INFO_SHIFT,
		igbvf_user_mc_hash(mc_group) | (uint32_t)igbvf_user_mc_hash(mc_group_late) << 16,
	};
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	uint32_t v;
	int n, t, got = 0;

	ASSERT_EQ(0, post_and_see_answer(&self->src, msg[0], msg[1]))
		TH_LOG("the PF did not answer");

	ASSERT_EQ(0, migrate(_metadata, self, variant));

	/* on the destination it reads the answer and acknowledges it */
	ASSERT_EQ(0, vfio_bar0_read32(&self->dst, MBX_MEM(0), &v));
	EXPECT_EQ(IGBVF_MSG_SET_MULTICAST, v & 0xffff);
	EXPECT_TRUE(v & IGBVF_MSG_ACK) TH_LOG("word 0 %#x", v);
	ASSERT_EQ(0, vfio_bar0_write32(&self->dst, MBX_V2P, MBX_ACK));
	/* and the destination PF has the group the request added */
	for (t = 0; t < 10 && !got; t++) {
		make_frame(frame, mc_group_late, mac_peer, 3, t, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->peer->u, frame, sizeof(frame)));
		while ((n = igbvf_user_recv(&self->u, buf, sizeof(buf), 50)) > 0)
			if (check_frame(buf, n, 3) >= 0)
				got++;
	}
	EXPECT_LT(0, got) TH_LOG("no frame to the group the last request added");
}

FIXTURE(p2p) {
	struct vfio_dev a, b;
	struct igbvf_user ua, ub;
};

FIXTURE_SETUP(p2p)
{
	const char *a = test_vf("A"), *b = test_vf("B");
	int ret;

	if (!a || !b)
		SKIP(return, "P2PMIG_VF_A/B must name VFs bound to p2pmig");
	ASSERT_EQ(0, vfio_dev_open(&self->a, a, -1));
	ASSERT_EQ(0, vfio_dev_open(&self->b, b, self->a.container));
	ret = igbvf_user_init(&self->ua, &self->a, IOVA_MIG, mac_mig);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->ua.failed_step, strerror(-ret));
	ret = igbvf_user_init(&self->ub, &self->b, IOVA_PEER, mac_peer);
	ASSERT_EQ(0, ret) TH_LOG("B: %s: %s", self->ub.failed_step, strerror(-ret));
}

FIXTURE_TEARDOWN(p2p)
{
	igbvf_user_fini(&self->ub);
	igbvf_user_fini(&self->ua);
	vfio_dev_close(&self->b);
	vfio_dev_close(&self->a);
}

/* In RUNNING_P2P the VF sends and receives nothing; its BAR answers. */
TEST_F(p2p, running_p2p_moves_no_frames_but_serves_mmio)
{
	uint8_t frame[FRAME_LEN], buf[IGBVF_USER_BUF];
	uint64_t rx_before;
	uint32_t v;
	int i, n, got_b = 0;

	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
	rx_before = self->ua.rx_frames;
	for (i = 0; i < 5; i++) {
		make_frame(frame, mac_mig, mac_peer, 2, i, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->ub, frame, sizeof(frame)));
		make_frame(frame, mac_peer, mac_mig, 1, i, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->ua, frame, sizeof(frame)));
	}
	/* nothing arrives at B from A, nothing is written into A's ring */
	while ((n = igbvf_user_recv(&self->ub, buf, sizeof(buf), 300)) > 0)
		if (check_frame(buf, n, 1) >= 0)
			got_b++;
	EXPECT_EQ(0, got_b);
	EXPECT_EQ(-ETIMEDOUT, igbvf_user_recv(&self->ua, buf, sizeof(buf), 300));
	EXPECT_EQ(rx_before, self->ua.rx_frames);
	EXPECT_EQ(5, igbvf_user_tx_reclaim(&self->ua));	/* still pending */
	ASSERT_EQ(0, vfio_bar0_read32(&self->a, VTSTATUS, &v));
	EXPECT_NE(0xffffffffu, v);

	/* RUNNING again: what A queued goes out, once */
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
	while ((n = igbvf_user_recv(&self->ub, buf, sizeof(buf), 500)) > 0)
		if (check_frame(buf, n, 1) >= 0)
			got_b++;
	EXPECT_EQ(5, got_b);
	EXPECT_EQ(0, igbvf_user_tx_reclaim(&self->ua));
}

/* Cancelled migrations leave the source moving frames. */
FIXTURE(cancel) {
	struct vfio_dev a, b;
	struct igbvf_user ua, ub;
};

FIXTURE_VARIANT(cancel) {
	int cancel_at;
};

FIXTURE_VARIANT_ADD(cancel, in_pre_copy) { PRE_COPY };
FIXTURE_VARIANT_ADD(cancel, after_stop_copy) { STOP_COPY };
FIXTURE_VARIANT_ADD(cancel, when_the_destination_fails_to_load) { RESUMING };

FIXTURE_SETUP(cancel)
{
	const char *a = test_vf("A"), *b = test_vf("B");
	int ret;

	if (!a || !b || !test_vf("C"))
		SKIP(return, "P2PMIG_VF_A/B/C must name VFs bound to p2pmig");
	ASSERT_EQ(0, vfio_dev_open(&self->a, a, -1));
	ASSERT_EQ(0, vfio_dev_open(&self->b, b, self->a.container));
	ret = igbvf_user_init(&self->ua, &self->a, IOVA_MIG, mac_mig);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->ua.failed_step, strerror(-ret));
	ret = igbvf_user_init(&self->ub, &self->b, IOVA_PEER, mac_peer);
	ASSERT_EQ(0, ret) TH_LOG("B: %s: %s", self->ub.failed_step, strerror(-ret));
}

FIXTURE_TEARDOWN(cancel)
{
	igbvf_user_fini(&self->ub);
	igbvf_user_fini(&self->ua);
	vfio_dev_close(&self->b);
	vfio_dev_close(&self->a);
}

TEST_F(cancel, leaves_the_source_moving_frames)
{
	uint8_t frame[FRAME_LEN], buf[65536];
	int fd = -1, dfd = -1, err, i, n, got_a = 0, got_b = 0;
	struct vfio_dev *c = NULL, cdev;
	ssize_t len;

	if (variant->cancel_at == PRE_COPY) {
		/* QEMU: close data_fd in PRE_COPY, then SET RUNNING */
		ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
		len = mig_read_all(fd, buf, sizeof(buf), &err);
		EXPECT_LT(0, len);
		close(fd);
		ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
	} else {
		ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &fd));
		ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY_P2P, NULL));
		ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, NULL));
		len = mig_read_all(fd, buf, sizeof(buf), &err);
		ASSERT_LT(0, len);
		if (variant->cancel_at == RESUMING) {
			/* a destination that rejects the stream */
			ASSERT_EQ(0, vfio_dev_open(&cdev, test_vf("C"), self->a.container));
			c = &cdev;
			ASSERT_EQ(0, mig_set_state(c->fd, RESUMING, &dfd));
			buf[len - 20] ^= 0xff;
			EXPECT_EQ(-EINVAL, mig_write_all(dfd, buf, len, 32768));
			close(dfd);
			ASSERT_EQ(0, ioctl(c->fd, VFIO_DEVICE_RESET));
		}
		/* QEMU restarts the source: RUNNING_P2P, RUNNING, close */
		ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING_P2P, NULL));
		ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));
		close(fd);
	}

	for (i = 0; i < 10; i++) {
		make_frame(frame, mac_peer, mac_mig, 1, i, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->ua, frame, sizeof(frame)));
		make_frame(frame, mac_mig, mac_peer, 2, i, 0);
		ASSERT_EQ(0, igbvf_user_send(&self->ub, frame, sizeof(frame)));
	}
	while ((n = igbvf_user_recv(&self->ub, buf, IGBVF_USER_BUF, 500)) > 0)
		if (check_frame(buf, n, 1) >= 0)
			got_b++;
	while ((n = igbvf_user_recv(&self->ua, buf, IGBVF_USER_BUF, 500)) > 0)
		if (check_frame(buf, n, 2) >= 0)
			got_a++;
	EXPECT_EQ(10, got_b);
	EXPECT_EQ(10, got_a);
	if (c)
		vfio_dev_close(c);
}

/*
 * The destination PF refuses part of the configuration: the write() of
 * the initial bytes fails with the documented errno, naming the request.
 */
/*
 * The mailbox memory: all of it moves while a message is in it, only word
 * 0 (the PF's last reply, whose CTS bit igbvf's link check reads) while
 * it is idle.  A marker in word 15, which no exchange here reaches, tells
 * which.
 */
FIXTURE(mbxmem) {
	struct vfio_dev a, c;
	struct igbvf_user ua;
};

FIXTURE_VARIANT(mbxmem) {
	int guest;	/* what the guest was doing when it stopped */
};

enum { MBX_IDLE, MBX_WRITING, MBX_READING };

FIXTURE_VARIANT_ADD(mbxmem, idle) { MBX_IDLE };
FIXTURE_VARIANT_ADD(mbxmem, guest_holds_the_buffer) { MBX_WRITING };
FIXTURE_VARIANT_ADD(mbxmem, reply_read_not_acknowledged) { MBX_READING };

FIXTURE_SETUP(mbxmem)
{
	const char *a = test_vf("A"), *c = test_vf("C");
	int ret;

	if (!a || !c)
		SKIP(return, "P2PMIG_VF_A/C must name VFs bound to p2pmig");
	ASSERT_EQ(0, vfio_dev_open(&self->a, a, -1));
	ASSERT_EQ(0, vfio_dev_open(&self->c, c, self->a.container));
	/* VF_RESET and SET_MAC, each acknowledged: the mailbox is idle */
	ret = igbvf_user_init(&self->ua, &self->a, IOVA_MIG, mac_mig);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->ua.failed_step, strerror(-ret));
}

FIXTURE_TEARDOWN(mbxmem)
{
	igbvf_user_fini(&self->ua);
	vfio_dev_close(&self->c);
	vfio_dev_close(&self->a);
}

/*
 * A guest's request whose reply it saw (PFSTS) and began to read, stopped
 * before its ACK.  Linux's igbvf takes the buffer (VFU) before it reads;
 * this guest does not, so that only the unacknowledged reply keeps the
 * memory busy.
 */
static int open_reply(struct vfio_dev *d)
{
	uint32_t v = 0;
	int ret;

	ret = post_and_see_answer(d, IGBVF_MSG_SET_LPE, 1518);
	if (!ret)
		ret = vfio_bar0_read32(d, MBX_MEM(0), &v);
	if (!ret && !(v & IGBVF_MSG_ACK))
		return -EPROTO;
	return ret;
}

TEST_F(mbxmem, memory_moves_whole_only_with_a_message_in_it)
{
	size_t bytes = 0;
	int sfd, dfd;
	uint32_t w0, v;

	if (variant->guest == MBX_WRITING)
		ASSERT_EQ(0, vfio_bar0_write32(&self->a, MBX_V2P, MBX_VFU));
	if (variant->guest == MBX_READING)
		ASSERT_EQ(0, open_reply(&self->a));
	ASSERT_EQ(0, vfio_bar0_write32(&self->a, MBX_MEM(15), MBX_MARK));
	ASSERT_EQ(0, vfio_bar0_read32(&self->a, MBX_MEM(0), &w0));
	ASSERT_EQ(0, vfio_bar0_write32(&self->c, MBX_MEM(15), 0));

	ASSERT_EQ(0, mig_set_state(self->c.fd, RESUMING, &dfd));
	ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY, &sfd));
	ASSERT_EQ(0, pump(sfd, dfd, &bytes));
	ASSERT_EQ(0, mig_set_state(self->a.fd, PRE_COPY_P2P, NULL));
	ASSERT_EQ(0, mig_set_state(self->a.fd, STOP_COPY, NULL));
	ASSERT_EQ(0, pump(sfd, dfd, &bytes));
	ASSERT_EQ(0, mig_set_state(self->c.fd, RUNNING, NULL));
	close(dfd);
	close(sfd);
	ASSERT_EQ(0, mig_set_state(self->a.fd, RUNNING, NULL));

	ASSERT_EQ(0, vfio_bar0_read32(&self->c, MBX_MEM(0), &v));
	EXPECT_EQ(w0, v) TH_LOG("word 0, the PF's last reply, always moves");
	ASSERT_EQ(0, vfio_bar0_read32(&self->c, MBX_MEM(15), &v));
	/* (two ifs: an else would bind to the harness macro's own if) */
	if (variant->guest != MBX_IDLE)
		EXPECT_EQ(MBX_MARK, v) TH_LOG("a message in the memory: all of it moves");
	if (variant->guest == MBX_IDLE)
		EXPECT_NE(MBX_MARK, v) TH_LOG("idle memory: words 1-15 stay behind");
	/* the guest continues on the destination: it releases the buffer */
	if (variant->guest != MBX_IDLE)
		EXPECT_EQ(0, vfio_bar0_write32(&self->c, MBX_V2P,
					       variant->guest == MBX_READING ? MBX_ACK : 0));
}

FIXTURE(refusal) {
	const char *dst_bdf;
	struct vfio_dev src, dst, other;
	struct igbvf_user u, uo;
	bool other_up;
};

FIXTURE_VARIANT(refusal) {
	int kind;
	int errno_want;
	bool late;	/* replay_early=0: the replay runs at RESUMING -> STOP */
};

enum { ADMIN_MAC, VLAN_TABLE_FULL, PF_DOWN };

FIXTURE_VARIANT_ADD(refusal, admin_mac_on_destination) { ADMIN_MAC, EREMOTEIO };
FIXTURE_VARIANT_ADD(refusal, destination_vlan_table_full) { VLAN_TABLE_FULL, EREMOTEIO };
FIXTURE_VARIANT_ADD(refusal, destination_pf_down) { PF_DOWN, ENETDOWN };
FIXTURE_VARIANT_ADD(refusal, admin_mac_on_destination_replayed_late) { ADMIN_MAC, EREMOTEIO, true };

FIXTURE_SETUP(refusal)
{
	const char *a = test_vf("A");
	int ret;

	self->dst_bdf = test_vf("C");
	if (!a || !self->dst_bdf || !test_vf("D"))
		SKIP(return, "P2PMIG_VF_A/C/D must name VFs bound to p2pmig");
	ASSERT_EQ(0, vfio_dev_open(&self->src, a, -1));
	ret = igbvf_user_init(&self->u, &self->src, IOVA_MIG, mac_mig);
	ASSERT_EQ(0, ret) TH_LOG("A: %s: %s", self->u.failed_step, strerror(-ret));
	ASSERT_EQ(0, igbvf_user_set_vlan(&self->u, VLAN_ID, true));
}

FIXTURE_TEARDOWN(refusal)
{
	if (self->other_up) {
		igbvf_user_fini(&self->uo);
		vfio_dev_close(&self->other);
	}
	igbvf_user_fini(&self->u);
	vfio_dev_close(&self->dst);
	vfio_dev_close(&self->src);
	admin_mac(self->dst_bdf, NULL);
	if (variant->late)
		sysfs_write("/sys/module/p2pmig/parameters/replay_early", "1");
	if (variant->kind == PF_DOWN) {
		pf_link(self->dst_bdf, true);
		sleep(3);	/* the PF resets its VFs' mailboxes when it comes up */
	}
}

TEST_F(refusal, initial_bytes_fail_with_the_pfs_answer)
{
	static const uint8_t admin[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0xad };
	int sfd, dfd, ret, vid, state;
	unsigned long long ms;
	size_t bytes = 0;
	uint64_t t0;

	switch (variant->kind) {
	case ADMIN_MAC:
		ASSERT_EQ(0, admin_mac(self->dst_bdf, admin));
		break;
	case VLAN_TABLE_FULL:
		/* another VF of the destination PF takes every free VLAN filter */
		ASSERT_EQ(0, vfio_dev_open(&self->other, test_vf("D"), self->src.container));
		ret = igbvf_user_init(&self->uo, &self->other, IOVA_PEER, mac_peer);
		ASSERT_EQ(0, ret) TH_LOG("D: %s", strerror(-ret));
		self->other_up = true;
		for (vid = 1000; vid < 1100; vid++)
			if (igbvf_user_set_vlan(&self->uo, vid, true))
				break;
		ASSERT_LT(vid, 1100) TH_LOG("the VLAN table never filled");
		break;
	case PF_DOWN:
		ASSERT_EQ(0, pf_link(self->dst_bdf, false));
		break;
	}
	/* the destination is opened now: VFIO resets it, as on a real target */
	ASSERT_EQ(0, vfio_dev_open(&self->dst, self->dst_bdf, self->src.container));
	if (variant->late)
		ASSERT_EQ(0, sysfs_write("/sys/module/p2pmig/parameters/replay_early", "0"));

	ASSERT_EQ(0, mig_set_state(self->dst.fd, RESUMING, &dfd));
	ASSERT_EQ(0, mig_set_state(self->src.fd, PRE_COPY, &sfd));
	t0 = now_ns();
	ret = pump(sfd, dfd, &bytes);
	ms = (now_ns() - t0) / 1000000;
	if (!variant->late) {
		EXPECT_EQ(-variant->errno_want, ret)
			TH_LOG("write of the initial bytes: %s", strerror(-ret));
		/* a PF in reset is waited for 2 s, one that answers is quick */
		EXPECT_GT(3000, ms) TH_LOG("the refusal took %llu ms", ms);
	} else {
		/* the replay waits for the end of RESUMING: the rest must come */
		EXPECT_EQ(0, ret) TH_LOG("write of the initial bytes: %s", strerror(-ret));
		ASSERT_EQ(0, mig_set_state(self->src.fd, PRE_COPY_P2P, NULL));
		ASSERT_EQ(0, mig_set_state(self->src.fd, STOP_COPY, NULL));
		ASSERT_EQ(0, pump(sfd, dfd, &bytes));
		EXPECT_EQ(-variant->errno_want, mig_set_state(self->dst.fd, STOP, NULL));
	}
	/* the destination stays in RESUMING */
	state = -1;
	mig_get_state(self->dst.fd, (uint32_t *)&state);
	EXPECT_EQ(RESUMING, state);
	if (variant->late) {
		/* what the PF refused is allowed now: leaving RESUMING retries */
		ASSERT_EQ(0, admin_mac(self->dst_bdf, NULL));
		EXPECT_EQ(0, mig_set_state(self->dst.fd, STOP, NULL));
		EXPECT_EQ(0, mig_set_state(self->src.fd, RUNNING, NULL));
	}
	close(dfd);
	EXPECT_EQ(0, ioctl(self->dst.fd, VFIO_DEVICE_RESET));
	/* the source goes on */
	close(sfd);
	EXPECT_EQ(0, mig_set_state(self->src.fd, RUNNING, NULL));
}

/*
 * Migrate the guest @u drives from @src to @dst as QEMU does (pre-copy,
 * P2P, stop and copy, resume); @u moves to @dst, @src is stopped and
 * closed as the source QEMU closes it.
 */
static int move_guest(struct vfio_dev *src, struct vfio_dev *dst, struct igbvf_user *u)
{
	int sfd = -1, dfd = -1, ret;
	size_t bytes = 0;

	ret = mig_set_state(dst->fd, RESUMING, &dfd);
	if (!ret)
		ret = mig_set_state(src->fd, PRE_COPY, &sfd);
	if (!ret)
		ret = pump(sfd, dfd, &bytes);
	if (!ret)
		ret = mig_set_state(src->fd, PRE_COPY_P2P, NULL);
	if (!ret)
		ret = mig_set_state(src->fd, STOP_COPY, NULL);
	if (!ret)
		ret = pump(sfd, dfd, &bytes);
	if (!ret)
		ret = mig_set_state(dst->fd, STOP, NULL);
	if (!ret)
		ret = igbvf_user_move_to(u, dst);
	if (!ret)
		ret = mig_set_state(dst->fd, RUNNING, NULL);
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	if (!ret) {
		mig_set_state(src->fd, STOP, NULL);
		vfio_dev_close_device(src);
	}
	return ret;
}

/*
 * The PF's extra unicast filters (SET_MAC with the ADD flag) outlive a
 * VF reset: what one user of a VF set must not reach the next one, nor a
 * guest migrated onto it.  Roles: A and B on PF0, C and D on PF1.
 */
FIXTURE(filters) {
	const char *bdf[4];
	struct vfio_dev dev[4];
	struct igbvf_user u[4];
	bool up[4];
	bool c_rebound;
};

enum { VA, VB, VC, VD };

static const uint8_t mac_stale[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0x5e };
static const uint8_t mac_next[6] = { 0x02, 0x50, 0x32, 0x50, 0x00, 0x0e };

FIXTURE_SETUP(filters)
{
	static const char * const roles[] = { "A", "B", "C", "D" };
	int i, ret;

	for (i = 0; i < 4; i++) {
		self->bdf[i] = test_vf(roles[i]);
		if (!self->bdf[i])
			SKIP(return, "P2PMIG_VF_A/B/C/D must name VFs bound to p2pmig");
	}
	/* B owns the container: the others come and go */
	ret = vfio_dev_open(&self->dev[VB], self->bdf[VB], -1);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", self->bdf[VB], strerror(-ret));
	for (i = 0; i < 4; i++) {
		if (i == VB)
			continue;
		ret = vfio_dev_open(&self->dev[i], self->bdf[i], self->dev[VB].container);
		ASSERT_EQ(0, ret) TH_LOG("%s: %s", self->bdf[i], strerror(-ret));
	}
}

FIXTURE_TEARDOWN(filters)
{
	int i;

	for (i = 3; i >= 0; i--)
		if (self->up[i])
			igbvf_user_fini(&self->u[i]);
	for (i = 3; i >= 0; i--)
		if (i != VB)
			vfio_dev_close(&self->dev[i]);
	vfio_dev_close(&self->dev[VB]);
	if (self->c_rebound)
		pci_bind(self->bdf[VC], P2PMIG_DRIVER);
}

static int guest_on(struct _test_data_filters *self, int i, const uint8_t *mac)
{
	int ret = igbvf_user_init(&self->u[i], &self->dev[i], IOVA_MIG + i * 0x1000000ULL,
				  mac);

	self->up[i] = !ret;
	return ret;
}

static void guest_off(struct _test_data_filters *self, int i)
{
	if (self->up[i])
		igbvf_user_fini(&self->u[i]);
	self->up[i] = false;
}

/* Frames to the previous user's filter do not reach the next user. */
TEST_F(filters, extra_unicast_filter_is_gone_for_the_next_user)
{
	ASSERT_EQ(0, guest_on(self, VB, mac_peer));
	ASSERT_EQ(0, guest_on(self, VA, mac_mig));
	ASSERT_EQ(0, igbvf_user_add_uc_filter(&self->u[VA], mac_stale));
	ASSERT_EQ(0, send_frames(&self->u[VB], mac_stale, 7, 0, 5));
	ASSERT_EQ(5, frames_of(&self->u[VA], 7, 300)) TH_LOG("the filter never worked");

	/* the user closes the VF; the next one opens it */
	guest_off(self, VA);
	vfio_dev_close(&self->dev[VA]);
	ASSERT_EQ(0, vfio_dev_open(&self->dev[VA], self->bdf[VA], self->dev[VB].container));
	ASSERT_EQ(0, guest_on(self, VA, mac_next));

	ASSERT_EQ(0, send_frames(&self->u[VB], mac_stale, 8, 0, 5));
	EXPECT_EQ(0, frames_of(&self->u[VA], 8, 300)) TH_LOG("the previous user's frames arrive");
	ASSERT_EQ(0, send_frames(&self->u[VB], mac_next, 9, 0, 5));
	EXPECT_EQ(5, frames_of(&self->u[VA], 9, 300));
}

/*
 * A filter a previous user left on the destination VF (under vfio-pci,
 * which clears nothing) does not reach the guest migrated onto it.
 */
TEST_F(filters, migrated_guest_does_not_inherit_stale_filters)
{
	vfio_dev_close(&self->dev[VC]);
	self->c_rebound = true;
	ASSERT_EQ(0, pci_bind(self->bdf[VC], "vfio-pci"));
	ASSERT_EQ(0, vfio_dev_open(&self->dev[VC], self->bdf[VC], self->dev[VB].container));
	ASSERT_EQ(0, guest_on(self, VD, mac_peer));
	ASSERT_EQ(0, guest_on(self, VC, mac_next));
	ASSERT_EQ(0, igbvf_user_add_uc_filter(&self->u[VC], mac_stale));
	ASSERT_EQ(0, send_frames(&self->u[VD], mac_stale, 7, 0, 5));
	ASSERT_EQ(5, frames_of(&self->u[VC], 7, 300)) TH_LOG("the filter never worked");
	guest_off(self, VC);
	vfio_dev_close(&self->dev[VC]);
	ASSERT_EQ(0, pci_bind(self->bdf[VC], P2PMIG_DRIVER));
	self->c_rebound = false;
	ASSERT_EQ(0, vfio_dev_open(&self->dev[VC], self->bdf[VC], self->dev[VB].container));

	/* a guest without extra filters migrates from A to C */
	ASSERT_EQ(0, guest_on(self, VA, mac_mig));
	ASSERT_EQ(0, move_guest(&self->dev[VA], &self->dev[VC], &self->u[VA]));

	ASSERT_EQ(0, send_frames(&self->u[VD], mac_stale, 8, 0, 5));
	EXPECT_EQ(0, frames_of(&self->u[VA], 8, 300)) TH_LOG("the stale filter delivers");
	ASSERT_EQ(0, send_frames(&self->u[VD], mac_mig, 9, 0, 5));
	EXPECT_EQ(5, frames_of(&self->u[VA], 9, 300));
}

/*
 * The guest's transmit vector fired and was auto-masked (EIAM) just
 * before the source stopped; its handler, which unmasks it, never ran
 * there.  On the destination the vector is unmasked and raised, and goes
 * on firing for new completions.  (QEMU's model does not auto-mask: the
 * test masks the vector as the 82576 would.)
 */
TEST_F(filters, auto_masked_tx_vector_fires_again_on_the_destination)
{
	const uint32_t tx = 1u << IGBVF_USER_VEC_TX;

	ASSERT_EQ(0, guest_on(self, VD, mac_peer));
	ASSERT_EQ(0, guest_on(self, VA, mac_mig));
	ASSERT_EQ(0, vfio_bar0_write32(&self->dev[VA], VTEIAM, tx));
	ASSERT_EQ(0, igbvf_user_irq_enable(&self->u[VA], tx, false));
	igbvf_user_irq_wait(&self->u[VA], IGBVF_USER_VEC_TX, 0);

	ASSERT_EQ(0, move_guest(&self->dev[VA], &self->dev[VC], &self->u[VA]));
	EXPECT_LT(0, igbvf_user_irq_wait(&self->u[VA], IGBVF_USER_VEC_TX, 2000))
		TH_LOG("the masked transmit vector was not raised on the destination");
	/* unmasked: a transmit completion interrupts again */
	ASSERT_EQ(0, send_frames(&self->u[VA], mac_peer, 10, 0, 1));
	EXPECT_LT(0, igbvf_user_irq_wait(&self->u[VA], IGBVF_USER_VEC_TX, 2000))
		TH_LOG("no transmit interrupt on the destination");
	EXPECT_EQ(1, frames_of(&self->u[VD], 10, 300));
}

TEST_HARNESS_MAIN
