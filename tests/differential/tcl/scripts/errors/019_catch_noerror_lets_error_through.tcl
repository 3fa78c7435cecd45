puts start
catch -noerror {error "escaped"} m
puts never
