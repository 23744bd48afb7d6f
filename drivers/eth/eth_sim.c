// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sim Ethernet on a Linux tap (design.md section 5, 7): non-blocking, driven by the sim board's
 * poll loop. RX drains every pending frame per wakeup (bounded, so that E1 chunks are not
 * starved; what is left wakes the next poll at once). TX writev()s the caller's segments,
 * one frame per call, without copying. Errors are counted and logged, never fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <hlgw/log.h>

#include "eth_sim.h"
#include "../../board/sim/sim_poll.h"

#define ETH_SIM_MAX_SEG 32
/* Largest frame passed up: 1500 MTU + header + VLAN tag. Longer ones are dropped. */
#define ETH_SIM_MAX_FRAME 1518
/* Frames read per wakeup at most; the rest are read on the next loop turn. */
#define ETH_SIM_RX_BATCH 256
/* Log at most this many errors of one kind; the counters keep counting. */
#define ETH_SIM_LOG_MAX 10

struct eth_sim {
	int fd;
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
	eth_rx_cb rx;
	void *rx_arg;
	struct eth_sim_stats st;
	unsigned int rx_logged, tx_logged;
	bool nocarrier; /* last write found the host side down */
	/* one frame plus room to see that a frame was longer than allowed */
	uint8_t buf[ETH_SIM_MAX_FRAME + 64];
};

static void eth_sim_rx_error(const struct eth_dev *dev, struct eth_sim *s, int err)
{
	s->st.rx_errors++;
	if (s->rx_logged++ < ETH_SIM_LOG_MAX)
		LOGP(DNET, LOGL_ERROR, "%s: read: %s\n", dev->name, strerror(err));
}

static void eth_sim_readable(int fd, short revents, void *arg)
{
	const struct eth_dev *dev = arg;
	struct eth_sim *s = dev->priv;
	unsigned int n;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		/* the tap went away (deleted by the host): stop watching, or poll() would spin */
		s->st.rx_errors++;
		LOGP(DNET, LOGL_ERROR, "%s: tap gone (poll 0x%x), receive stopped\n", dev->name,
		     revents);
		sim_poll_del(fd);
		return;
	}
	for (n = 0; n < ETH_SIM_RX_BATCH; n++) {
		ssize_t len = read(fd, s->buf, sizeof(s->buf));

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				eth_sim_rx_error(dev, s, errno);
			break;
		}
		if ((size_t)len > ETH_SIM_MAX_FRAME) {
			s->st.rx_oversize++;
			continue;
		}
		s->st.rx_frames++;
		if (s->rx)
			s->rx(s->rx_arg, s->buf, (size_t)len);
	}
	if (n > s->st.rx_max_batch)
		s->st.rx_max_batch = n;
}

static int eth_sim_start(const struct eth_dev *dev, eth_rx_cb rx, void *arg)
{
	struct eth_sim *s = dev->priv;
	int rc;

	s->rx = rx;
	s->rx_arg = arg;
	rc = sim_poll_add(s->fd, POLLIN, eth_sim_readable, (void *)dev);
	return rc == -EEXIST ? 0 : rc;
}

static int eth_sim_stop(const struct eth_dev *dev)
{
	struct eth_sim *s = dev->priv;

	sim_poll_del(s->fd);
	s->rx = NULL;
	return 0;
}

static int eth_sim_send(const struct eth_dev *dev, const void *const *seg, const size_t *seg_len,
			unsigned int n)
{
	struct eth_sim *s = dev->priv;
	struct iovec iov[ETH_SIM_MAX_SEG];
	size_t total = 0;
	unsigned int i;
	ssize_t rc;

	if (!n || n > ETH_SIM_MAX_SEG) {
		s->st.tx_errors++;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)seg[i];
		iov[i].iov_len = seg_len[i];
		total += seg_len[i];
	}
	if (total < 14 || total > ETH_SIM_MAX_FRAME) {
		s->st.tx_errors++;
		return -EMSGSIZE;
	}
	do {
		rc = writev(s->fd, iov, (int)n);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		int err = errno;

		if (err == EAGAIN || err == EWOULDBLOCK) {
			/* the kernel's queue is full: a dropped frame, as on a busy wire */
			s->st.tx_busy++;
			return -EAGAIN;
		}
		if (err == EIO) {
			/* the host side of the tap is down: no carrier, the frame is lost as on
			 * an unplugged port; say so once per outage, it is not a fault of the box */
			s->st.tx_nocarrier++;
			if (!s->nocarrier) {
				s->nocarrier = true;
				LOGP(DNET, LOGL_NOTICE, "%s: host side down, frames dropped\n",
				     dev->name);
			}
			return -ENETDOWN;
		}
		s->st.tx_errors++;
		if (s->tx_logged++ < ETH_SIM_LOG_MAX)
			LOGP(DNET, LOGL_ERROR, "%s: write: %s\n", dev->name, strerror(err));
		return -err;
	}
	if ((size_t)rc != total) {
		s->st.tx_errors++;
		return -EIO;
	}
	if (s->nocarrier) {
		s->nocarrier = false;
		LOGP(DNET, LOGL_NOTICE, "%s: host side up\n", dev->name);
	}
	s->st.tx_frames++;
	return 0;
}

static int eth_sim_get_mac(const struct eth_dev *dev, uint8_t mac[6])
{
	const struct eth_sim *s = dev->priv;

	memcpy(mac, s->mac, 6);
	return 0;
}

static const struct eth_ops eth_sim_ops = {
	.start = eth_sim_start,
	.stop = eth_sim_stop,
	.send = eth_sim_send,
	.get_mac = eth_sim_get_mac,
};

/* Locally administered unicast MAC from a 64-bit FNV-1a hash of the interface name. */
static void eth_sim_mac_from_name(uint8_t mac[6], const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned int i;

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 0x100000001b3ull;
	}
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}

int eth_sim_init(struct eth_dev *dev, const char *name)
{
	struct eth_sim *s;
	struct ifreq ifr;
	int fd, rc;

	if (!dev || !name || !*name)
		return -EINVAL;
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto err_free;
	}
	/* same flags as `ip tuntap add mode tap`, so an existing persistent tap attaches */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		goto err_close;
	}
	s->fd = fd;
	memcpy(s->ifname, ifr.ifr_name, IFNAMSIZ);
	s->ifname[IFNAMSIZ - 1] = '\0';
	eth_sim_mac_from_name(s->mac, s->ifname);
	dev->name = s->ifname;
	dev->ops = &eth_sim_ops;
	dev->cfg = NULL;
	dev->priv = s;
	return 0;

err_close:
	close(fd);
err_free:
	free(s);
	return rc;
}

int eth_sim_get_stats(const struct eth_dev *dev, struct eth_sim_stats *st)
{
	if (!dev || !dev->priv || !st)
		return -EINVAL;
	*st = ((const struct eth_sim *)dev->priv)->st;
	return 0;
}
