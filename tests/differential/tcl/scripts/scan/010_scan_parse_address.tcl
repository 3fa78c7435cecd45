set line "flash bank 0x08000000 0x20000 0 0"
scan $line "flash bank %x %x %d %d" base size w h
puts [format "base=0x%08x size=%d" $base $size]
