# SPDX-License-Identifier: GPL-2.0-or-later
# The Q.931 guard alone: a table of good and bad messages, answer rewriting, random mutations.
UNIT_TESTS += q931_guard
q931_guard_SRCS := tests/unit/q931_guard/test_q931_guard.c firmware/isdn/q931_guard.c
