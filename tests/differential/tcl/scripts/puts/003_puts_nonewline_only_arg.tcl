# With a single argument -nonewline is the text itself.
puts -nonewline
