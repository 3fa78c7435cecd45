puts line1
puts -nonewline partial
error "after partial output"
