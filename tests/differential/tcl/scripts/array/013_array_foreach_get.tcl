array set e {b 2 a 1 c 3}
foreach {k v} [array get e] { puts $k=$v }
foreach k [lsort [array names e]] { puts "$k -> $e($k)" }
