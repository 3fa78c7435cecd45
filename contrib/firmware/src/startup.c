/* Vector table and reset handler: copy .data from flash, zero .bss, call main.
 *
 * No interrupts are used, so the table holds only the 16 core exceptions; all but
 * the stack pointer and reset point at Default_Handler.
 */
#include "types.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void Default_Handler(void);

__attribute__((section(".isr_vector"), used))
void (*const vector_table[16])(void) = {
	(void (*)(void))&_estack,
	Reset_Handler,
	Default_Handler, /* NMI */
	Default_Handler, /* HardFault */
	Default_Handler, /* MemManage */
	Default_Handler, /* BusFault */
	Default_Handler, /* UsageFault */
	0, 0, 0, 0,      /* reserved */
	Default_Handler, /* SVCall */
	Default_Handler, /* DebugMonitor */
	0,               /* reserved */
	Default_Handler, /* PendSV */
	Default_Handler, /* SysTick */
};

void Reset_Handler(void)
{
	const uint32_t *src = &_sidata;
	uint32_t *dst;

	for (dst = &_sdata; dst < &_edata; )
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss; )
		*dst++ = 0;
	main();
	for (;;)
		;
}

/* A fault parks here; a debugger halting the core sees PC in this loop. */
void Default_Handler(void)
{
	for (;;)
		;
}
