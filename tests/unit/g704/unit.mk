UNIT_TESTS += g704
g704_SRCS := tests/unit/g704/test_g704.c drivers/e1/g704.c
