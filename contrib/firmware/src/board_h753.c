/* Nucleo-H753ZI (STM32H753ZI): green LED LD1 on PB0, reset clock HSI 64 MHz. */
#include "board.h"

#define RCC_AHB4ENR   0x580244E0u
#define RCC_GPIOBEN   (1u << 1)
#define GPIOB_MODER   0x58020400u
#define GPIOB_ODR     0x58020414u
#define LED_PIN       0u

/* About 1 ms between toggles at 64 MHz and one cycle per instruction. */
volatile uint32_t delay_loops = 21333;

void led_init(void)
{
	REG32(RCC_AHB4ENR) |= RCC_GPIOBEN;
	(void)REG32(RCC_AHB4ENR);
	/* PB0 resets to analog mode (11); MODER field 01: general purpose output */
	REG32(GPIOB_MODER) = (REG32(GPIOB_MODER) & ~(0x3u << (LED_PIN * 2u)))
			     | (0x1u << (LED_PIN * 2u));
}

void led_toggle(void)
{
	REG32(GPIOB_ODR) ^= 1u << LED_PIN;
}
