set s {path/to/file}
puts [regsub -all / $s \\\\]
puts [regsub -all {[aeiou]} "hello world" {(&)}]
