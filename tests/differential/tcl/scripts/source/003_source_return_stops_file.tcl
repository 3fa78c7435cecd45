puts [source 003_helper_return.inc]
puts $before_return
puts [info exists after_return]
