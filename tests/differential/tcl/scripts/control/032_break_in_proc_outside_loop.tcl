proc f {} { break }
puts [catch f m]
puts "<$m>"
