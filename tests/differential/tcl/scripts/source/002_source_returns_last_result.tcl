set r [source 002_helper_value.inc]
puts $r
puts $helper_var
