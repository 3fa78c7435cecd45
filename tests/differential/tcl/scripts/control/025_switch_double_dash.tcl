puts [switch -- -x {-x {set r dash}}]
puts [switch -glob -- -abc {-a* {set r dashglob}}]
