set name "stm32f1x
puts $name
