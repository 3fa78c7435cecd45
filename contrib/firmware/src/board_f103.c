/* Blue Pill (STM32F103C8): LED on PC13, reset clock HSI 8 MHz. */
#include "board.h"

#define RCC_APB2ENR   0x40021018u
#define RCC_IOPCEN    (1u << 4)
#define GPIOC_CRH     0x40011004u
#define GPIOC_ODR     0x4001100Cu
#define LED_PIN       13u

/* About 1 ms between toggles at 8 MHz and one cycle per instruction. */
volatile uint32_t delay_loops = 2667;

void led_init(void)
{
	REG32(RCC_APB2ENR) |= RCC_IOPCEN;
	(void)REG32(RCC_APB2ENR); /* let the clock enable take effect before touching GPIOC */
	/* CRH nibble for pin 13: MODE=10 (output, 2 MHz), CNF=00 (push-pull) */
	REG32(GPIOC_CRH) = (REG32(GPIOC_CRH) & ~(0xFu << ((LED_PIN - 8u) * 4u)))
			   | (0x2u << ((LED_PIN - 8u) * 4u));
}

void led_toggle(void)
{
	REG32(GPIOC_ODR) ^= 1u << LED_PIN;
}
