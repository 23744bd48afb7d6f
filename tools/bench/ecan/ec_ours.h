/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef EC_OURS_H
#define EC_OURS_H
#include "g168.h"
extern const struct g168_engine ec_ours_engine;
#endif
