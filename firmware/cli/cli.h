/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a board needs from the console module to host a VTY on its serial line. */
#ifndef CLI_H
#define CLI_H

/* Session context for a VTY the board creates (vty_create(fd, cli_vty_priv_new())):
 * libosmovty's `logging ...` commands keep the session's log target in it. libosmovty frees
 * it with the VTY (vty_close); free it yourself only when the VTY was never created. */
void *cli_vty_priv_new(void);
void cli_vty_priv_free(void *priv);

#endif
