UNIT_TESTS += g826
g826_SRCS := tests/unit/g826/test_g826.c firmware/span/g826.c
