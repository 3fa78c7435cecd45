set cfg {}
dict set cfg target name stm32
dict set cfg target speed 1000
dict set cfg adapter name stlink
puts $cfg
puts [dict get $cfg target speed]
dict for {k v} [dict get $cfg target] { puts "$k=$v" }
