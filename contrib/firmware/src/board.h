/* What each board file provides to blinky.c. */
#ifndef BLINKY_BOARD_H
#define BLINKY_BOARD_H

#include "types.h"

/* Busy-loop count between LED toggles, in .data: a chip whose .data was not copied
 * from flash (wrong load address) blinks at a visibly wrong rate or not at all. */
extern volatile uint32_t delay_loops;

void led_init(void);
void led_toggle(void);

#endif
