set name world
puts {hello $name [expr 1+2] \t}
puts {nested {braces {deep}} ok}
puts [string length {$name}]
