# A proc whose body is never closed.
proc setup {} {
    set speed 1000
    if {$speed > 500} {
        puts fast
    }

puts "never reached"
