puts [catch {source nosuch_file.inc} m]
puts $m
source also_missing.inc
