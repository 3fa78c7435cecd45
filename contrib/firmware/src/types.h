/* Fixed-width types from the compiler's own macros, so the build reads no system
 * header and the debug info names no path outside this directory. */
#ifndef BLINKY_TYPES_H
#define BLINKY_TYPES_H

typedef __UINT32_TYPE__ uint32_t;

#define REG32(addr) (*(volatile uint32_t *)(addr))

#endif
