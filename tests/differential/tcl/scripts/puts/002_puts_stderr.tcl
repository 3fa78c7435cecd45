puts stdout out1
puts stderr err1
puts stdout out2
puts -nonewline stderr err2
