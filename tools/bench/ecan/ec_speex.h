/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef EC_SPEEX_H
#define EC_SPEEX_H
#include "g168.h"
extern const struct g168_engine ec_speex_engine;
extern int ec_speex_frame;
#endif
