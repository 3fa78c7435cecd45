/* STM32F4-Discovery (STM32F407VG): green LED on PD12, reset clock HSI 16 MHz. */
#include "board.h"

#define RCC_AHB1ENR   0x40023830u
#define RCC_GPIODEN   (1u << 3)
#define GPIOD_MODER   0x40020C00u
#define GPIOD_ODR     0x40020C14u
#define LED_PIN       12u

/* About 1 ms between toggles at 16 MHz and one cycle per instruction. */
volatile uint32_t delay_loops = 5333;

void led_init(void)
{
	REG32(RCC_AHB1ENR) |= RCC_GPIODEN;
	(void)REG32(RCC_AHB1ENR);
	/* MODER field 01: general purpose output */
	REG32(GPIOD_MODER) = (REG32(GPIOD_MODER) & ~(0x3u << (LED_PIN * 2u)))
			     | (0x1u << (LED_PIN * 2u));
}

void led_toggle(void)
{
	REG32(GPIOD_ODR) ^= 1u << LED_PIN;
}
