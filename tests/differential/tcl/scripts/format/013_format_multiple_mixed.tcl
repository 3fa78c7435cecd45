set name flash
set addr 0x08000000
set size 65536
puts [format "%-8s @ 0x%08x size %6d (%.1f KiB)" $name $addr $size [expr {$size / 1024.0}]]
