# A proc with a broken body is only reported when it runs.
proc later {} { set x [ }
puts defined
later
