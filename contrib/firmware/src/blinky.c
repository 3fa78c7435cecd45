/* Test firmware: toggle the board's LED forever, counting toggles in blink_count.
 *
 * Debugger tests rely on: `main` (break main / next / step), `blink_count` (.bss,
 * zeroed by Reset_Handler, +1 per toggle), `delay_loops` (.data, copied from flash).
 */
#include "board.h"

volatile uint32_t blink_count;

/* noinline keeps a real call for GDB's `step` and a stable loop for the cycle count:
 * nop, subs, bne per iteration. */
__attribute__((noinline)) static void delay(uint32_t loops)
{
	for (; loops != 0; loops--)
		__asm__ volatile ("nop");
}

int main(void)
{
	led_init();
	for (;;) {
		led_toggle();
		blink_count++;
		delay(delay_loops);
	}
}
