/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 82576 VF register offsets in BAR0 (82576 datasheet, section 8.29), as the
 * userspace igbvf driver and the tests that look at a VF's registers use
 * them.
 */
#ifndef P2PMIG_IGBVF_REGS_H
#define P2PMIG_IGBVF_REGS_H

#define VTCTRL			0x0000
#define VTCTRL_RST		(1u << 26)
#define VTSTATUS		0x0008
#define VMBMEM(i)		(0x0800 + 4 * (i))
#define V2PMAILBOX		0x0c40
#define V2P_VFU			(1u << 2)	/* the VF holds the mailbox buffer */
#define VTEICS			0x1520
#define VTEIMS			0x1524
#define VTEIMC			0x1528
#define VTEIAC			0x152c
#define VTEIAM			0x1530
#define VTEICR			0x1580
#define VTEITR(i)		(0x1680 + 4 * (i))
#define VTIVAR			0x1700
#define VTIVAR_MISC		0x1740
#define IVAR_VALID		0x80
#define RDBAL(q)		(0x2800 + 0x100 * (q))
#define RDBAH(q)		(0x2804 + 0x100 * (q))
#define RDLEN(q)		(0x2808 + 0x100 * (q))
#define SRRCTL(q)		(0x280c + 0x100 * (q))
#define RDH(q)			(0x2810 + 0x100 * (q))
#define RDT(q)			(0x2818 + 0x100 * (q))
#define RXDCTL(q)		(0x2828 + 0x100 * (q))
#define TDBAL(q)		(0x3800 + 0x100 * (q))
#define TDBAH(q)		(0x3804 + 0x100 * (q))
#define TDLEN(q)		(0x3808 + 0x100 * (q))
#define TDH(q)			(0x3810 + 0x100 * (q))
#define TDT(q)			(0x3818 + 0x100 * (q))
#define TXDCTL(q)		(0x3828 + 0x100 * (q))
#define TDWBAL(q)		(0x3838 + 0x100 * (q))
#define TDWBAH(q)		(0x383c + 0x100 * (q))
#define XDCTL_ENABLE		(1u << 25)

#endif
