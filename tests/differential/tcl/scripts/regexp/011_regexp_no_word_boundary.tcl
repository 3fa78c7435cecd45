# This regexp engine has no \b word boundary or \1 back-reference in patterns.
puts [regexp {\bfoo\b} "a foo b"]
puts [regexp {(\d)\1} 1223 m]
