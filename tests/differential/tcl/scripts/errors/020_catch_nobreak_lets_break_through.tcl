puts start
catch -nobreak {break} m
puts never
