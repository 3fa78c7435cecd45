clock
